"""The tagging commands through coder.cli.main: suggest on a file (jsonl), autocode and learn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.cli import main

TRANSCRIPT = """Intervjuer: Hvordan foregår kommunikasjonen – går dere direkte, eller via rådmannen?

Ordfører: Formelt går det via rådmannen, men jeg ringer økonomisjefen direkte.

Rektor: Vi på skolene får svar på e-post fra lønn, og det går greit.
"""


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    return int(exc.value.code or 0), capsys.readouterr().out


def test_suggest_file_jsonl(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODER_DB_URL", f"sqlite:///{tmp_path / 'never.sqlite'}")
    path = tmp_path / "flora-test.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    code, out = _run(["suggest", str(path), "--format", "jsonl", "--top", "3"], capsys)
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["segment"] for r in rows] == [0, 1, 2]
    text = path.read_text(encoding="utf-8")
    for r in rows:
        assert set(r) == {"segment", "start", "end", "speaker", "relations", "codes"}
        assert 0 <= r["start"] < r["end"] <= len(text)
        assert len(r["codes"]) <= 3
        for key in ("relations", "codes"):
            scores = [x["score"] for x in r[key]]
            assert scores == sorted(scores, reverse=True)
            assert all(0.0 <= s <= 1.0 for s in scores)
        for c in r["codes"]:
            assert set(c) == {"code", "score", "evidence"} and c["evidence"]
        for rel in r["relations"]:
            assert rel["relation"] in ("politicians", "ceo", "units")
    assert rows[0]["speaker"] == "Intervjuer"
    assert rows[0]["codes"][0]["code"] == "C13c"  # the guide question it asks, nothing else
    assert all(e.startswith("question:") for c in rows[0]["codes"] for e in c["evidence"])
    assert rows[1]["relations"][0]["relation"] == "politicians"
    assert rows[1]["codes"][0]["code"] == "C13c"
    assert rows[2]["relations"][0]["relation"] == "units"
    assert not (tmp_path / "never.sqlite").exists()  # the file mode stores nothing


def test_plain_paragraphs_are_segments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(
        "Formannskapet ringer direkte.\n\nRektorene savner hjelp med lønn.\n", encoding="utf-8"
    )
    code, out = _run(["suggest", str(path), "--format", "jsonl"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 2 and rows[0]["speaker"] is None


def test_suggest_needs_exactly_one_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(["suggest", "--format", "jsonl"], capsys)
    assert code == 2


def test_autocode_and_learn_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'p.sqlite'}"
    path = tmp_path / "flora-1.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    assert _run(["--db", db, "import", str(path), "--case", "Flora"], capsys)[0] == 0
    code, out = _run(["--db", db, "--coder", "anna", "autocode", "--all", "--json"], capsys)
    report = json.loads(out)
    assert code == 0 and report["stored"] > 0 and report["segments"] == 3
    code, out = _run(["--db", db, "--coder", "anna", "autocode", "--all", "--json"], capsys)
    assert json.loads(out)["skipped_transcripts"] == 1
    code, out = _run(
        ["--db", db, "suggest", "--transcript", "flora-1", "--format", "jsonl"], capsys
    )
    assert code == 0 and len(out.splitlines()) == 3
    code, out = _run(["--db", db, "learn", "--json"], capsys)
    assert code == 0 and json.loads(out)["examples"] == 0
