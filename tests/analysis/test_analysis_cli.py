"""The synthesis commands end to end through `coder.cli.main` (exit codes, JSON shape, files)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from coder.cli import main
from coder.errors import EXIT_CONFLICT, EXIT_NOT_FOUND, EXIT_USAGE
from coder.services.project import open_store
from tests.analysis.analysis_project import build_project


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'p.sqlite'}"
    store = open_store(url)
    build_project(store)
    store.dispose()
    return url


def run(db: str, *args: str) -> int:
    with pytest.raises(SystemExit) as exc:
        main(["--db", db, *args])
    return int(exc.value.code or 0)


def test_summary_json_has_one_key_per_relation(db: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(db, "summary", "--format", "json", "--by", "case") == 0
    data = json.loads(capsys.readouterr().out)
    assert {"politicians", "ceo", "units"} <= set(data)
    assert data["units"]["codes"]["C15"]["segments"] == 2
    assert data["politicians"]["codes"]["C13"]["case"]["Flora"]["segments"] == 2
    assert run(db, "summary", "--status", "all", "--level", "item", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ceo"]["codes"]["C14a"]["segments"] == 2
    assert run(db, "summary", "--format", "md") == 0
    assert "| C13 | Samspill med politikerne | 3 (2) |" in capsys.readouterr().out


def test_table_contrast_cooccur_terms(db: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(db, "summary") == 0
    assert "Samspill med politikerne" in capsys.readouterr().out
    assert run(db, "contrast", "--group-a", "Hamar", "--group-b", "Flora,Arendal", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["a_segments_total"] == 3 and "interview" in data["note"]
    assert data["permutation"]["arrangements"] == 3 and data["permutation"]["exact"] is True
    assert {"p", "p_holm", "a_interview_shares", "segment_z", "flags"} <= set(data["rows"][0])
    assert run(db, "contrast", "--group-a", "Hamar", "--group-b", "Flora,Arendal") == 0
    table = " ".join(capsys.readouterr().out.split())
    assert "smallest possible p = 0.3333" in table and "Holm" in table
    assert run(db, "cooccur", "-k", "1", "--json") == 0
    pairs = json.loads(capsys.readouterr().out)
    assert {k: pairs[1][k] for k in ("a", "b")} == {"a": "C13", "b": "C14"}
    assert run(db, "terms", "--simple", "--relation", "units", "--top", "3", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["units", "_meta"]
    assert data["_meta"]["null"]["runs"] == 200 and data["_meta"]["segments"]["units"] == 2
    assert {"interviews", "speakers", "concentrated", "clears"} <= set(data["units"][0])
    assert run(db, "terms", "--simple", "--top", "50", "--pseudonymise", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    terms = {t["term"] for rel, items in data.items() if rel != "_meta" for t in items}
    assert "rekruttering" in terms and not {"per", "berg", "karis", "ola"} & terms
    assert run(db, "terms", "--help") == 0
    helptext = " ".join(capsys.readouterr().out.split())
    assert "Fightin' Words" in helptext and "|z| > 2" not in helptext
    assert run(db, "terms", "--simple", "--runs", "20", "--min-interviews", "1") == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "threshold z >" in out and "20 runs, seed 22" in out
    assert run(db, "terms", "--simple", "--shuffle", "sideways") == EXIT_USAGE


@pytest.mark.parametrize("command", [["contrast"], ["cooccur", "-k", "1"], ["terms", "--simple"]])
def test_format_json_everywhere_and_json_a_hidden_alias(db: str, capsys, command) -> None:  # type: ignore[no-untyped-def]
    assert run(db, *command, "--format", "json") == 0
    via_format = json.loads(capsys.readouterr().out)
    assert run(db, *command, "--json") == 0
    assert json.loads(capsys.readouterr().out) == via_format
    assert run(db, *command, "-f", "table") == 0
    assert "{" not in capsys.readouterr().out.split("\n")[0]
    assert run(db, *command, "--format", "xml") == EXIT_USAGE
    assert "unknown format 'xml'" in capsys.readouterr().err
    assert run(db, command[0], "--help") == 0
    helptext = capsys.readouterr().out
    assert "--format" in helptext and "--json" not in helptext


def test_quotes_help_says_ranked_not_representative(db: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(db, "quotes", "--help") == 0
    helptext = " ".join(capsys.readouterr().out.split())
    assert "ranked quotes" in helptext and "representative" not in helptext
    assert "--no-balance" in helptext
    assert run(db, "quotes", "--relation", "units", "--no-balance") == 0
    assert "(id " in capsys.readouterr().out


def test_unknown_case_exits_5_in_contrast_as_in_quotes(db: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(db, "contrast", "--group-b", "Nowhere") == EXIT_NOT_FOUND
    err = capsys.readouterr().err
    assert "unknown case 'Nowhere'" in err and "Traceback" not in err
    assert run(db, "contrast", "--group-a", "Nowhere") == EXIT_NOT_FOUND
    assert run(db, "quotes", "--case", "Nowhere") == EXIT_NOT_FOUND
    assert "unknown case 'Nowhere'" in capsys.readouterr().err


def test_quotes_and_report_files(db: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "q.xlsx"
    assert run(db, "quotes", "--relation", "units", "--format", "xlsx", "--output", str(out)) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert run(db, "quotes", "--format", "xlsx", "--output", str(out)) == EXIT_CONFLICT
    assert "exists already" in capsys.readouterr().err
    assert run(db, "quotes", "--format", "docx") == EXIT_USAGE
    assert run(db, "quotes", "--relation", "units", "--pseudonymise", "--no-ner") == 0
    printed = capsys.readouterr().out
    assert "[Enhetsleder 1, Hamar]" in printed and "Per Berg" not in printed
    report = tmp_path / "r.docx"
    key = tmp_path / "key.json"
    assert (
        run(db, "report", "-o", str(report), "--pseudonymise", "--key", str(key), "--no-ner") == 0
    )
    assert report.exists() and json.loads(key.read_text(encoding="utf-8"))
