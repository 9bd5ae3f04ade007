"""A small hand-built project whose summary numbers are worked out by hand in the tests."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from coder.domain import Relation, RoleGroup
from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft
from coder.services.coding import code_segment, reject_suggestion
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo

# (label, display name, role group)
PEOPLE = {
    "I": ("I", "Intervjuer", RoleGroup.INTERVIEWER),
    "Kari": ("Kari", "Kari Nordmann", RoleGroup.POLITICIAN),
    "Ola": ("Ola", "Ola Hansen", RoleGroup.CEO_LEVEL),
    "Per": ("Per", "Per Berg", RoleGroup.UNIT_LEADER),
    "Rådmann": ("Rådmann", "Rådmann", RoleGroup.CEO_LEVEL),
    "Økonomisjef": ("Økonomisjef", "Økonomisjef", RoleGroup.STAFF_SUPPORT),
    "Ordfører": ("Ordfører", "Ordfører", RoleGroup.POLITICIAN),
}

TRANSCRIPTS = {
    "F1": (
        "Flora",
        [
            ("I", "Hvordan bruker politikerne stab og støtte?"),
            ("Kari", "Formannskapet får gode saksframlegg, og Ola hjelper oss med budsjettet."),
            ("Ola", "Ledergruppa trenger styringsinformasjon hver måned fra økonomi."),
            ("Kari", "Politikerne vil ha oversikt over driften og Karis parti spør ofte."),
        ],
    ),
    "H1": (
        "Hamar",
        [
            ("I", "Hva trenger virksomhetene?"),
            ("Per", "Enhetene trenger hjelp med rekruttering og personalsaker fra stab."),
            ("Rådmann", "Rådmannen styrer sektorene med egne stabsfunksjoner."),
            ("Per", "Virksomhetslederne savner støtte til kompetanseutvikling, sier Per Berg."),
        ],
    ),
    "A1": (
        "Arendal",
        [
            ("I", "Hvorfor omorganiserte dere?"),
            ("Økonomisjef", "Vi gikk over til tonivå for å få politikerne nærmere driften."),
            ("Ordfører", "Kommunestyret får bedre saksframlegg nå."),
        ],
    ),
}


@dataclass
class Project:
    seg: dict[tuple[str, int], int]  # (transcript key, ordinal) -> segment id
    transcript: dict[str, int]


def _draft(key: str, case: str, turns: list[tuple[str, str]]) -> TranscriptDraft:
    parts, segs, pos = [], [], 0
    for i, (label, words) in enumerate(turns):
        prefix = f"{label}: "
        start = pos + len(prefix)
        parts.append(prefix + words + "\n\n")
        segs.append(SegmentDraft(ordinal=i, start=start, end=start + len(words), speaker=label))
        pos = start + len(words) + 2
    text = "".join(parts)
    labels = list(dict.fromkeys(t[0] for t in turns))
    return TranscriptDraft(
        source_path=f"{key}.txt",
        source_name=f"{key.lower()}-intervju.txt",
        format="txt",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        title=f"{case} intervju {key}",
        case_name=case,
        participants=[
            ParticipantDraft(
                label=PEOPLE[lbl][0], display_name=PEOPLE[lbl][1], role_group=PEOPLE[lbl][2]
            )
            for lbl in labels
        ],
        segments=segs,
    )


def build_project(store: Store) -> Project:
    seg: dict[tuple[str, int], int] = {}
    tids: dict[str, int] = {}
    with store.session() as s:
        repo = TranscriptRepo(s)
        for key, (case, turns) in TRANSCRIPTS.items():
            case_row = repo.ensure_case(case)
            row = repo.add_draft(_draft(key, case, turns), case_row.id)
            tids[key] = row.id
        for key, tid in tids.items():
            for info in repo.segments(tid):
                seg[(key, info.ordinal)] = info.id
    P, C, U = Relation.POLITICIANS, Relation.CEO, Relation.UNITS  # noqa: N806
    accepted = [
        ("F1", 1, "C13a", "anna", None),
        ("F1", 1, "C13b", "anna", None),
        ("F1", 3, "C13a", "anna", None),
        ("F1", 2, "C14a", "anna", None),
        ("H1", 1, "C15a", "anna", None),
        ("H1", 1, "C15e.i.1", "anna", None),
        ("H1", 3, "C15a", "anna", None),
        ("H1", 3, "C15a", "bjorn", None),
        ("H1", 2, "C14b", "anna", C),
        ("A1", 1, "A1", "anna", P),
        ("A1", 1, "B5a", "anna", None),
        ("A1", 2, "C13c", "anna", None),
    ]
    for key, ordinal, code, coder, rel in accepted:
        code_segment(store, seg[(key, ordinal)], code, coder, relation=rel)
    with store.session() as s:
        repo = CodingRepo(s)
        repo.upsert_suggestion(
            seg[("F1", 1)], "C14a", "auto", score=0.9, evidence=["x"], relation=C
        )
        repo.upsert_suggestion(seg[("A1", 2)], "C13a", "auto", score=0.7, evidence=[], relation=P)
        row, _ = repo.upsert_suggestion(
            seg[("H1", 1)], "C13a", "anna", score=0.4, evidence=[], relation=U
        )
        s.flush()
        rejected_id = row.id
    reject_suggestion(store, rejected_id, "anna")
    return Project(seg=seg, transcript=tids)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def project_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The hand-built project on each backend, built once; tests must only read it."""
    from coder.services.project import open_store
    from tests.conftest import _pg_database

    gen = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('project') / 'project.sqlite'}"
    else:
        gen = _pg_database()
        url = next(gen)
    st = open_store(url)
    build_project(st)
    yield st
    st.dispose()
    if gen is not None:
        next(gen, None)
