"""Noticing other coders' changes: polling on both backends, LISTEN/NOTIFY on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from coder.errors import ConflictError
from coder.services import coding
from coder.services.changes import ChangeWatcher
from coder.store.db import Store
from tests.team.conftest import TURNS, add_transcript


@pytest.fixture
def two_transcripts(team_store: Store) -> tuple[Store, list[int], list[int]]:
    return team_store, add_transcript(team_store), add_transcript(team_store, "b.txt", TURNS[:3])


def _tid(store: Store, seg_id: int) -> int:
    from coder.store.transcripts import TranscriptRepo

    with store.session() as s:
        return TranscriptRepo(s).segment(seg_id).transcript_id


def test_poll_sees_codings_memos_and_undo(two_transcripts) -> None:  # type: ignore[no-untyped-def]
    store, a, b = two_transcripts
    mine = ChangeWatcher(store, transcript_id=_tid(store, a[0]))
    everything = ChangeWatcher(store)
    assert mine.poll() is False and everything.poll() is False  # the first look is the baseline
    assert mine.poll() is False
    info = coding.code_segment(store, a[1], "A1a", "anna")
    assert mine.poll() is True and everything.poll() is True
    assert mine.poll() is False
    coding.code_segment(store, b[1], "A1a", "bjorn")  # another transcript
    assert mine.poll() is False and everything.poll() is True
    coding.reject_suggestion(store, info.id, "anna")  # an update in place
    assert mine.poll() is True
    coding.undo(store, "anna")
    assert mine.poll() is True
    coding.add_memo(store, "anna", "notat", segment_id=a[2])
    assert mine.poll() is True
    from coder.store.codes import CodeRepo

    everything.poll()
    assert everything.poll() is False
    with store.session() as s:
        CodeRepo(s).add("T.ny", "Nytt tema")
    assert everything.poll() is True  # codebook edits show in the project-wide token
    token, changed = mine.changed_since(None)
    assert changed is False
    assert mine.changed_since(token) == (token, False)
    coding.code_segment(store, a[3], "B5a", "anna")
    assert mine.changed_since(token)[1] is True


def test_wait_returns_when_another_thread_commits(two_transcripts) -> None:  # type: ignore[no-untyped-def]
    store, a, _b = two_transcripts
    with ChangeWatcher(store, transcript_id=_tid(store, a[0])) as watcher:
        watcher.poll()
        timer = threading.Timer(0.3, coding.code_segment, (store, a[1], "A1a", "anna"))
        timer.start()
        try:
            assert watcher.wait(20) is True
        finally:
            timer.join()
        assert watcher.wait(0.2) is False


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_notify_only_for_committed_changes_of_the_watched_transcript(two_transcripts) -> None:  # type: ignore[no-untyped-def]
    store, a, b = two_transcripts
    with ChangeWatcher(store, transcript_id=_tid(store, a[0])) as watcher:
        assert watcher.start() is True and watcher.listening
        assert watcher.poll() is False
        info = coding.code_segment(store, a[1], "A1a", "anna")
        assert watcher.wait(10) is True
        coding.code_segment(store, b[1], "A1a", "anna")  # someone else's transcript
        assert watcher.wait(0.5) is False
        with pytest.raises(ConflictError):  # rolled back: nothing to announce
            coding.reject_suggestion(store, info.id, "anna", expected_version=info.version + 5)
        assert watcher.wait(0.5) is False
        assert coding.undo(store, "anna") == "code"  # the coding in the other transcript
        assert watcher.wait(0.5) is False
        coding.undo(store, "anna")  # the coding in the watched one
        deadline = time.monotonic() + 10
        while not watcher.poll():  # poll() reads the listener's flag without a query
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert not watcher.listening


def test_sqlite_has_no_listener(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    try:
        assert ChangeWatcher(store).start() is False
    finally:
        store.dispose()
