"""The key comes from the OS keyring or a passphrase; wrong keys fail cleanly and write nothing."""

from __future__ import annotations

import json
import stat

import keyring
import pytest
from helpers import PASSPHRASE, snapshot

from stores.embedders import HashingEmbedder
from stores.errors import KeyUnavailableError, WrongKeyError
from stores.keys import KEYRING_SERVICE
from stores.memory_store import MemoryStore


def _open(data_dir, passphrase=PASSPHRASE):
    return MemoryStore.open(data_dir, passphrase=passphrase, embedder=HashingEmbedder())


def test_wrong_passphrase_is_a_clear_error_and_writes_nothing(data_dir):
    with _open(data_dir) as store:
        store.add("semantic", {"name": "x", "summary": "y"})
    before = snapshot(data_dir)

    with pytest.raises(WrongKeyError, match="Wrong passphrase"):
        _open(data_dir, passphrase="not the passphrase")

    assert snapshot(data_dir) == before


def test_right_passphrase_reopens_the_memory(data_dir):
    with _open(data_dir) as store:
        memory_id = store.add("semantic", {"name": "x", "summary": "y"})
    with _open(data_dir) as store:
        assert store.get("semantic", memory_id)["summary"] == "y"


def test_no_keyring_and_no_passphrase_refuses_and_creates_no_database(data_dir):
    with pytest.raises(KeyUnavailableError, match="passphrase"):
        _open(data_dir, passphrase=None)
    assert not (data_dir / "memory.db").exists()


def test_keyring_holds_a_random_key_and_no_passphrase_is_needed(data_dir, memory_keyring):
    with _open(data_dir, passphrase=None) as store:
        memory_id = store.add("semantic", {"name": "x", "summary": "y"})
    info = json.loads((data_dir / "keyinfo.json").read_text())
    stored = memory_keyring.get_password(KEYRING_SERVICE, f"database-key:{info['store_id']}")
    assert len(bytes.fromhex(stored)) == 32
    assert stored not in (data_dir / "keyinfo.json").read_text()
    with _open(data_dir, passphrase=None) as store:
        assert store.get("semantic", memory_id)


def test_key_missing_from_keyring_is_a_clear_error(data_dir, memory_keyring):
    with _open(data_dir, passphrase=None):
        pass
    memory_keyring.items.clear()
    with pytest.raises(KeyUnavailableError, match="not in the OS keyring"):
        _open(data_dir, passphrase=None)


def test_wrong_key_in_keyring_writes_nothing(data_dir, memory_keyring):
    with _open(data_dir, passphrase=None):
        pass
    before = snapshot(data_dir)
    (service_account,) = memory_keyring.items
    keyring.set_password(*service_account, "00" * 32)
    with pytest.raises(WrongKeyError):
        _open(data_dir, passphrase=None)
    assert snapshot(data_dir) == before


def test_data_dir_and_database_are_private_to_the_user(data_dir):
    with _open(data_dir):
        pass
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "memory.db").stat().st_mode) == 0o600


def test_database_file_is_not_plain_sqlite(data_dir):
    with _open(data_dir) as store:
        store.add("semantic", {"name": "x", "summary": "y"})
    assert not (data_dir / "memory.db").read_bytes().startswith(b"SQLite format 3")
