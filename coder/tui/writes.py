"""One writer thread for the workspace: decisions are committed in order, off the UI thread.

A decision's commit (SQLite with synchronous=FULL, or a PostgreSQL round trip) takes tens of
milliseconds; the Coding screen shows the decision at once and hands the write to this queue.
A single thread keeps the writes in the order they were made, so "accept, then undo" never
becomes "undo, then accept". Rows the screen shows before their write has created them get a
negative placeholder id; later writes name them by it and `resolve` gives the real id, because
the earlier write has finished by the time the later one runs. `flush` waits for everything
queued (the App calls it before quitting): no decision is lost on exit.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import events
from textual.app import App

log = logging.getLogger(__name__)

Resolve = Callable[[int], int]
Done = Callable[[Any, BaseException | None, Any], None]


@dataclass(slots=True)
class _Job:
    write: Callable[[Resolve], Any]
    done: Done | None
    read: Callable[[], Any] | None
    placeholder: int | None
    drawn: threading.Event | None  # set once the UI has drawn the change (see `submit`)


class Writer:
    """A queue of writes run one at a time on a thread; results come back on the UI thread."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.pending = 0  # submitted and not yet reported back (read on the UI thread)
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._ids: dict[int, int] = {}
        self._placeholders = itertools.count(-1, -1)

    def placeholder(self) -> int:
        """A negative id for a row the UI shows before its write has created it."""
        return next(self._placeholders)

    def resolve(self, row_id: int) -> int:
        """The real id behind a placeholder (ids that are no placeholder pass through)."""
        return self._ids.get(row_id, row_id)

    def submit(
        self,
        write: Callable[[Resolve], Any],
        done: Done | None = None,
        *,
        read: Callable[[], Any] | None = None,
        placeholder: int | None = None,
        after_frame: bool = False,
    ) -> None:
        """Queue `write(resolve)`; then `read()` (also after a failed write: the true state),
        and `done(result, error, state)` on the UI thread. `placeholder` names the row the
        write creates (its result's `id`).

        `after_frame`: start the write only once the screen has drawn (at most 100 ms later),
        so its Python work does not compete for the GIL with drawing the optimistic change.
        """
        if self._thread is None:
            self._start()
        self.pending += 1
        drawn: threading.Event | None = None
        if after_frame:
            drawn = threading.Event()
            self.app.call_after_refresh(drawn.set)
        self._queue.put(_Job(write, done, read, placeholder, drawn))

    def flush(self, timeout: float | None = None) -> bool:
        """Block until every queued write has run (not for the UI thread while it must draw)."""
        if self._thread is None:
            return True
        done = threading.Event()

        def wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)

    def close(self, timeout: float | None = 60.0) -> None:
        """Run what is queued, then stop the thread."""
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join(timeout)
        self._thread = None

    def _start(self) -> None:
        # The thread runs in a copy of the UI's context, like Textual's thread workers.
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._run,), name="coder-writes", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                self._one(job)
            finally:
                self._queue.task_done()

    def _one(self, job: _Job) -> None:
        if job.drawn is not None:
            job.drawn.wait(0.1)
        result: Any = None
        error: BaseException | None = None
        state: Any = None
        try:
            result = job.write(self.resolve)
            real = getattr(result, "id", None)
            if job.placeholder is not None and isinstance(real, int):
                self._ids[job.placeholder] = real
        except Exception as exc:  # noqa: BLE001 - reported on the UI thread
            error = exc
        if job.read is not None:
            try:
                state = job.read()
            except Exception as exc:  # noqa: BLE001
                log.debug("reading back after a write failed", exc_info=exc)
                error = error or exc
        self.app.post_message(
            events.Callback(callback=lambda: self._report(job, result, error, state))
        )

    def _report(self, job: _Job, result: Any, error: BaseException | None, state: Any) -> None:
        self.pending -= 1
        if job.done is not None:
            job.done(result, error, state)
