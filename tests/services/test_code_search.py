"""Fuzzy code ranking: ids, labels, question text and lexicon, best first."""

from __future__ import annotations

from coder.domain import CodeKind
from coder.services.code_search import rank_codes, score_code
from tests.tui.project import TEST_CODES

CODES = [d.to_info() for d in TEST_CODES]


def ids(query: str, limit: int = 5) -> list[str]:
    return [c.id for c, _ in rank_codes(CODES, query, limit)]


def test_exact_and_prefix_ids_rank_first() -> None:
    assert ids("b5")[:2] == ["B5", "B5a"]
    assert ids("C13")[0] == "C13"
    assert ids("rel")[0] == "REL.politicians"


def test_labels_question_text_and_lexicon_are_searched() -> None:
    assert ids("saksframleg")[0] == "B5a"  # label/lexicon, with a typo-tolerant match
    assert ids("styringsinformasjon")[0] == "C13"
    assert "C14" in ids("virksomhetsleder")  # lexicon only
    assert "A1" in ids("organisert i kommunen")  # question text only


def test_empty_query_lists_the_codebook_in_order() -> None:
    ranked = rank_codes(CODES, "  ", limit=3)
    assert [c.id for c, _ in ranked] == ["A", "A1", "B"]
    assert all(score == 0.0 for _, score in ranked)


def test_nonsense_finds_nothing_and_limit_is_respected() -> None:
    assert rank_codes(CODES, "xqzzyv", 10) == []
    assert len(rank_codes(CODES, "s", 2)) <= 2


def test_scores_are_ordered_and_bounded() -> None:
    ranked = rank_codes(CODES, "samspill", 10)
    scores = [s for _, s in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s <= 100 for s in scores)
    assert ranked[0][0].kind in (CodeKind.SECTION, CodeKind.QUESTION)
    assert score_code(CODES[0], "") == 0.0
