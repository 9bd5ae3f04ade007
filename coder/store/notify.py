"""Change notifications on PostgreSQL: the transcripts a transaction touched, announced at commit.

Session events note which rows each flush wrote; just before commit `send` issues
`pg_notify('coder_changes', <transcript id>)` (or "*" when the change is not tied to one
transcript) in the same transaction, so listeners hear about it only if it commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from coder.store.db import Store
from coder.store.models import Action, Coding, Memo, Participant, Segment, Transcript

CHANNEL = "coder_changes"
ANY = "*"
_KEY = "coder.touched"


@dataclass
class _Touched:
    segments: set[int] = field(default_factory=set)
    transcripts: set[int] = field(default_factory=set)
    anything: bool = False


def _touched(session: Session) -> _Touched:
    found = session.info.get(_KEY)
    if found is None:
        found = session.info[_KEY] = _Touched()
    return found


def _after_flush(session: Session, _context: Any) -> None:
    t = None
    for obj in chain(session.new, session.dirty, session.deleted):
        t = t or _touched(session)
        if isinstance(obj, Coding):
            t.segments.add(obj.segment_id)
        elif isinstance(obj, Memo):
            if obj.transcript_id is not None:
                t.transcripts.add(obj.transcript_id)
            elif obj.segment_id is not None:
                t.segments.add(obj.segment_id)
            else:
                t.anything = True
        elif isinstance(obj, (Segment, Participant)):
            t.transcripts.add(obj.transcript_id)
        elif isinstance(obj, Transcript):
            if obj.id is not None:
                t.transcripts.add(obj.id)
            t.anything = True  # a new transcript changes lists, not just one view
        elif not isinstance(obj, Action):
            t.anything = True


def _after_bulk(state: Any) -> None:
    # update()/delete() statements bypass the unit of work; say "something changed".
    if (state.is_update or state.is_delete or state.is_insert) and not _is_action(state):
        _touched(state.session).anything = True


def _is_action(state: Any) -> bool:
    mapper = getattr(state, "bind_mapper", None)
    return mapper is not None and mapper.class_ is Action


def install(sessions: sessionmaker[Session]) -> None:
    """Track writes in every session the Store opens (PostgreSQL only)."""
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "do_orm_execute", _after_bulk)


def send(session: Session) -> None:
    """Queue the notifications for what this session wrote (one statement, none if nothing)."""
    session.flush()
    t: _Touched | None = session.info.pop(_KEY, None)
    if t is None or not (t.segments or t.transcripts or t.anything):
        return
    extra = [str(i) for i in sorted(t.transcripts)]
    if t.anything:
        extra.append(ANY)
    # Segments' transcripts are looked up in the same round trip that sends the notices.
    session.execute(
        text(
            "SELECT pg_notify(:channel, p) FROM ("
            " SELECT DISTINCT transcript_id::text AS p FROM segments"
            " WHERE id = ANY(CAST(:segments AS integer[]))"
            " UNION SELECT unnest(CAST(:extra AS text[]))"
            " ) AS touched"
        ),
        {
            "channel": CHANNEL,
            "segments": sorted(t.segments),
            "extra": extra,
        },
    )


def open_listener(store: Store) -> Any:
    """A new psycopg connection (autocommit, outside the pool) LISTENing on the channel."""
    dialect = store.engine.dialect
    cargs, cparams = dialect.create_connect_args(store.engine.url)
    conn = dialect.loaded_dbapi.connect(*cargs, **cparams)  # same URL, TLS and auth settings
    conn.autocommit = True
    conn.execute(f"LISTEN {CHANNEL}")
    return conn
