"""Fixtures for team features: a project with a small codebook and transcripts to code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coder.codebook.model import Codebook, CodeDef
from coder.domain import CodeKind, Relation
from coder.store.codes import CodeRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo
from tests.factories import make_draft


def small_codebook() -> Codebook:
    """A slice of the interview guide's shape: sections, questions, items, a relation, a theme."""
    c = CodeKind
    defs = [
        CodeDef("A", None, c.SECTION, "Organisering", ordinal=0),
        CodeDef("A1", "A", c.QUESTION, "Organisering av stab/støtte", ordinal=1),
        CodeDef("A1a", "A1", c.ITEM, "Sentralisert", ordinal=2),
        CodeDef("A1b", "A1", c.ITEM, "Desentralisert", ordinal=3),
        CodeDef("A2", "A", c.QUESTION, "Endringer", ordinal=4),
        CodeDef("B", None, c.SECTION, "Relasjoner", ordinal=5),
        CodeDef("B5", "B", c.QUESTION, "Samspill", ordinal=6),
        CodeDef("B5a", "B5", c.ITEM, "Tillit", ordinal=7),
        CodeDef("B5b", "B5", c.ITEM, "Styring", ordinal=8),
        CodeDef("REL.ceo", None, c.RELATION, "Rådmannsnivået", relation=Relation.CEO, ordinal=9),
        CodeDef("T.tillit", None, c.THEME, "Tillit som tema", ordinal=10),
    ]
    return Codebook(name="test", version="1", source="tests", language="nb", codes=tuple(defs))


TURNS = [
    ("Intervjuer", "Hvordan er stab og støtte organisert hos dere?"),
    ("Rådmann", "Vi har samlet økonomi og personal i én sentral stab."),
    ("Økonomisjef", "Før var det spredt ut på enhetene, nå er det samlet."),
    ("Rektor", "Vi stoler på at personalavdelingen hjelper oss raskt."),
    ("Ordfører", "Politikerne vil ha mer styringsinformasjon fra staben."),
    ("Rådmann", "Ledergruppa følger opp budsjettet hver måned."),
]


def add_transcript(store: Store, name: str = "flora-1.txt", turns=TURNS) -> list[int]:  # type: ignore[no-untyped-def]
    """Import a small transcript directly; returns its segment ids in order."""
    with store.session() as s:
        repo = TranscriptRepo(s)
        case = repo.ensure_case("Flora")
        tid = repo.add_draft(make_draft(list(turns), name=name), case.id).id
    with store.session() as s:
        return [seg.id for seg in TranscriptRepo(s).segments(tid)]


@pytest.fixture
def team_store(db_url: str) -> Iterator[Store]:
    """A migrated project on each backend with the small codebook loaded."""
    store = Store(db_url)
    with store.session() as s:
        CodeRepo(s).sync_codebook(small_codebook())
    yield store
    store.dispose()
