"""The team commands end to end: agree, coders, show --coder, team setup's refusal on SQLite."""

from __future__ import annotations

import json

import pytest

from coder.cli import main
from coder.services import coding
from coder.store.db import Store
from tests.team.conftest import add_transcript


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.fixture
def project(team_store: Store) -> tuple[str, list[int]]:
    segs = add_transcript(team_store)
    for seg, code in [(1, "A1a"), (2, "A1b"), (3, "B5a")]:
        coding.code_segment(team_store, segs[seg], code, "anna")
    for seg, code in [(1, "A1a"), (2, "A1a"), (3, "B5a")]:
        coding.code_segment(team_store, segs[seg], code, "bjorn")
    coding.add_memo(team_store, "bjorn", "uenig om A1b", segment_id=segs[2])
    return team_store.url, segs


def test_agree_json_and_table(project, capsys) -> None:  # type: ignore[no-untyped-def]
    url, segs = project
    code, out, _ = run(capsys, "--db", url, "agree", "--coders", "anna,bjorn", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["coders"] == ["anna", "bjorn"] and data["units"] == 6
    cats = {c["category"]: c for c in data["categories"]}
    assert cats["A1a"]["present"] == {"anna": 1, "bjorn": 2}
    # A1a: agree on 5 of 6; p_e = (1/6)(2/6) + (5/6)(4/6) = 22/36; kappa = (30/36-22/36)/(14/36)
    assert cats["A1a"]["kappa"] == pytest.approx(8 / 14)
    assert cats["B5a"]["percent"] == 1.0
    code, out, _ = run(
        capsys,
        "--db",
        url,
        "agree",
        "--coders",
        "anna,bjorn",
        "--level",
        "question",
        "--disagreements",
    )
    assert code == 0
    assert "kappa" in out and "A1" in out and "(pooled)" in out
    assert "#0" not in out  # no disagreement at question level: A1a and A1b are both A1


def test_agree_usage_errors_exit_2(project, capsys) -> None:  # type: ignore[no-untyped-def]
    url, _ = project
    code, _, err = run(capsys, "--db", url, "agree", "--coders", "anna")
    assert code == 2 and "at least two different coders" in err
    code, _, err = run(capsys, "--db", url, "agree", "--coders", "anna,bjorn", "--level", "x")
    assert code == 2 and "--level" in err
    code, _, err = run(capsys, "--db", url, "agree", "--coders", "anna,bjorn", "--code", "Q9")
    assert code == 5 and "unknown code" in err


def test_coders_and_show_filtered_by_coder(project, capsys) -> None:  # type: ignore[no-untyped-def]
    url, _ = project
    code, out, _ = run(capsys, "--db", url, "coders", "--json")
    assert code == 0
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["anna"]["accepted"] == 3 and rows["anna"]["memos"] == 0
    assert rows["bjorn"]["accepted"] == 3 and rows["bjorn"]["memos"] == 1
    assert rows["bjorn"]["actions"] == 4 and rows["bjorn"]["last_active"]
    code, out, _ = run(capsys, "--db", url, "show", "flora-1", "--coder", "bjorn", "--json")
    coders = {c["coder"] for seg in json.loads(out)["segments"] for c in seg["codings"]}
    assert code == 0 and coders == {"bjorn"}
    code, out, _ = run(capsys, "--db", url, "transcripts", "--coder", "anna", "--json")
    assert code == 0 and json.loads(out)[0]["coded_share"] > 0


def test_team_setup_refuses_sqlite(sqlite_url: str, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "--db", sqlite_url, "team", "setup", "--add-coder", "anna")
    assert code == 2 and "PostgreSQL only" in err
