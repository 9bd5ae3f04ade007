"""Codebook navigation: lookup with hints, tree walks, and roll-up to section/question/item."""

from __future__ import annotations

import dataclasses

import pytest

from coder.codebook import Codebook, default_codebook
from coder.domain import CodeInfo, CodeKind
from coder.errors import EXIT_NOT_FOUND, NotFoundError, UsageError


@pytest.fixture(scope="module")
def cb() -> Codebook:
    return default_codebook()


def test_get_unknown_id_names_it_and_hints(cb: Codebook) -> None:
    with pytest.raises(NotFoundError) as caught:
        cb.get("C13D")
    assert str(caught.value) == "unknown code id 'C13D' (did you mean 'C13d'?)"
    assert caught.value.exit_code == EXIT_NOT_FOUND
    with pytest.raises(NotFoundError, match=r"unknown code id 'C13d\.iv' \(did you mean"):
        cb.get("C13d.iv")


def test_get_unknown_id_without_close_match_has_no_hint(cb: Codebook) -> None:
    with pytest.raises(NotFoundError) as caught:
        cb.get("zzzzzzzzzzzzzzzz")
    assert str(caught.value) == "unknown code id 'zzzzzzzzzzzzzzzz'"


def test_navigation_raises_for_unknown_ids(cb: Codebook) -> None:
    for call in (cb.children, cb.ancestors, cb.descendants, cb.level_of):
        with pytest.raises(NotFoundError):
            call("X99")


def test_ancestors_parent_first(cb: Codebook) -> None:
    assert [c.id for c in cb.ancestors("C15e.i.1")] == ["C15e.i", "C15e", "C15", "C"]
    assert cb.ancestors("A") == ()


def test_descendants_depth_first_in_document_order(cb: Codebook) -> None:
    assert [c.id for c in cb.descendants("C13d")] == ["C13d.i", "C13d.ii", "C13d.iii"]
    ids = [c.id for c in cb.descendants("C15e")]
    assert ids == ["C15e.i", "C15e.i.1", "C15e.i.2", "C15e.i.3", "C15e.i.4", "C15e.ii"]
    assert len(cb.descendants("C")) == 3 + 12 + 12 + 16
    assert cb.descendants("D") == ()


def test_iter_tree_visits_every_code_once_with_depth(cb: Codebook) -> None:
    walked = list(cb.iter_tree())
    assert len(walked) == len(cb)
    depth = {code.id: d for code, d in walked}
    assert depth["A"] == 0 and depth["A1"] == 1 and depth["B5a"] == 2
    assert depth["C13d.i"] == 3 and depth["C15e.i.1"] == 4 and depth["REL.ceo"] == 0
    order = [code.id for code, _ in walked]
    assert order.index("B5d") < order.index("B6")  # children before the next sibling
    for code, d in walked:
        assert d == len(cb.ancestors(code.id))


def test_level_of(cb: Codebook) -> None:
    assert cb.level_of("A") == "section"
    assert cb.level_of("B7") == "question"
    assert cb.level_of("C14d.ii") == "item"
    assert cb.level_of("REL.units") == "relation"


@pytest.mark.parametrize(
    ("code_id", "level", "expected"),
    [
        ("C15e.i.1", "section", "C"),
        ("C15e.i.1", "question", "C15"),
        ("C15e.i.1", "item", "C15e"),
        ("C13d", "item", "C13d"),
        ("B5a", "question", "B5"),
        ("B7", "question", "B7"),
        ("B7", "item", "B7"),  # a question without items counts as itself
        ("A", "question", "A"),
        ("D", "question", "D"),  # D and E have no numbered questions
        ("E", "item", "E"),
        ("REL.ceo", "section", "REL.ceo"),
    ],
)
def test_rollup(cb: Codebook, code_id: str, level: str, expected: str) -> None:
    assert cb.rollup(code_id, level).id == expected


def test_rollup_rejects_unknown_level(cb: Codebook) -> None:
    with pytest.raises(UsageError, match="level must be one of section, question, item"):
        cb.rollup("A1", "chapter")


def test_codes_are_frozen(cb: Codebook) -> None:
    code = cb.get("A1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        code.label = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        cb.name = "x"  # type: ignore[misc]


def test_ordinals_follow_document_order(cb: Codebook) -> None:
    assert [c.ordinal for c in cb.codes] == list(range(len(cb)))


def test_code_infos_for_services(cb: Codebook) -> None:
    infos = cb.code_infos()
    assert all(isinstance(i, CodeInfo) for i in infos)
    info = next(i for i in infos if i.id == "C13c")
    assert info.parent_id == "C13" and info.kind is CodeKind.ITEM
    assert "via rådmannen" in info.lexicon and "kommunikasjon" in info.lexicon
    assert info.relation is not None and info.relation.value == "politicians"


def test_membership_and_iteration(cb: Codebook) -> None:
    assert "C13" in cb and "C16" not in cb and 13 not in cb
    assert [c.id for c in cb] == list(cb.ids())
