"""Platform differences of the PyInstaller build, kept out of the spec's main flow.

The spec imports this module (``packaging/hooks`` is on its path) and asks it for the few things
that differ between Linux, macOS and Windows: executables and console mode, icon, the macOS .app
bundle, and binaries that are never wanted on that platform.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "mirix-app"
BUNDLE_ID = "org.mirix.app"


@dataclass
class Executable:
    """One launcher in the bundle (they all share the same analysis and libraries)."""

    name: str
    console: bool


@dataclass
class PlatformOptions:
    """What the spec needs to know about the platform it builds on."""

    executables: list[Executable]
    icon: str | None
    macos_bundle: bool = False
    strip: bool = False
    # file names of libraries to strip of symbol tables before collecting (Linux). Not all binaries:
    # wheels repaired by auditwheel/patchelf (numpy's and scipy's OpenBLAS, OpenCV) break when stripped.
    strip_libs: list[str] = field(default_factory=list)
    # glob-ish substrings of binary destinations to drop on this platform (after analysis)
    drop_binaries: list[str] = field(default_factory=list)
    info_plist: dict = field(default_factory=dict)


def options(assets: Path, version: str) -> PlatformOptions:
    """The options for the running platform (PyInstaller cannot cross-build)."""
    if sys.platform == "win32":
        # A windowed launcher for the desktop (no console flash) and a console one for the CLI.
        return PlatformOptions(
            executables=[Executable(APP_NAME, console=False), Executable(f"{APP_NAME}-cli", console=True)],
            icon=str(assets / "mirix-app.ico"),
        )
    if sys.platform == "darwin":
        return PlatformOptions(
            executables=[Executable(APP_NAME, console=False)],
            icon=str(assets / "mirix-app.icns"),
            macos_bundle=True,
            info_plist={
                "CFBundleName": "Mirix",
                "CFBundleDisplayName": "Mirix",
                "CFBundleShortVersionString": version,
                "CFBundleVersion": version,
                "NSHighResolutionCapable": True,
                # screen capture permission prompt text
                "NSScreenCaptureUsageDescription": "Mirix remembers what you see on screen, encrypted on this Mac.",
            },
        )
    # Linux (and other Unix): one launcher; the icon lives in the .desktop entry, not the ELF file.
    return PlatformOptions(
        executables=[Executable(APP_NAME, console=True)],
        icon=None,
        # symbol tables only (dynamic symbols stay): libtorch_cpu 434 -> 345 MB, libpython 23 -> 6 MB
        strip_libs=["libtorch_cpu.so", "libtorch_python.so", "libc10.so", "libpython3.11.so.1.0"],
        # CUDA runtime pulled in by the registry's CUDA build of torchvision; this app runs torch on CPU only.
        drop_binaries=["libcudart", "libnvjpeg", "libcuda.", "libnvrtc", "libcublas", "libcudnn"],
    )
