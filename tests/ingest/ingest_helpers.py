"""Assertions shared by the ingest tests (a plain module; fixtures live in conftest.py)."""

from __future__ import annotations

from coder.ingest.draft import TranscriptDraft


def check_offsets(draft: TranscriptDraft) -> None:
    """Every segment lies inside the text, is trimmed, ordered, and holds no label."""
    labels = {p.label for p in draft.participants}
    previous_end = 0
    for i, seg in enumerate(draft.segments):
        assert seg.ordinal == i
        assert previous_end <= seg.start < seg.end <= len(draft.text)
        words = draft.text[seg.start : seg.end]
        assert words == words.strip()
        if seg.speaker is not None:
            assert seg.speaker in labels
            assert not words.startswith(f"{seg.speaker}:")
        previous_end = seg.end


def spoken(draft: TranscriptDraft) -> list[tuple[str | None, str]]:
    return [(s.speaker, draft.text[s.start : s.end]) for s in draft.segments]
