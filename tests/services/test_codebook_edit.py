"""Editing the project's codebook: themes, edits, moves and merges that keep every coding."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coder.domain import CodeKind, CodingStatus
from coder.errors import ConflictError, UsageError
from coder.services import catalog, coding
from coder.services.changes import ChangeWatcher
from coder.services.codebook import (
    add_theme,
    code_lexicon,
    edit_code,
    merge_codes,
    move_code,
    theme_slug,
)
from tests.tui.project import CODER, Project, build_project


@pytest.fixture
def project(db_url: str) -> Iterator[Project]:
    p = build_project(db_url)
    yield p
    p.store.dispose()


def test_theme_slugs_fold_norwegian_letters() -> None:
    assert theme_slug("Tillit til økonomiavdelingen") == "tillit-til-okonomiavdelingen"
    assert theme_slug("Små kommuner / store krav") == "sma-kommuner-store-krav"


def test_add_theme_under_a_node(project: Project) -> None:
    before = ChangeWatcher(project.store).token()
    info = add_theme(project.store, "Tillit", parent_id="B5", lemmas=["tillit"])
    assert (info.id, info.kind, info.parent_id) == ("T.tillit", CodeKind.THEME, "B5")
    assert catalog.get_code(project.store, "T.tillit").lexicon == ("tillit",)
    assert ChangeWatcher(project.store).token() != before
    with pytest.raises(ConflictError):
        add_theme(project.store, "tillit")
    with pytest.raises(UsageError):
        add_theme(project.store, "!!!")


def test_edit_code_checks_colour_and_label(project: Project) -> None:
    info = edit_code(
        project.store, "B5a", label=" Saker ", color="#112233", phrases=["godt saksframlegg"]
    )
    assert (info.label, info.color) == ("Saker", "#112233")
    assert code_lexicon(project.store, "B5a") == {
        "lemmas": ["saksframlegg"],
        "phrases": ["godt saksframlegg"],
    }
    with pytest.raises(UsageError):
        edit_code(project.store, "B5a", color="red")
    with pytest.raises(UsageError):
        edit_code(project.store, "B5a", label="  ")


def test_move_keeps_codings_and_refuses_cycles(project: Project) -> None:
    coding.accept_suggestion(project.store, project.suggestions["b5a"], CODER)
    assert move_code(project.store, "B5a", "C").parent_id == "C"
    assert catalog.code_counts(project.store)["B5a"] == 1
    with pytest.raises(UsageError):
        move_code(project.store, "C", "B5a")
    assert move_code(project.store, "B5a", None).parent_id is None


def test_merge_moves_every_coding(project: Project) -> None:
    store = project.store
    coding.accept_suggestion(store, project.suggestions["b5a"], CODER)
    add_theme(store, "Tillit", parent_id="B5a")
    moved = merge_codes(store, "B5a", "B5")
    assert moved == 1
    codes = {c.id: c for c in catalog.list_codes(store)}
    assert "B5a" not in codes and codes["T.tillit"].parent_id == "B5"
    # The accepted B5a coding folded into the pending B5 suggestion on the same segment.
    accepted = catalog.code_counts(store, CodingStatus.ACCEPTED)
    assert accepted.get("B5") == 1 and "B5a" not in accepted
