"""Knowledge-vault secrets are field-encrypted, never indexed or embedded, and shown only on reveal."""

from __future__ import annotations

from stores.memories import SECRET_MASK

SECRET = "hunter2-VAULTSECRET-9f8e7d"


def _add_secret(store):
    return store.add(
        "knowledge_vault", {"caption": "Router admin password", "secret_value": SECRET, "sensitivity": "high"}
    )


def test_secret_is_masked_everywhere_but_reveal(store):
    vault_id = _add_secret(store)
    store.update("knowledge_vault", vault_id, {"caption": "Home router admin password"})

    assert store.get("knowledge_vault", vault_id)["secret_value"] == SECRET_MASK
    assert all(r["secret_value"] == SECRET_MASK for r in store.memories.list_recent("knowledge_vault"))
    assert store.history("knowledge_vault", vault_id)[0]["record"]["secret_value"] == SECRET_MASK
    assert all(SECRET not in h.text for h in store.search("router password"))
    assert store.reveal(vault_id) == SECRET


def test_secret_is_encrypted_inside_the_encrypted_database(store):
    vault_id = _add_secret(store)
    raw = store._db.execute("SELECT secret_value FROM memory_knowledge_vault WHERE id = ?", [vault_id]).fetchone()[0]
    assert SECRET not in raw
    assert raw.startswith("aesgcm1:")


def test_secret_is_not_full_text_searchable(store):
    _add_secret(store)
    assert store.search("VAULTSECRET") == []
    assert store.search("hunter2") == []
