"""Small builders for test data that do not depend on the importers."""

from __future__ import annotations

import hashlib

from coder.domain import RoleGroup
from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft


def make_draft(
    turns: list[tuple[str, str]], *, name: str = "test.txt", case: str | None = "Flora"
) -> TranscriptDraft:
    """A draft from (speaker label, words) turns; labels map to role groups by a tiny table."""
    groups = {
        "Intervjuer": RoleGroup.INTERVIEWER,
        "Ordfører": RoleGroup.POLITICIAN,
        "Rådmann": RoleGroup.CEO_LEVEL,
        "Økonomisjef": RoleGroup.STAFF_SUPPORT,
        "Rektor": RoleGroup.UNIT_LEADER,
    }
    text_parts: list[str] = []
    segments: list[SegmentDraft] = []
    pos = 0
    for i, (label, words) in enumerate(turns):
        prefix = f"{label}: "
        start = pos + len(prefix)
        text_parts.append(prefix + words + "\n\n")
        segments.append(SegmentDraft(ordinal=i, start=start, end=start + len(words), speaker=label))
        pos += len(prefix) + len(words) + 2
    text = "".join(text_parts)
    labels = sorted({t[0] for t in turns})
    return TranscriptDraft(
        source_path=name,
        source_name=name,
        format="txt",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        title=name,
        case_name=case,
        participants=[
            ParticipantDraft(
                label=lbl, display_name=lbl, role_group=groups.get(lbl, RoleGroup.OTHER)
            )
            for lbl in labels
        ],
        segments=segments,
    )


SAMPLE_TURNS = [
    ("Intervjuer", "Hvordan fungerer samspillet mellom politikerne og stab/støtte?"),
    ("Ordfører", "Vi i formannskapet får gode saksframlegg fra økonomiavdelingen."),
    ("Rådmann", "Ledergruppa trenger styringsinformasjon fra økonomisjefen hver måned."),
    ("Rektor", "Som virksomhetsleder savner jeg hjelp fra personalavdelingen."),
]
