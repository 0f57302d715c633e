"""Packaging pieces that run without freezing: the torchvision runtime hook and the per-platform options."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / "packaging" / "hooks"


@pytest.mark.slow
def test_runtime_hook_makes_a_plain_torchvision_import_work() -> None:
    code = (
        f"exec(open({str(HOOKS / 'rthook_torchvision.py')!r}).read())\n"
        "import torchvision, torchvision.transforms, sys\n"
        "assert type(torchvision.__loader__).__name__ != '_FixingLoader'\n"
        "assert not any('Torchvision' in type(f).__name__ for f in sys.meta_path)\n"
        "print(torchvision.__version__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_platform_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HOOKS))
    import platform_options

    for platform, names in {
        "linux": ["mirix-app"],
        "darwin": ["mirix-app"],
        "win32": ["mirix-app", "mirix-app-cli"],
    }.items():
        monkeypatch.setattr(sys, "platform", platform)
        opts = platform_options.options(ROOT / "assets", "1.0")
        assert [e.name for e in opts.executables] == names
        assert opts.icon is None or Path(opts.icon).is_file()
        assert opts.macos_bundle == (platform == "darwin")


def test_packaging_files_exist() -> None:
    for rel in (
        "packaging/mirix-app.spec",
        "packaging/build.sh",
        "packaging/smoke_test.sh",
        "packaging/debian/mirix-app.desktop",
        "assets/mirix-app.svg",
        "assets/mirix-app.png",
    ):
        assert (ROOT / rel).is_file(), rel
    desktop = (ROOT / "packaging/debian/mirix-app.desktop").read_text()
    assert "Exec=mirix-app gui" in desktop and "Icon=mirix-app" in desktop
