"""The real Stortinget sitting (ParlaMint-NO, 2022-03-22): 136 turns by 38 MPs and ministers."""

from __future__ import annotations

from pathlib import Path

from ingest_helpers import check_offsets

from coder.domain import RoleGroup
from coder.ingest import read_transcript


def test_parlamint_sitting(shared_dir: Path) -> None:
    path = shared_dir / "realdata" / "parlamint-no" / "ParlaMint-NO_2022-03-22.speaker_turns.txt"
    draft = read_transcript(path)
    assert len(draft.segments) == 136
    assert len({s.speaker for s in draft.segments}) == 38
    assert len(draft.participants) == 38
    assert all(s.speaker is not None for s in draft.segments)
    # Everyone is labelled "Name (Party)", ministers included (e.g. Anniken Huitfeldt (A)).
    assert {p.role_group for p in draft.participants} == {RoleGroup.POLITICIAN}
    assert all(p.role_inferred for p in draft.participants)
    names = {p.label for p in draft.participants}
    assert {"Masud Gharahkhani", "Anniken Huitfeldt", "Morten Wold"} <= names
    counts = {p.label: 0 for p in draft.participants}
    for seg in draft.segments:
        counts[seg.speaker] += 1  # type: ignore[index]
    assert counts["Masud Gharahkhani"] == 45
    check_offsets(draft)
    first = draft.segments[0]
    assert draft.text[first.start : first.end].startswith("Ærede medrepresentanter!")
    assert draft.text[: first.start] == "Morten Wold (FrP): "
