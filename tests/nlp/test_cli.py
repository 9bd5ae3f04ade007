"""`coder nlp evaluate` and `info` on the shipped pipeline, and their one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import nlp as cli
from coder.errors import EXIT_INPUT, InputError

runner = CliRunner()
KEYS = {"lemma_acc", "upos_acc", "uas", "las", "sents_f", "ents_f", "per_f", "words_per_second"}


def test_evaluate_json_on_fixture(shipped: None, fixtures_dir: Path) -> None:
    result = runner.invoke(cli.app, ["evaluate", str(fixtures_dir), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert set(scores) == KEYS
    assert all(0.0 <= scores[k] <= 1.0 for k in KEYS - {"words_per_second"})
    assert scores["upos_acc"] >= 0.8 and scores["lemma_acc"] >= 0.8
    assert scores["per_f"] > 0.5


def test_evaluate_text_output(shipped: None, fixtures_dir: Path) -> None:
    result = runner.invoke(cli.app, ["evaluate", str(fixtures_dir)])
    assert result.exit_code == 0
    assert "LAS" in result.stdout and "PER F" in result.stdout


def test_info_json(shipped: None) -> None:
    result = runner.invoke(cli.app, ["info", "--json"])
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["name"] == "nb_coder_sm" and "ner" in info["components"]


def test_malformed_file_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.conll").write_text("1\tHei\thei\n", "utf-8")
    result = runner.invoke(cli.app, ["evaluate", str(tmp_path)])
    assert isinstance(result.exception, InputError)
    monkeypatch.setattr(sys, "argv", ["nlp", "evaluate", str(tmp_path)])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == EXIT_INPUT
    err = capsys.readouterr().err
    assert err == f"error: {tmp_path / 'a.conll'}:1: expected 10 tab-separated columns, found 3\n"


def test_empty_folder_is_input_error(tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["evaluate", str(tmp_path)])
    assert isinstance(result.exception, InputError)
    assert "no .conll files" in str(result.exception)
