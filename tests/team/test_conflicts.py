"""Two coders' sessions colliding: the loser gets a ConflictError, and nothing is half-written."""

from __future__ import annotations

import pytest

from coder.errors import ConflictError
from coder.services import coding
from coder.services.catalog import segment_codings
from coder.store.codings import CodingRepo
from coder.store.db import Store
from tests.team.conftest import add_transcript


def test_same_coding_inserted_twice_is_a_conflict(team_store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    segs = add_transcript(team_store)
    first = coding.code_segment(team_store, segs[1], "A1a", "anna")
    # The second session did not see the first one's row yet (it looked before that commit).
    monkeypatch.setattr(CodingRepo, "find", lambda *_a, **_k: None)
    with pytest.raises(ConflictError, match="another session meanwhile"):
        coding.code_segment(team_store, segs[1], "A1a", "anna")
    monkeypatch.undo()
    assert [c.id for c in segment_codings(team_store, segs[1])] == [first.id]
    assert coding.undo(team_store, "anna") == "code"  # the failed attempt left no history


def test_stale_decision_names_both_versions(team_store: Store) -> None:
    segs = add_transcript(team_store)
    seen = coding.code_segment(team_store, segs[2], "B5a", "bjorn")
    coding.reject_suggestion(team_store, seen.id, "bjorn", expected_version=seen.version)
    with pytest.raises(ConflictError, match=r"version 2, you saw 1\); reload and try again"):
        coding.accept_suggestion(team_store, seen.id, "bjorn", expected_version=seen.version)
