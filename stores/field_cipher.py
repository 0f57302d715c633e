"""AES-GCM encryption of single values (knowledge-vault secrets) and whole files (frames)."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from stores.errors import WrongKeyError

_PREFIX = "aesgcm1:"
_NONCE = 12


class FieldCipher:
    """Encrypt and decrypt values with one AES-256-GCM key, bound to a context such as a record id."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def encrypt_bytes(self, plain: bytes, context: str = "") -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain, context.encode())

    def decrypt_bytes(self, blob: bytes, context: str = "") -> bytes:
        try:
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], context.encode())
        except InvalidTag as error:
            raise WrongKeyError("An encrypted value could not be decrypted (wrong key or damaged data).") from error

    def encrypt_text(self, plain: str, context: str = "") -> str:
        return _PREFIX + base64.b64encode(self.encrypt_bytes(plain.encode("utf-8"), context)).decode("ascii")

    def decrypt_text(self, token: str, context: str = "") -> str:
        if not token.startswith(_PREFIX):
            raise WrongKeyError("The stored value is not in the expected encrypted format.")
        return self.decrypt_bytes(base64.b64decode(token[len(_PREFIX) :]), context).decode("utf-8")
