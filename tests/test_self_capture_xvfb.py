"""The real app under a real X server with real capture stores nothing of its own windows or dialogs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import PASSPHRASE
from proc_helpers import ROOT, xvfb_display

from stores.embedders import HashingEmbedder
from stores.memory_store import MemoryStore

APP_WORDS = ("Ask your memory", "Memories", "Timeline", "Dialog text", "answering offline")


@pytest.fixture
def display():
    with xvfb_display(161, "1280x800x24") as name:
        yield name


def test_capture_stores_nothing_of_the_focused_app_or_its_dialog_and_paints_its_window_over(display, tmp_path):
    data_dir = tmp_path / "data"
    MemoryStore.open(data_dir, passphrase=PASSPHRASE, embedder=HashingEmbedder(), prefer_passphrase=True).close()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MIRIX_")},
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "self_capture_app.py"), str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for phase in ("window", "dialog"):  # the app's window, then its dialog, had the focus: nothing was read
        seen = result[phase]
        assert seen["focused_pid"] == result["pid"], seen
        # every tick while the app had the focus is refused; at most one frame of a focus hand-over (X11 without a
        # window manager) gets through, painted over: what matters is that none of the app's text is ever stored
        assert seen["frames"] <= 1 and seen["kept"] <= 1, seen
        assert set(seen["dropped"]) == {"own window"} and seen["dropped"]["own window"] >= 6, seen
    other = result["other"]  # another program focused beside the app's window: captured, the app painted over
    assert other["focused_pid"] != result["pid"]
    assert any("Zanzibar" in text for text in result["texts"]), result["texts"]
    assert not [w for w in APP_WORDS for text in result["texts"] if w in text], result["texts"]
