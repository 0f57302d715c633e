"""User settings (no secrets): defaults, the data dir location, and load/save as JSON in the data dir."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from stores.errors import UserFacingError

SETTINGS_FILE = "settings.json"


def default_data_dir() -> Path:
    """``MIRIX_DATA_DIR`` if set, else the platform's per-user app-data location."""
    env = os.environ.get("MIRIX_DATA_DIR")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("mirix-app", appauthor=False))


@dataclass
class CaptureSettings:
    """How the screen is watched."""

    # None: never asked (first run asks; nothing is captured until the user agrees), True: capture, False: not now
    enabled: bool | None = None
    interval_s: float = 3.0
    # share of a monitor's downscaled grayscale thumbnail that must change for a frame to be kept
    dedupe_threshold: float = 0.005
    idle_timeout_s: float = 300.0
    excluded_apps: list[str] = field(default_factory=lambda: ["keepassxc", "1password", "bitwarden"])
    excluded_title_patterns: list[str] = field(default_factory=list)  # case-insensitive regular expressions
    exclude_private_browsing: bool = True
    frame_budget_bytes: int = 2 * 1024**3
    frame_max_width: int = 1280
    frame_max_bytes: int = 150_000  # per stored frame; quality, then size, is lowered to fit
    ocr_max_width: int = 1920
    ocr_queue_max: int = 4  # kept frames waiting for OCR; beyond this new frames are dropped ("backlog")
    image_weights_path: str = ""  # a local open_clip checkpoint; empty = image search off
    image_model: str = "ViT-B-32"


@dataclass
class LLMSettings:
    """Which language model to use; the API key itself lives in the OS keyring."""

    provider: str = ""  # "", openai, anthropic, google, ollama, openai_compatible
    model: str = ""
    base_url: str = ""
    tokens_per_hour: int = 200_000
    when_budget_exhausted: str = "wait"  # wait | offline
    allow_medium_vault_in_prompts: bool = False
    # 0 / null = the default for the provider's kind (a local server: long timeout, one call at a time)
    timeout_s: float = 0.0
    max_retries: int | None = None
    max_tokens: int = 0
    parallel_calls: int = 0
    memorize_mode: str = "auto"  # auto (single pass for local models) | agents | single_pass
    structured_output: str = "auto"  # auto (detected once per model) | json_schema | tools | text


@dataclass
class Settings:
    """Everything the user can set; saved as settings.json in the data dir."""

    embedder: str = "minilm"  # minilm | hashing (tiny deterministic, for tests and very small machines)
    chroma_url: str = ""
    chroma_in_subprocess: bool = True  # embedded Chroma's index work holds the GIL: keep it out of the app process
    memorize_batch_size: int = 20
    memorize_max_wait_s: float = 60.0
    theme: str = "system"  # system | light | dark (the desktop app's colours)
    start_at_login: bool = False  # XDG autostart entry in ~/.config/autostart (Linux desktops)
    lock_after_idle_min: float = 15.0  # the app locks (the key leaves memory) after this long without input; 0 = never
    lock_with_session: bool = True  # lock when the desktop session locks (the screen saver's lock)
    capture: CaptureSettings = field(default_factory=CaptureSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _section(cls: type, raw: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in raw.items() if k in known})


class SettingsError(UserFacingError):
    """settings.json cannot be read as settings."""


def settings_from_dict(raw: dict[str, Any]) -> Settings:
    """Build settings from a dict, ignoring unknown keys (older or newer files stay readable)."""
    if not isinstance(raw, dict):
        raise TypeError(f"expected a JSON object, found a JSON {type(raw).__name__}")
    for section in ("capture", "llm"):
        if raw.get(section) is not None and not isinstance(raw[section], dict):
            raise TypeError(f"{section!r} must be a JSON object")
    base = _section(Settings, {k: v for k, v in raw.items() if k not in ("capture", "llm")})
    base.capture = _section(CaptureSettings, raw.get("capture") or {})
    base.llm = _section(LLMSettings, raw.get("llm") or {})
    return base


def load_settings(data_dir: Path) -> Settings:
    """Settings from the data dir, defaults where absent; ``MIRIX_EMBEDDER`` overrides the embedder."""
    path = data_dir / SETTINGS_FILE
    settings = Settings()
    if path.exists():
        try:
            settings = settings_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as error:
            raise SettingsError(
                f"{path} is not valid settings JSON ({error}). Fix it, or move it away to start from the defaults."
            ) from None
        except OSError as error:
            raise SettingsError(f"Cannot read {path}: {error.strerror or error}") from None
    if os.environ.get("MIRIX_EMBEDDER"):
        settings.embedder = os.environ["MIRIX_EMBEDDER"]
    return settings


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write settings atomically (user-only permissions)."""
    path = data_dir / SETTINGS_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings.to_dict(), indent=2), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
