"""The database schema as SQLAlchemy 2.0 typed ORM classes (changed only through Alembic)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


# Rows that undo deletes and redo re-inserts under their old id: SQLite must never hand such an
# id to another insert (migration 0003). PostgreSQL sequences never reuse ids anyway.
NEVER_REUSE_IDS: dict[str, Any] = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Case(Base):
    """A case municipality (casekommune)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    county: Mapped[str | None] = mapped_column(String(200))
    population: Mapped[int | None] = mapped_column(Integer)
    organisation_model: Mapped[str | None] = mapped_column(String(100))
    reform_year: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    transcripts: Mapped[list[Transcript]] = relationship(back_populates="case")


class Transcript(Base):
    """One imported interview; `text` is the normalised full text that segment offsets point into."""

    __tablename__ = "transcripts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(500))
    interview_date: Mapped[date | None] = mapped_column(Date)
    source_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str] = mapped_column(String(40), default="utf-8")
    language: Mapped[str] = mapped_column(String(10), default="nb")
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcripts.id", ondelete="SET NULL")
    )
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    case: Mapped[Case | None] = relationship(back_populates="transcripts")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="transcript", cascade="all, delete-orphan", passive_deletes=True
    )
    segments: Mapped[list[Segment]] = relationship(
        back_populates="transcript",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Segment.ordinal",
    )

    __table_args__ = (Index("ix_transcripts_source_name", "source_name"),)


class Participant(Base):
    """An informant (or the interviewer) as labelled in one transcript."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    role_group: Mapped[str] = mapped_column(String(20))
    role_title: Mapped[str | None] = mapped_column(String(200))

    transcript: Mapped[Transcript] = relationship(back_populates="participants")

    __table_args__ = (UniqueConstraint("transcript_id", "label"),)


class Segment(Base):
    """A speaker turn or paragraph: a character range of its transcript's text."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    transcript_id: Mapped[int] = mapped_column(ForeignKey("transcripts.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL")
    )
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    start_ms: Mapped[int | None] = mapped_column(Integer)
    end_ms: Mapped[int | None] = mapped_column(Integer)

    transcript: Mapped[Transcript] = relationship(back_populates="segments")
    participant: Mapped[Participant | None] = relationship()

    __table_args__ = (UniqueConstraint("transcript_id", "ordinal"),)


class Code(Base):
    """A codebook entry: section, question, item, relation or emergent theme."""

    __tablename__ = "codes"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT", onupdate="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(9), default="#888888")
    lexicon: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    relation: Mapped[str | None] = mapped_column(String(20))
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Coding(Base):
    """A code applied to a segment (or a span in it) by one coder; suggestions are codings too.

    `span_key` is "" for the whole segment or "start:end"; it makes the natural key
    (segment, code, coder, span) unique without relying on NULL semantics, so re-runs are
    idempotent. `version` is SQLAlchemy's version counter: concurrent edits raise, never lose.
    """

    __tablename__ = "codings"

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    code_id: Mapped[str] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT", onupdate="CASCADE")
    )
    coder: Mapped[str] = mapped_column(String(100))
    origin: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    relation: Mapped[str | None] = mapped_column(String(20))
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    span_key: Mapped[str] = mapped_column(String(40), default="")
    score: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    segment: Mapped[Segment] = relationship()
    code: Mapped[Code] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("segment_id", "code_id", "coder", "span_key", name="uq_codings_natural"),
        Index("ix_codings_code_status", "code_id", "status"),
        Index("ix_codings_coder_status", "coder", "status"),
        Index("ix_codings_segment", "segment_id"),
        Index("ix_codings_summary", "status", "code_id", "relation", "segment_id", "coder"),
        NEVER_REUSE_IDS,
    )


class Memo(Base):
    """A researcher's note on a transcript, segment, code or coding."""

    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    transcript_id: Mapped[int | None] = mapped_column(
        ForeignKey("transcripts.id", ondelete="CASCADE")
    )
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    code_id: Mapped[str | None] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE", onupdate="CASCADE")
    )
    coding_id: Mapped[int | None] = mapped_column(ForeignKey("codings.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    __table_args__ = (NEVER_REUSE_IDS,)


class Action(Base):
    """One coding action in a coder's undo/redo history, with the states before and after."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    coder: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
    discarded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_actions_coder", "coder", "id"), NEVER_REUSE_IDS)


class Setting(Base):
    """Project-wide key/value settings (codebook name and version, project title)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
