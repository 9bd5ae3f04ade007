"""Full-text search: lemma-aware matching, KWIC, filters, cache; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from coder.domain import RoleGroup
from coder.errors import NotFoundError, UsageError
from coder.services import coding, search
from coder.services.search import normalise_word, search_segments, stem_lemmatize
from tests.tui.project import CODER, Project, build_project


@pytest.fixture(autouse=True)
def _stemmer() -> Iterator[None]:
    """Use the model-free normaliser so results do not depend on an installed spaCy model."""
    search.set_lemmatizer(stem_lemmatize)
    yield
    search.set_lemmatizer(None)


@pytest.fixture
def project(db_url: str) -> Iterator[Project]:
    p = build_project(db_url)
    yield p
    p.store.dispose()


@pytest.mark.parametrize(
    ("forms", "same"),
    [
        (["politiker", "politikeren", "politikerne", "politikernes"], True),
        (["kommune", "kommunen", "kommunene"], True),
        (["virksomhet", "virksomheten", "virksomhetene"], True),
        (["leder", "ledelse"], False),
    ],
)
def test_normaliser_maps_inflected_forms_together(forms: list[str], same: bool) -> None:
    keys = {normalise_word(f) for f in forms}
    assert (len(keys) == 1) is same


def test_inflected_query_finds_other_forms(project: Project) -> None:
    hits = search_segments(project.store, "politikerne")
    matched = sorted({h.match.lower() for h in hits})
    assert matched == ["politikeren", "politikerne"]
    exact = search_segments(project.store, "politikerne", lemma=False)
    assert {h.match.lower() for h in exact} == {"politikerne"}


def test_hits_carry_kwic_and_offsets_into_the_transcript(project: Project) -> None:
    hit = search_segments(project.store, "saksframlegg")[0]
    assert hit.case_name == "Flora"
    assert hit.speaker == "Ordfører"
    assert hit.role_group is RoleGroup.POLITICIAN
    assert hit.match == "saksframlegg"
    assert hit.left.endswith("får gode ")
    assert hit.right.startswith(" fra økonomiavdelingen")
    assert hit.kwic == hit.left + hit.match + hit.right
    assert hit.end - hit.start == len("saksframlegg")


def test_phrases_and_prefixes(project: Project) -> None:
    assert [h.match for h in search_segments(project.store, "stab og støtte")] == ["stab og støtte"]
    prefixed = {h.match for h in search_segments(project.store, "styrings*")}
    assert prefixed == {"styringsinformasjon"}


def test_filters_by_case_role_and_code(project: Project) -> None:
    store = project.store
    assert {h.case_name for h in search_segments(store, "politiker", case="Arendal")} == {"Arendal"}
    by_role = search_segments(store, "politiker", role_group="interviewer")
    assert by_role and all(h.role_group is RoleGroup.INTERVIEWER for h in by_role)
    assert search_segments(store, "saksframlegg", code="B") == []
    coding.accept_suggestion(store, project.suggestions["b5a"], CODER)
    coded = search_segments(store, "saksframlegg", code="B")  # B5a lies below B
    assert len(coded) == 1 and coded[0].code_ids == ("B5a",)


def test_limit_and_errors(project: Project) -> None:
    assert len(search_segments(project.store, "politiker", limit=1)) == 1
    with pytest.raises(UsageError):
        search_segments(project.store, "   ")
    with pytest.raises(NotFoundError):
        search_segments(project.store, "politiker", code="Z9")
    with pytest.raises(NotFoundError):
        search_segments(project.store, "politiker", case="Bergen")


def test_the_cache_is_used_for_repeated_queries(project: Project) -> None:
    calls: list[int] = []

    def counting(texts):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return stem_lemmatize(texts)

    search.set_lemmatizer(counting)
    search_segments(project.store, "politiker")
    first = len(calls)
    search_segments(project.store, "styringsinformasjon")
    # Only the query word is keyed again; no transcript is tokenised a second time.
    assert first >= 2 and all(n == 1 for n in calls[first:])
