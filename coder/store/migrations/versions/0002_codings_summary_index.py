"""covering index for summaries over codings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 11:00:00

Summaries group accepted (or accepted + suggested) codings by code and relation and collect
their segments; with (status, code_id, relation, segment_id, coder) the database answers that
from the index alone, in index order, without touching the wide codings rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_codings_summary",
            ["status", "code_id", "relation", "segment_id", "coder"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index("ix_codings_summary")
