"""User settings: who is coding, which database, which NLP model (flags > environment > config file)."""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coder.errors import InputError


def config_path() -> Path:
    """`CODER_CONFIG`, else $XDG_CONFIG_HOME/coder/config.toml (~/.config/coder/config.toml)."""
    env = os.environ.get("CODER_CONFIG")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "coder" / "config.toml"


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"invalid config file: {exc}", path=path) from exc


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str | None
    coder: str
    spacy_model: str | None
    min_score: float


def load_settings(db: str | None = None, coder: str | None = None) -> Settings:
    cfg = read_config_file()
    db_url = db or os.environ.get("CODER_DB_URL") or cfg.get("db_url")
    name = coder or os.environ.get("CODER_NAME") or cfg.get("coder") or _os_user()
    model = os.environ.get("CODER_SPACY_MODEL") or cfg.get("spacy_model")
    min_score = float(cfg.get("min_score", 0.3))
    return Settings(db_url=db_url, coder=name, spacy_model=model, min_score=min_score)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "coder"
