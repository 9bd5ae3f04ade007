"""A small, deterministic project for workspace tests: a test codebook, two transcripts, suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from coder.codebook.model import Codebook, CodeDef, Lexicon
from coder.domain import CodeKind, Relation
from coder.services.project import open_store
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import CaseFacts, TranscriptRepo
from tests.factories import SAMPLE_TURNS, make_draft

CODER = "tester"

TEST_CODES = (
    CodeDef("A", None, CodeKind.SECTION, "Organisering", color="#4e79a7", ordinal=1),
    CodeDef(
        "A1",
        "A",
        CodeKind.QUESTION,
        "Organisering av stab/støtte",
        text="Hvordan er stab/støtte organisert i kommunen?",
        color="#4e79a7",
        ordinal=2,
        lexicon=Lexicon(("stab", "støtte"), ()),
    ),
    CodeDef("B", None, CodeKind.SECTION, "Samspill", color="#f28e2b", ordinal=3),
    CodeDef(
        "B5",
        "B",
        CodeKind.QUESTION,
        "Samspill med politisk ledelse",
        text="Hvordan fungerer samspillet med politikerne?",
        color="#f28e2b",
        ordinal=4,
        lexicon=Lexicon(("formannskap", "politiker"), ("politisk ledelse",)),
    ),
    CodeDef(
        "B5a",
        "B5",
        CodeKind.ITEM,
        "Saksframlegg",
        color="#edc948",
        ordinal=5,
        lexicon=Lexicon(("saksframlegg",), ()),
    ),
    CodeDef("C", None, CodeKind.SECTION, "Styring", color="#59a14f", ordinal=6),
    CodeDef(
        "C13",
        "C",
        CodeKind.QUESTION,
        "Styringsinformasjon til ledelsen",
        text="Hva slags styringsinformasjon får rådmannens ledergruppe?",
        color="#59a14f",
        ordinal=7,
        lexicon=Lexicon(("styringsinformasjon", "ledergruppe"), ()),
    ),
    CodeDef(
        "C14",
        "C",
        CodeKind.QUESTION,
        "Hjelp til virksomhetene",
        text="Hvilken hjelp får virksomhetslederne fra stab/støtte?",
        color="#76b7b2",
        ordinal=8,
        lexicon=Lexicon(("virksomhetsleder", "personalavdeling"), ()),
    ),
    CodeDef(
        "REL.politicians",
        None,
        CodeKind.RELATION,
        "Relasjon: politisk ledelse",
        color="#e15759",
        relation=Relation.POLITICIANS,
        ordinal=9,
    ),
)

ARENDAL_TURNS = [
    ("Intervjuer", "Hva gjør politikerne når de trenger analyser?"),
    (
        "Ordfører",
        "Politikeren spør økonomisjefen direkte, og politikerne i formannskapet får svar.",
    ),
    (
        "Økonomisjef",
        "Vi lager styringsinformasjon til ledergruppa. Det tar tid. Vi prioriterer rådmannen.",
    ),
    ("Rektor", "Virksomhetslederne får lite hjelp med budsjett fra stab og støtte."),
]


@dataclass
class Project:
    store: Store
    flora: int
    arendal: int
    segments: dict[int, list[int]]  # transcript id -> segment ids in order
    suggestions: dict[str, int]  # name -> coding id


def build_project(url: str) -> Project:
    """Two transcripts (Flora, Arendal) and three suggestions of the coder `tester`."""
    store = open_store(url, seed_codebook=False)
    with store.session() as s:
        CodeRepo(s).sync_codebook(
            Codebook(name="test", version="1", source="tests", language="nb", codes=TEST_CODES)
        )
        repo = TranscriptRepo(s)
        flora_case = repo.upsert_case(CaseFacts("Flora", county="Vestland", population=12000))
        arendal_case = repo.upsert_case(CaseFacts("Arendal", county="Agder", population=45000))
        flora = repo.add_draft(make_draft(SAMPLE_TURNS, name="flora-1.txt"), flora_case.id).id
        arendal = repo.add_draft(
            make_draft(ARENDAL_TURNS, name="arendal-1.txt", case="Arendal"), arendal_case.id
        ).id
    with store.session() as s:
        repo = TranscriptRepo(s)
        segments = {t: [seg.id for seg in repo.segments(t)] for t in (flora, arendal)}
    suggestions: dict[str, int] = {}
    with store.session() as s:
        codings = CodingRepo(s)
        for name, seg, code, score, evidence, rel in (
            ("b5a", segments[flora][1], "B5a", 0.82, ["saksframlegg"], Relation.POLITICIANS),
            ("b5", segments[flora][1], "B5", 0.64, ["formannskap"], Relation.POLITICIANS),
            ("c13", segments[flora][2], "C13", 0.91, ["styringsinformasjon"], Relation.CEO),
        ):
            row, _ = codings.upsert_suggestion(
                seg, code, CODER, score=score, evidence=evidence, relation=rel
            )
            s.flush()
            suggestions[name] = row.id
    return Project(store, flora, arendal, segments, suggestions)
