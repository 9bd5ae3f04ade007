"""One counting unit for the synthesis: informant segments (interviewer turns left out), the same
in summary, contrast, cooccur, terms and quotes, with an option to include the interviewer."""

from __future__ import annotations

from coder.analysis.methods import methods_note
from coder.analysis.terms import simple_analyzer
from coder.services import synthesis
from coder.services.coding import code_segment
from tests.analysis.analysis_project import build_project


def _with_coded_interviewer(store):  # type: ignore[no-untyped-def]
    project = build_project(store)
    # The interviewer's question in H1 is coded C13a (politicians): not an informant's words.
    code_segment(store, project.seg[("H1", 0)], "C13a", "anna")
    return project


def test_interviewer_turns_count_nowhere_by_default(store) -> None:  # type: ignore[no-untyped-def]
    _with_coded_interviewer(store)
    s = synthesis.summary(store, by="case")
    c = synthesis.contrast(store, ["Hamar"], ["Flora", "Arendal"])
    pol = next(r for r in c.rows if (r.relation, r.code_id) == ("politicians", "C13"))
    hamar = s.cell("politicians", "C13", "Hamar")
    assert hamar.segments == pol.a_segments == 0
    assert s.cell("politicians", "C13", "Flora").segments + s.cell(
        "politicians", "C13", "Arendal"
    ).segments == pol.b_segments == 3
    assert "Hamar" not in {q.case for q in synthesis.quotes(store, relation="politicians")}
    words = synthesis.terms(store, analyzer=simple_analyzer, relation="politicians", top=100, runs=0)
    assert "virksomhetene" not in {t.term for t in words["politicians"]}  # H1#0 only
    pairs = synthesis.cooccurrence(store, level="item", window=0)
    assert ("C13a", "C15a") not in {(p.a, p.b) for p in pairs}


def test_the_interviewer_included_on_request_everywhere(store) -> None:  # type: ignore[no-untyped-def]
    _with_coded_interviewer(store)
    s = synthesis.summary(store, by="case", include_interviewer=True)
    assert s.cell("politicians", "C13", "Hamar").segments == 1
    c = synthesis.contrast(store, ["Hamar"], ["Flora", "Arendal"], include_interviewer=True)
    pol = next(r for r in c.rows if (r.relation, r.code_id) == ("politicians", "C13"))
    assert (pol.a_segments, c.a_base, c.b_base) == (1, 4, 7)
    quotes = synthesis.quotes(store, relation="politicians", include_interviewer=True)
    assert "Hamar" in {q.case for q in quotes}
    words = synthesis.terms(
        store, analyzer=simple_analyzer, relation="politicians", top=100, runs=0,
        include_interviewer=True,
    )  # fmt: skip
    assert "virksomhetene" in {t.term for t in words["politicians"]}


def test_methods_note_states_the_unit_and_the_tests() -> None:
    text = " ".join(methods_note())
    for needle in (
        "informant segment", "interviewer", "permutation", "Holm", "95th percentile",
        "Monroe", "roll", "coders",
    ):  # fmt: skip
        assert needle in text, needle
    assert "interviewer turns included" in " ".join(methods_note(include_interviewer=True))


def test_cli_states_the_unit_and_takes_the_option(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    import pytest

    from coder.cli import main
    from coder.services.project import open_store

    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    st = open_store(url)
    _with_coded_interviewer(st)
    st.dispose()

    def data(*args: str) -> dict:  # type: ignore[type-arg]
        with pytest.raises(SystemExit) as exc:
            main(["--db", url, "summary", "--by", "case", "--format", "json", *args])
        assert exc.value.code in (0, None)
        return json.loads(capsys.readouterr().out)

    plain, both = data(), data("--include-interviewer")
    assert plain["_meta"]["unit"] == "informant segments"
    assert "Hamar" not in plain["politicians"]["codes"]["C13"]["case"]
    assert both["politicians"]["codes"]["C13"]["case"]["Hamar"]["segments"] == 1
