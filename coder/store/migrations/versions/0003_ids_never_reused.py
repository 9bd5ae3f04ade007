"""ids of codings, memos and actions are never given out again

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 21:30:00

SQLite hands the id of a deleted row to the next insert unless the table is declared
AUTOINCREMENT. Undo deletes the row a new coding made, and redo puts it back under the same id,
so a reused id let redo write over a row another coder had inserted meanwhile (issue 15). The
three tables are rebuilt with AUTOINCREMENT, and each table's high-water mark is raised to the
largest id its undo history names, so ids already freed before this migration stay unused too.
PostgreSQL sequences never reuse ids; nothing changes there.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = {"coding": "codings", "memo": "memos"}


def _named_ids(payloads: list[Any]) -> dict[str, int]:
    """The largest id per table that any undo/redo step could write back."""
    high: dict[str, int] = {}
    for payload in payloads:
        changes = payload.get("changes", []) if isinstance(payload, dict) else []
        for change in changes:
            table = _TABLES.get(change.get("model", ""))
            row_id = change.get("id")
            if table and isinstance(row_id, int):
                high[table] = max(high.get(table, 0), row_id)
    return high


def _rebuild(tables: Sequence[str], *, autoincrement: bool) -> bool:
    """Rebuild `tables` with or without AUTOINCREMENT; False (nothing to do) off SQLite."""
    if op.get_bind().dialect.name != "sqlite":
        return False
    for table in tables:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
    return True


def upgrade() -> None:
    if not _rebuild(("codings", "memos", "actions"), autoincrement=True):
        return
    bind = op.get_bind()
    payloads = [
        p
        for (p,) in bind.execute(
            sa.select(sa.column("payload", sa.JSON)).select_from(sa.table("actions"))
        )
    ]
    for table, named in _named_ids(payloads).items():
        seq = bind.execute(
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}
        ).scalar()
        if seq is None:
            bind.execute(
                sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"),
                {"t": table, "s": named},
            )
        elif named > seq:
            bind.execute(
                sa.text("UPDATE sqlite_sequence SET seq = :s WHERE name = :t"),
                {"t": table, "s": named},
            )


def downgrade() -> None:
    _rebuild(("actions", "memos", "codings"), autoincrement=False)
