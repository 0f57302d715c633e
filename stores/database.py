"""Open the SQLCipher database with a raw key, verify the key, and wrap it in sqlite-utils."""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3
import sqlite_utils

from stores.errors import DataDirError, WrongKeyError

BUSY_TIMEOUT_S = 10.0


def _keyed_connection(path: Path, key: bytes) -> sqlcipher3.Connection:
    # opened on one thread (the owner's engine) and used there; check_same_thread=False only because the
    # engine opens it in a job and tests close it from the main thread
    conn = sqlcipher3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    return conn


def _not_a_database(error: Exception) -> bool:
    """True only for the error a wrong key gives; busy, locked, I/O and disk-full errors are something else."""
    return "not a database" in str(error)


def verify_key(path: Path, key: bytes) -> None:
    """Raise WrongKeyError when ``key`` does not open the existing database at ``path`` (read-only check)."""
    conn = sqlcipher3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as error:
        if not _not_a_database(error):
            raise DataDirError(f"Cannot read the memory database at {path}: {error}") from error
        raise WrongKeyError(
            "Wrong passphrase or key: the memory database could not be decrypted. Nothing was changed."
        ) from error
    finally:
        conn.close()


def open_encrypted(path: Path, key: bytes) -> sqlite_utils.Database:
    """Open (creating if absent) the encrypted database; a wrong key raises before anything is written."""
    if path.exists():
        verify_key(path, key)
    try:
        conn = _keyed_connection(path, key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB of decrypted pages: SQLCipher decrypts on every miss
    except sqlcipher3.OperationalError as error:
        raise DataDirError(f"Cannot open the memory database at {path}: {error}") from error
    if path.exists():
        os.chmod(path, 0o600)
    return sqlite_utils.Database(conn, execute_plugins=False)
