"""One rule for a coding's relation (issue 17, finding 1): storage, summaries, quotes and the
workspace all count a coding for the relation `coder.domain.effective_relation` gives."""

from __future__ import annotations

import itertools

import pytest

from coder.domain import (
    ROLE_DEFAULT_RELATION,
    Relation,
    RelationSource,
    RoleGroup,
    effective_relation,
)
from coder.services import coding, synthesis
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo
from tests.factories import make_draft

TURNS = [
    ("Intervjuer", "Hvordan fungerer samspillet med stab og støtte?"),
    ("Ordfører", "Vi i formannskapet får gode saksframlegg fra økonomiavdelingen."),
    ("Rådmann", "Ledergruppa trenger styringsinformasjon fra økonomisjefen hver måned."),
    ("Rektor", "Som virksomhetsleder savner jeg hjelp fra personalavdelingen i hverdagen."),
    ("Økonomisjef", "Vi leverer rapporter til alle, og det er mye arbeid hver eneste måned."),
]


def test_rule_order_and_none_only_when_nothing_applies() -> None:
    assert effective_relation("units", "ceo", "politicians", "politician") == (
        Relation.UNITS,
        RelationSource.CODING,
    )
    assert effective_relation(None, "ceo", "units", "politician") == (
        Relation.CEO,
        RelationSource.CODE,
    )
    assert effective_relation(None, None, "units", "politician") == (
        Relation.UNITS,
        RelationSource.SEGMENT,
    )
    assert effective_relation(None, None, None, "ceo_level") == (
        Relation.CEO,
        RelationSource.SPEAKER,
    )
    for group in RoleGroup:
        rel, src = effective_relation(None, None, None, group)
        assert (rel is None) == (group not in ROLE_DEFAULT_RELATION)
        assert (src is RelationSource.NONE) == (rel is None)
    assert effective_relation(None, None, None, None) == (None, RelationSource.NONE)


@pytest.fixture
def seeded(store: Store) -> tuple[Store, list[int]]:
    with store.session() as s:
        repo = TranscriptRepo(s)
        case = repo.ensure_case("Flora")
        tid = repo.add_draft(make_draft(TURNS), case.id).id
    with store.session() as s:
        return store, [seg.id for seg in TranscriptRepo(s).segments(tid)]


def _totals(store: Store) -> dict[str, int]:
    summ = synthesis.summary(store, level="section")
    return {rel: summ.relations[rel].total.codings for rel in summ.relations}


def test_manual_codings_get_the_speaker_or_segment_relation(seeded) -> None:  # type: ignore[no-untyped-def]
    store, segs = seeded
    _, pol, ceo, unit, staff = segs
    shown = [coding.code_segment(store, seg, "B5", "anna") for seg in (pol, ceo, unit, staff)]
    assert [c.effective for c in shown] == [
        Relation.POLITICIANS,
        Relation.CEO,
        Relation.UNITS,
        None,
    ]
    assert shown[1].relation is None and shown[1].relation_source is RelationSource.SPEAKER
    assert _totals(store) == {"politicians": 1, "ceo": 1, "units": 1, "none": 1}
    # the staff member's segment gets an accepted relation code: the manual coding follows it
    coding.code_segment(store, staff, "REL.units", "anna")
    assert _totals(store) == {"politicians": 1, "ceo": 1, "units": 3, "none": 0}
    # the coding's own relation (R in the workspace) wins over everything
    changed = coding.set_relation(store, shown[1].id, Relation.UNITS, "anna")
    assert (changed.effective, changed.relation_source) == (Relation.UNITS, RelationSource.CODING)
    assert _totals(store) == {"politicians": 1, "ceo": 0, "units": 4, "none": 0}
    # the code's relation: C14 counts for ceo even when a unit leader speaks
    coding.code_segment(store, unit, "C14", "anna")
    assert _totals(store)["ceo"] == 1


def test_quotes_and_summary_use_the_same_rule(seeded) -> None:  # type: ignore[no-untyped-def]
    """Every combination of own relation, code relation, segment relation and speaker: quotes
    (ranked in SQL) land in the relation the summary (numpy) and the workspace count them for."""
    store, segs = seeded
    codes = ("B5", "C13", "C14a")
    own = (None, Relation.CEO)
    for seg, code, rel in itertools.product(segs[1:], codes, own):
        c = coding.code_segment(store, seg, code, "anna")
        if rel is not None and c.code_id == "B5":
            coding.set_relation(store, c.id, rel, "anna")
    coding.code_segment(store, segs[4], "REL.politicians", "anna")
    quotes = synthesis.quotes(store, status="accepted")
    by_quote: dict[str, int] = {}
    for q in quotes:
        by_quote[q.relation] = by_quote.get(q.relation, 0) + 1
    with store.session() as s:
        from coder.store.codings import CodingRepo

        shown = CodingRepo(s).for_segments(segs)
    by_rule: dict[str, int] = {}
    for c in shown:
        key = c.effective.value if c.effective else "none"
        by_rule[key] = by_rule.get(key, 0) + 1
    summ = synthesis.summary(store, level="item")
    assert {k: v for k, v in by_rule.items()} == {
        rel: summ.relations[rel].total.codings for rel in summ.relations if summ.relations[rel].total.codings
    }
    assert by_quote == by_rule
