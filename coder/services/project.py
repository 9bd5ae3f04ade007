"""Opening a project database: migrate, seed the default codebook, resolve who is coding."""

from __future__ import annotations

from coder.config import Settings, load_settings
from coder.store.codes import CodeRepo
from coder.store.db import Store


def open_store(db_url: str | None = None, *, seed_codebook: bool = True) -> Store:
    """The project's Store, upgraded to the newest schema, with the interview guide loaded if empty."""
    store = Store(db_url)
    if seed_codebook:
        with store.session() as s:
            repo = CodeRepo(s)
            if repo.is_empty():
                from coder.codebook.loader import default_codebook

                repo.sync_codebook(default_codebook())
    return store


def settings(db: str | None = None, coder: str | None = None) -> Settings:
    return load_settings(db=db, coder=coder)
