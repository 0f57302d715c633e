"""The desktop app (offscreen) as the owner while ``mirix-app mcp`` answers other assistants through it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from demo import VAULT_SECRET
from gui_helpers import on_engine, open_app, seed_demo_dir, unlock
from mcp_helpers import mcp_session
from proc_helpers import cli_env

from mirix_app.cli.owner_service import RunHandler
from mirix_app.desktop.integration import claim_instance
from stores.owner_lock import read_owner

pytestmark = pytest.mark.skipif(os.name != "posix", reason="Unix sockets and flock")


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "run"
    path.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(path))
    return path


def test_the_mcp_server_answers_through_the_running_desktop_app(qtbot, tmp_path: Path, runtime: Path) -> None:
    data_dir, ids = seed_demo_dir(tmp_path)
    env = cli_env(runtime, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    with mcp_session(data_dir, env, "--allow-write", client="Cursor", errlog=tmp_path / "mcp.err") as mcp:
        alone = mcp.ok("search_memory", query="pottery class Clay Studio", k=3)["hits"]
        assert alone  # nobody else runs: the server owns the memory itself
        assert "mirix-app mcp" in read_owner(data_dir).describe()

        # the desktop app starts meanwhile: the server hands the memory over and becomes the app's client
        instance = claim_instance(data_dir, [])
        assert instance is not None
        gui = open_app(qtbot, data_dir, capture=True)
        instance.run_handler = RunHandler(gui.engine, gui.services)  # what run_gui installs
        try:
            locked = mcp.error("search_memory", query="pottery")  # the window waits for the passphrase
            assert "unlock it in the mirix-app window" in locked
            unlock(qtbot, gui)
            assert read_owner(data_dir).role == "gui"

            through_app = mcp.ok("search_memory", query="pottery class Clay Studio", k=3)["hits"]
            assert [h["id"] for h in through_app] == [h["id"] for h in alone]
            answer = mcp.ok("ask_memory", question="Where is the pottery class?")
            assert "Clay Studio" in answer["answer"] and answer["citations"]
            vault = str(mcp.ok("search_memory", query="Acme VPN password gym locker code", k=20))
            assert ids["vault"] not in vault and VAULT_SECRET not in vault and "Gym locker code" in vault

            kept = mcp.ok("remember", text="Ann prefers the Saturday morning pottery slot")
            assert kept["source"] == "mcp:cursor"
            stored = on_engine(gui, lambda: gui.services.store.observations.by_source_id(kept["source_id"]))
            assert stored["status"] == "pending" and stored["app"] == "mcp:cursor"  # the app memorizes it
            assert read_owner(data_dir).role == "gui"  # the app stayed the owner throughout
            assert gui.services.capture is not None
        finally:
            instance.release()
            gui.close()
