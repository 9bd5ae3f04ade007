"""Backing up and restoring the project database: the use case both faces call."""

from __future__ import annotations

import logging
from pathlib import Path

from coder.store.backup import BackupResult, RestoreResult, backup_database, restore_database
from coder.store.db import redact_url, resolve_db_url

log = logging.getLogger(__name__)


def backup(db_url: str | None, dest: Path, *, force: bool = False) -> BackupResult:
    """Write a consistent copy of the project database to `dest` while others may keep working."""
    url = resolve_db_url(db_url)
    result = backup_database(url, dest, force=force)
    log.info("backed up %s to %s (%d bytes)", redact_url(url), dest, result.bytes)
    return result


def restore(db_url: str | None, source: Path, *, force: bool = False) -> RestoreResult:
    """Replace the project database with a verified backup; the database is migrated on next open."""
    url = resolve_db_url(db_url)
    result = restore_database(url, source, force=force)
    log.info("restored %s from %s (revision %s)", redact_url(url), source, result.revision)
    return result


__all__ = ["BackupResult", "RestoreResult", "backup", "restore"]
