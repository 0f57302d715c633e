"""Desktop integration: one instance per user and data dir, start at login, the smoke-test quit timer."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from mirix_app.desktop import autostart, smoke
from mirix_app.desktop.single_instance import SingleInstance, bring_to_front, notify_running, socket_name

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix socket paths and XDG autostart")


@pytest.fixture
def runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(run))
    return run


# -- single instance ----------------------------------------------------------------------------------
def test_socket_name_is_per_data_dir_and_in_the_private_runtime_dir(runtime_dir: Path, tmp_path: Path) -> None:
    a, b = socket_name(tmp_path / "a"), socket_name(tmp_path / "b")
    assert a != b
    assert Path(a).parent == runtime_dir
    assert socket_name(tmp_path / "a") == a


def test_socket_name_without_runtime_dir_uses_a_private_temp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    name = Path(socket_name(tmp_path / "data"))
    assert name.parent.parent == tmp_path
    assert stat.S_IMODE(name.parent.stat().st_mode) == 0o700


def test_second_launch_activates_the_first(qtbot, runtime_dir: Path, tmp_path: Path) -> None:
    name = socket_name(tmp_path / "data")
    first = SingleInstance(name)
    assert first.listen()
    try:
        mode = stat.S_IMODE(os.stat(name).st_mode)
        assert mode & 0o077 == 0, f"socket is reachable by other users: {oct(mode)}"
        second = SingleInstance(name)
        assert not second.listen()  # someone is running: do not start a second app
        # a second launch is another process: it knocks, the first answers from its event loop
        code = (
            "import sys; from PySide6.QtCore import QCoreApplication; "
            "from mirix_app.desktop.single_instance import notify_running; app = QCoreApplication([]); "
            f"sys.exit(0 if notify_running({name!r}, ['gui']) else 1)"
        )
        with qtbot.waitSignal(first.activated, timeout=10000) as blocker:
            second_launch = subprocess.Popen([sys.executable, "-c", code])
        qtbot.waitUntil(lambda: second_launch.poll() is not None, timeout=10000)
        assert second_launch.returncode == 0
        assert blocker.args == [["gui"]]
    finally:
        first.close()


def test_stale_socket_from_a_crash_is_replaced(qtbot, runtime_dir: Path, tmp_path: Path) -> None:
    import socket

    name = socket_name(tmp_path / "data")
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(name)  # bound but never listening, as after a crash
    stale.close()
    assert Path(name).exists()
    instance = SingleInstance(name)
    assert instance.listen()
    instance.close()


def test_no_instance_running_means_no_answer(qtbot, runtime_dir: Path, tmp_path: Path) -> None:
    assert notify_running(socket_name(tmp_path / "nobody"), timeout_ms=200) is False


def test_bring_to_front_restores_a_minimized_window(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    bring_to_front(window)
    assert window.isVisible()


# -- start at login ---------------------------------------------------------------------------------
@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def test_autostart_entry_created_and_removed(config_home: Path) -> None:
    assert not autostart.is_enabled()
    path = autostart.set_enabled(True, command=["/usr/bin/mirix-app"])
    assert path == config_home / "autostart" / "mirix-app.desktop"
    text = path.read_text()
    assert "Exec=/usr/bin/mirix-app gui" in text
    assert "TryExec=/usr/bin/mirix-app" in text
    assert autostart.is_enabled()
    autostart.set_enabled(False)
    assert not path.exists()
    assert not autostart.is_enabled()
    autostart.set_enabled(False)  # removing twice is fine


def test_autostart_quotes_paths_and_passes_the_data_dir(config_home: Path) -> None:
    path = autostart.set_enabled(True, command=["/opt/my apps/mirix-app"], data_dir=Path("/home/u/My Memory"))
    exec_line = next(line for line in path.read_text().splitlines() if line.startswith("Exec="))
    assert exec_line == 'Exec="/opt/my apps/mirix-app" --data-dir "/home/u/My Memory" gui'


def test_autostart_sync_follows_the_setting(config_home: Path) -> None:
    autostart.sync(True)
    assert autostart.is_enabled()
    assert "gui" in autostart.entry_path().read_text()
    autostart.sync(False)
    assert not autostart.is_enabled()


def test_autostart_hidden_entry_counts_as_off(config_home: Path) -> None:
    path = autostart.set_enabled(True, command=["mirix-app"])
    path.write_text(path.read_text() + "Hidden=true\n")
    assert not autostart.is_enabled()


def test_launch_command_from_source_checkout() -> None:
    command = autostart.launch_command()
    assert command and ("mirix-app" in command[0] or command[-1] == "mirix_app.cli")


# -- smoke quit timer -----------------------------------------------------------------------------
def test_smoke_quit_after_reports_visible_window_then_quits(qtbot, monkeypatch, capfd) -> None:
    monkeypatch.setenv(smoke.ENV, "0.2")
    window = QWidget()
    qtbot.addWidget(window)
    quits: list[bool] = []
    assert smoke.install(window, lambda: quits.append(True))
    window.show()
    qtbot.waitUntil(lambda: bool(quits), timeout=3000)
    QApplication.processEvents()
    assert smoke.MARKER in capfd.readouterr().err


def test_smoke_not_armed_without_the_variable(qtbot, monkeypatch) -> None:
    monkeypatch.delenv(smoke.ENV, raising=False)
    window = QWidget()
    qtbot.addWidget(window)
    assert not smoke.install(window, lambda: None)
    assert smoke.quit_after_seconds(1.5) == 1.5


# -- hook-up in run_gui -----------------------------------------------------------------------------
def test_claim_instance_once_per_data_dir(qtbot, runtime_dir: Path, tmp_path: Path, capfd) -> None:
    from mirix_app.desktop.integration import claim_instance

    first = claim_instance(tmp_path / "data", [])
    assert first is not None
    try:
        assert claim_instance(tmp_path / "data", []) is None  # a second launch does not start another app
        assert "already running" in capfd.readouterr().err
        other = claim_instance(tmp_path / "other", [])  # another data dir is another app
        assert other is not None
        other.close()
    finally:
        first.close()


def test_integrate_raises_window_on_activation_and_arms_smoke(qtbot, monkeypatch, runtime_dir: Path) -> None:
    from types import SimpleNamespace

    from mirix_app.desktop.integration import integrate

    armed: list[object] = []
    monkeypatch.setattr(smoke, "install", lambda window, quit_app: armed.append(window))
    window = QWidget()
    qtbot.addWidget(window)
    instance = SingleInstance(socket_name(runtime_dir / "data"))
    integrate(QApplication.instance(), SimpleNamespace(window=window), instance, None)
    instance.activated.emit(["gui"])
    assert window.isVisible()
    assert armed == [window]
    instance.setParent(None)


def test_start_at_login_setting_round_trips(tmp_path: Path) -> None:
    from mirix_app.settings import Settings, load_settings, save_settings

    assert Settings().start_at_login is False
    save_settings(tmp_path, Settings(start_at_login=True))
    assert load_settings(tmp_path).start_at_login is True
