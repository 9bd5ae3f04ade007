"""Nynorsk and dialect forms count as their Bokmål equivalents; Bokmål forms are untouched."""

from __future__ import annotations

import pytest

from coder.domain import RoleGroup
from coder.ingest.roles import infer_role
from coder.language import bokmal_forms
from coder.tagging.normalise import candidates


@pytest.mark.parametrize(
    ("nynorsk", "bokmal"),
    [
        ("einingsleiarane", "enhetsleder"),
        ("leiargruppa", "ledergruppe"),
        ("tilsette", "ansatte"),
        ("tenesta", "tjeneste"),
        ("heimetenesta", "hjemmetjeneste"),
        ("leiinga", "ledelse"),
        ("politikarane", "politiker"),
        ("sakshandsaming", "saksbehandling"),
        ("vanskeleg", "vanskelig"),
        ("korleis", "hvordan"),
        ("ikkje", "ikke"),
        ("skulen", "skole"),
    ],
)
def test_nynorsk_form_has_its_bokmal_candidate(nynorsk: str, bokmal: str) -> None:
    assert bokmal in candidates(nynorsk)


def test_whole_word_equivalent_comes_right_after_the_form() -> None:
    """Question matching reads only the first three candidates."""
    assert candidates("korleis")[:2] == ("korleis", "hvordan")


@pytest.mark.parametrize(
    "word", ["utvalg", "enhetslederne", "rådmannen", "ledergruppen", "skolen", "ansatte"]
)
def test_bokmal_forms_are_left_alone(word: str) -> None:
    assert bokmal_forms(word) == ()
    assert all("gg" not in c for c in candidates(word))


@pytest.mark.parametrize(
    ("title", "group"),
    [
        ("Politikar", RoleGroup.POLITICIAN),
        ("Ordførar", RoleGroup.POLITICIAN),
        ("Einingsleiar barnehage", RoleGroup.UNIT_LEADER),
        ("Leiar for sjukeheimen", RoleGroup.UNIT_LEADER),
        ("Rådgjevar økonomi", RoleGroup.STAFF_SUPPORT),
    ],
)
def test_nynorsk_titles_get_their_role_group(title: str, group: RoleGroup) -> None:
    assert infer_role(title)[0] is group
