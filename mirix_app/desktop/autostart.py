"""Start at login: an XDG autostart entry (``~/.config/autostart/mirix-app.desktop``) kept in step with a setting.

Only Linux/BSD desktops read XDG autostart; on other platforms these functions do nothing and say so.
The entry starts the app through the installed launcher, and ``TryExec`` makes desktops skip it
once the package is removed.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

ENTRY_NAME = "mirix-app.desktop"
INSTALLED_LAUNCHER = "/usr/bin/mirix-app"


def supported() -> bool:
    """True where XDG autostart applies."""
    return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def autostart_dir() -> Path:
    """``$XDG_CONFIG_HOME/autostart`` (default ``~/.config/autostart``)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config).expanduser() / "autostart"


def entry_path() -> Path:
    return autostart_dir() / ENTRY_NAME


def launch_command() -> list[str]:
    """How to start this app again: the frozen executable, the installed launcher, or this Python."""
    if getattr(sys, "frozen", False):
        exe = Path(sys.executable)
        installed = Path(INSTALLED_LAUNCHER)
        if installed.exists() and exe.is_relative_to("/opt/mirix-app"):
            return [str(installed)]
        return [str(exe)]
    found = shutil.which("mirix-app")
    return [found] if found else [sys.executable, "-m", "mirix_app.cli"]


def _exec_quote(arg: str) -> str:
    """Quote an argument for a desktop entry's Exec key (spec: double quotes, escape "`$\\)."""
    if arg and all(c.isalnum() or c in "-_./=:+,@" for c in arg):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped.replace("%", "%%")}"'


def entry_text(command: Sequence[str], data_dir: Path | None = None) -> str:
    """The autostart desktop entry starting ``command gui`` (optionally on a non-default data dir)."""
    argv = list(command)
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    argv.append("gui")
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Name=Mirix",
            "Comment=Start mirix-app at login (turn this off in mirix-app's settings)",
            "Exec=" + " ".join(_exec_quote(a) for a in argv),
            "TryExec=" + _exec_quote(argv[0]),
            "Icon=mirix-app",
            "Terminal=false",
            "X-GNOME-Autostart-enabled=true",
            "X-GNOME-Autostart-Delay=5",
            "",
        ]
    )


def is_enabled() -> bool:
    """True when our autostart entry exists and is not disabled by ``Hidden=true``."""
    path = entry_path()
    if not path.is_file():
        return False
    lines = {line.strip().lower() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()}
    return "hidden=true" not in lines and "x-gnome-autostart-enabled=false" not in lines


def set_enabled(enabled: bool, command: Sequence[str] | None = None, data_dir: Path | None = None) -> Path | None:
    """Create or remove the autostart entry; returns its path when created (None when removed/unsupported)."""
    if not supported():
        return None
    path = entry_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(entry_text(command or launch_command(), data_dir), encoding="utf-8")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


def sync(enabled: bool, data_dir: Path | None = None) -> None:
    """Make the entry match the setting (called at start-up and when the setting changes)."""
    if supported() and enabled != is_enabled():
        set_enabled(enabled, data_dir=data_dir)
