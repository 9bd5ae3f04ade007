"""Noticing other coders' changes: a cheap poll on any backend, LISTEN/NOTIFY on PostgreSQL.

A screen keeps one `ChangeWatcher` and asks it now and then whether to reload:

    watcher = ChangeWatcher(store, transcript_id=tid)   # None watches the whole project
    watcher.start()                                      # PostgreSQL: LISTEN in a thread
    self.set_interval(1.0, lambda: self.reload() if watcher.poll() else None)
    ...
    watcher.close()                                      # on unmount

`poll()` never blocks: on PostgreSQL it only reads a flag the listening thread sets; on SQLite
(or before `start()`) it runs one small aggregate query. `wait(timeout)` blocks instead, for a
worker thread. Both also report the watcher's own process's changes: reloading is harmless.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from types import TracebackType
from typing import Any

from sqlalchemy import func, or_, select

from coder.store.db import Store
from coder.store.models import Action, Code, Coding, Memo, Segment, Transcript
from coder.store.notify import ANY, open_listener

log = logging.getLogger(__name__)

SQLITE_WAIT_STEP = 0.5  # seconds between polls while wait() blocks on SQLite


class ChangeWatcher:
    """Tells whether the codings (and memos) a screen shows changed since it last looked."""

    def __init__(self, store: Store, *, transcript_id: int | None = None) -> None:
        self.store = store
        self.transcript_id = transcript_id
        self._last: str | None = None
        self._event = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: Any = None

    # -- the cheap poll -----------------------------------------------------------------

    def token(self) -> str:
        """A fingerprint of the watched data: it differs whenever a coding or memo changed.

        Watching the whole project (no transcript) also covers decisions, undo, imports and
        codebook edits.
        """
        tid = self.transcript_id
        codings = select(
            func.count(Coding.id),
            func.coalesce(func.sum(Coding.version), 0),
            func.max(Coding.id),
            func.max(Coding.updated_at),
        )
        memos = select(func.count(Memo.id), func.max(Memo.id), func.max(Memo.updated_at))
        if tid is not None:
            codings = codings.join(Segment, Coding.segment_id == Segment.id).where(
                Segment.transcript_id == tid
            )
            memos = memos.where(or_(Memo.transcript_id == tid, Memo.transcript_id.is_(None)))
        with self.store.session() as s:
            parts: list[Any] = [*s.execute(codings).one(), *s.execute(memos).one()]
            if tid is None:
                parts += s.execute(
                    select(
                        func.max(Action.id),
                        select(func.count(Action.id)).where(Action.undone).scalar_subquery(),
                        select(func.count(Transcript.id)).scalar_subquery(),
                        select(func.max(Transcript.id)).scalar_subquery(),
                        select(func.count(Code.id)).scalar_subquery(),
                        select(func.max(Code.updated_at)).scalar_subquery(),
                    )
                ).one()
        return "|".join("" if p is None else str(p) for p in parts)

    def changed_since(self, token: str | None) -> tuple[str, bool]:
        """(current token, whether it differs from `token`); `None` counts as unchanged."""
        now = self.token()
        return now, token is not None and now != token

    def poll(self) -> bool:
        """True when something changed since the previous poll/wait (False on the first call)."""
        fired = self._event.is_set()
        self._event.clear()
        if self.listening:
            return fired
        self._last, changed = self.changed_since(self._last)
        return changed or fired

    # -- blocking ----------------------------------------------------------------------

    def wait(self, timeout: float) -> bool:
        """Block up to `timeout` seconds for a change; True when one came (for worker threads)."""
        deadline = time.monotonic() + timeout
        if self.listening or self.start():
            if self._event.wait(max(0.0, deadline - time.monotonic())):
                self._event.clear()
                return True
            return False
        if self._last is None:
            self._last = self.token()
        while True:
            if self.poll():
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(SQLITE_WAIT_STEP, left))

    # -- LISTEN on PostgreSQL ------------------------------------------------------------

    @property
    def listening(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Begin listening for NOTIFY (PostgreSQL); False on SQLite, where poll() queries."""
        if self.listening:
            return True
        if self.store.dialect != "postgresql":
            return False
        self._conn = open_listener(self.store)
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, name="coder-listen", daemon=True)
        self._thread.start()
        return True

    def _listen(self) -> None:
        want = None if self.transcript_id is None else str(self.transcript_id)
        try:
            while not self._stop.is_set():
                for note in self._conn.notifies(timeout=0.5):
                    if want is None or note.payload in (want, ANY):
                        self._event.set()
                    if self._stop.is_set():
                        break
        except Exception as exc:  # the server went away: fall back to polling
            if not self._stop.is_set():
                log.warning(
                    "change listener stopped (%s); falling back to polling", type(exc).__name__
                )
                self._event.set()  # make the screen reload once, then poll() queries again

    def close(self) -> None:
        """Stop listening and close the dedicated connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        if self._conn is not None:
            with contextlib.suppress(Exception):  # a broken connection: nothing left to close
                self._conn.close()
            self._conn = None

    def __enter__(self) -> ChangeWatcher:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.close()
