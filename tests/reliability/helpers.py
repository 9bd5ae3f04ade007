"""Helpers for reliability tests: table snapshots, invariants, and a demo project to work on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.pool import NullPool

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO = REPO_ROOT / "transcripts"
VOLATILE: set[str] = set()


def table_rows(url: str, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key: the content a restore must reproduce."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        meta = MetaData()
        meta.reflect(engine)
        out: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as conn:
            for name, table in sorted(meta.tables.items()):
                if name in skip:
                    continue
                order = list(table.primary_key.columns) or list(table.columns)
                cols = sorted(table.columns, key=lambda c: c.name)
                out[name] = [tuple(r) for r in conn.execute(select(*cols).order_by(*order))]
        return out
    finally:
        engine.dispose()


def count(url: str, table: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def demo_files() -> list[Path]:
    return sorted(
        p
        for p in DEMO.iterdir()
        if p.suffix in (".txt", ".md", ".docx", ".vtt") and p.name != "README.md"
    )


SMALL_DEMO = ("hamar-1-etatsmodell.txt", "flora-1-formannskap.vtt", "stord-1-ledergruppe.md")
_TEMPLATE: dict[str, bytes] = {}


def populate(url: str) -> None:
    """A project with three demo transcripts, decided and manual codings, a memo and undo history.

    SQLite projects are copied from one built per test session (the machine is shared and slow).
    """
    if url.startswith("sqlite:///"):
        target = Path(url.removeprefix("sqlite:///"))
        if "sqlite" not in _TEMPLATE:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                tpl = Path(tmp) / "template.sqlite"
                _populate(f"sqlite:///{tpl}")
                _TEMPLATE["sqlite"] = tpl.read_bytes()
        import os

        fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_TEMPLATE["sqlite"])
        return
    _populate(url)


def _populate(url: str) -> None:
    from coder.domain import Relation
    from coder.services import coding
    from coder.services.importing import import_files
    from coder.services.project import open_store
    from coder.store.codings import CodingRepo
    from coder.store.transcripts import TranscriptRepo

    store = open_store(url)
    try:
        report = import_files(store, [DEMO / n for n in SMALL_DEMO] + [DEMO / "cases.yaml"])
        assert not report.failed, report.failed
        with store.session() as s:
            tid = TranscriptRepo(s).list_transcripts()[0].id
            segs = TranscriptRepo(s).segments(tid)
            repo = CodingRepo(s)
            ids = []
            for seg in segs[:6]:
                row, _ = repo.upsert_suggestion(
                    seg.id,
                    "B5",
                    "auto",
                    score=0.7,
                    evidence=["formannskapet"],
                    relation=Relation.POLITICIANS,
                )
                s.flush()
                ids.append(row.id)
        coding.accept_suggestion(store, ids[0], "anna")
        coding.reject_suggestion(store, ids[1], "anna")
        coding.code_segment(store, segs[2].id, "C13", "bjørn", relation=Relation.CEO)
        coding.add_memo(store, "anna", "Interessant om formannskapet.", transcript_id=tid)
    finally:
        store.dispose()
