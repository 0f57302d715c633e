"""The database key: random and kept in the OS keyring, or derived from a passphrase with scrypt."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from stores.errors import KeyUnavailableError

KEYRING_SERVICE = "mirix-app"
KEYINFO_FILE = "keyinfo.json"
KEY_BYTES = 32
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1


@dataclass(frozen=True)
class KeyInfo:
    """Non-secret facts about how a data dir's key is obtained (stored as keyinfo.json)."""

    method: str  # "keyring" or "passphrase"
    store_id: str
    salt: str | None = None
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    @property
    def keyring_account(self) -> str:
        return f"database-key:{self.store_id}"


def keyring_works() -> bool:
    """True when the OS keyring has a usable backend (the headless 'fail' backend is not)."""
    try:
        keyring.get_password(KEYRING_SERVICE, "probe")
    except keyring.errors.KeyringError:
        return False
    except Exception:  # noqa: BLE001 - broken third-party backends raise anything
        return False
    return True


def read_keyinfo(data_dir: Path) -> KeyInfo | None:
    """The data dir's key info, or None for a data dir that has none yet."""
    path = data_dir / KEYINFO_FILE
    if not path.exists():
        return None
    return KeyInfo(**json.loads(path.read_text(encoding="utf-8")))


def write_keyinfo(data_dir: Path, info: KeyInfo) -> None:
    """Write keyinfo.json (user-only permissions) atomically."""
    path = data_dir / KEYINFO_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def derive_from_passphrase(passphrase: str, info: KeyInfo) -> bytes:
    """Derive the 256-bit database key from a passphrase with the data dir's scrypt salt."""
    if not passphrase:
        raise KeyUnavailableError("The passphrase is empty.")
    assert info.salt is not None
    kdf = Scrypt(salt=bytes.fromhex(info.salt), length=KEY_BYTES, n=info.n, r=info.r, p=info.p)
    return kdf.derive(passphrase.encode("utf-8"))


def subkey(master: bytes, purpose: str) -> bytes:
    """A 256-bit key for one purpose (vault fields, frame files) derived from the database key."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=f"mirix-app {purpose}".encode())
    return hkdf.derive(master)


def existing_key(info: KeyInfo, passphrase: str | None) -> bytes:
    """The key of an existing data dir, from the keyring or the passphrase its key info names."""
    if info.method == "keyring":
        return _key_from_keyring(info)
    if passphrase is None:
        raise KeyUnavailableError(
            "This memory is protected by a passphrase. Enter it, or set MIRIX_PASSPHRASE for headless use."
        )
    return derive_from_passphrase(passphrase, info)


def new_key(passphrase: str | None, prefer_passphrase: bool = False) -> tuple[bytes, KeyInfo]:
    """A key for a new data dir: random in the keyring when one works, else from the passphrase."""
    store_id = uuid.uuid4().hex
    if not prefer_passphrase and keyring_works():
        info = KeyInfo(method="keyring", store_id=store_id)
        key = secrets.token_bytes(KEY_BYTES)
        keyring.set_password(KEYRING_SERVICE, info.keyring_account, key.hex())
        return key, info
    if passphrase is None:
        raise KeyUnavailableError(
            "No OS keyring is available to hold the encryption key. Choose a passphrase "
            "(set MIRIX_PASSPHRASE for headless use); mirix-app never stores memory unencrypted."
        )
    info = KeyInfo(method="passphrase", store_id=store_id, salt=secrets.token_hex(16))
    return derive_from_passphrase(passphrase, info), info


def forget_new_key(info: KeyInfo) -> None:
    """Remove a keyring entry made for a data dir whose creation then failed."""
    if info.method == "keyring":
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(KEYRING_SERVICE, info.keyring_account)


def _key_from_keyring(info: KeyInfo) -> bytes:
    try:
        stored: Any = keyring.get_password(KEYRING_SERVICE, info.keyring_account)
    except keyring.errors.KeyringError as error:
        raise KeyUnavailableError(
            "This memory's key is kept in the OS keyring, but the keyring cannot be reached "
            f"({type(error).__name__}). Unlock your desktop keyring and try again."
        ) from error
    if not stored:
        raise KeyUnavailableError(
            "This memory's key is not in the OS keyring (was the keyring reset?). "
            "Without it the data cannot be decrypted."
        )
    return bytes.fromhex(stored)
