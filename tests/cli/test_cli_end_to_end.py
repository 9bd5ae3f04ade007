"""The installed `coder` console script, end to end, in a temporary folder with the default SQLite."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TRANSCRIPTS = REPO / "transcripts"


def _coder_executable() -> list[str]:
    exe = Path(sys.executable).with_name("coder")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "coder"]


def run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CODER_DB_URL",)}
    env["CODER_NAME"] = "tester"
    env["COLUMNS"] = "200"
    proc = subprocess.run(
        [*_coder_executable(), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"coder {' '.join(args)} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where the demo transcripts were imported into db/coder.sqlite."""
    cwd = tmp_path_factory.mktemp("project")
    run(cwd, "import", str(TRANSCRIPTS))
    return cwd


def test_import_creates_private_sqlite_under_db(project: Path) -> None:
    db = project / "db" / "coder.sqlite"
    assert db.exists()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_cases_json_has_five_municipalities_with_facts(project: Path) -> None:
    cases = json.loads(run(project, "cases", "--json").stdout)
    by_name = {c["name"]: c for c in cases}
    assert set(by_name) == {"Arendal", "Stord", "Flora", "Kongsvinger", "Hamar"}
    assert by_name["Hamar"]["organisation_model"] == "sector"
    assert by_name["Arendal"]["organisation_model"] == "two-level"
    assert all(c["transcript_count"] == 2 for c in cases)


def test_transcripts_json_lists_all_formats(project: Path) -> None:
    items = json.loads(run(project, "transcripts", "--json").stdout)
    assert len(items) == 10
    assert {t["format"] for t in items} >= {"txt", "md", "docx", "vtt"}
    assert all(t["word_count"] >= 1500 for t in items)


def test_show_json_segments_point_into_text(project: Path) -> None:
    data = json.loads(run(project, "show", "stord-2-enhetsledere", "--json").stdout)
    assert data["transcript"]["case_name"] == "Stord"
    groups = {p["role_group"] for p in data["participants"]}
    assert {"politician", "ceo_level", "staff_support", "unit_leader", "interviewer"} <= groups
    texts = [s["text"] for s in data["segments"]]
    assert any("ø" in t or "å" in t or "æ" in t for t in texts)  # cp1252 decoded right
    assert all(t and not t.startswith(("Intervjuer:", "Ordfører:")) for t in texts)


def test_reimport_is_idempotent(project: Path) -> None:
    out = run(project, "import", str(TRANSCRIPTS), "--json")
    statuses = {f["status"] for f in json.loads(out.stdout)["files"]}
    assert statuses == {"unchanged"}


def test_changed_file_is_refused_then_versioned(project: Path, tmp_path: Path) -> None:
    src = tmp_path / "flora-9-test.txt"
    src.write_text(
        "Intervjuer: Hva trenger politikerne stab til?\n\nOrdfører: Gode tall.\n", encoding="utf-8"
    )
    run(project, "import", str(src), "--case", "Flora")
    src.write_text(
        "Intervjuer: Hva trenger politikerne stab til?\n\nOrdfører: Gode tall, ja.\n",
        encoding="utf-8",
    )
    refused = run(project, "import", str(src), "--case", "Flora", check=False)
    assert refused.returncode == 6
    assert "--new-version" in refused.stderr
    run(project, "import", str(src), "--case", "Flora", "--new-version")
    items = json.loads(run(project, "transcripts", "--json", "--all-versions").stdout)
    versions = sorted(t["version"] for t in items if t["source_name"] == "flora-9-test.txt")
    assert versions == [1, 2]


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("broken.docx", b"PK\x03\x04 not really a zip", ".docx"),
        ("notes.pdf", b"%PDF-1.4", "unknown file type"),
        ("bad-header.md", b"---\ncase: [unclosed\n---\nI: hei\n", "bad-header.md"),
    ],
    ids=["empty", "binary", "broken-docx", "unknown-type", "broken-header"],
)
def test_bad_input_one_line_error_nonzero_nothing_written(
    project: Path, tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    before = json.loads(run(project, "transcripts", "--json").stdout)
    proc = run(project, "import", str(bad), check=False)
    assert proc.returncode != 0
    err_lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(err_lines) == 1, proc.stderr
    assert name in err_lines[0] and needle in err_lines[0]
    assert "Traceback" not in proc.stderr
    assert json.loads(run(project, "transcripts", "--json").stdout) == before


def test_batch_goes_on_after_a_bad_file(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-empty.txt").write_bytes(b"")
    (folder / "hamar-b-ok.txt").write_text("Rådmann: Vi har en sentral stab.\n", encoding="utf-8")
    proc = run(project, "import", str(folder), "--json", check=False)
    assert proc.returncode == 1
    files = {Path(f["path"]).name: f["status"] for f in json.loads(proc.stdout)["files"]}
    assert files == {"a-empty.txt": "failed", "hamar-b-ok.txt": "imported"}


def test_codebook_show_json_and_exports(project: Path) -> None:
    codes = json.loads(run(project, "codebook", "show", "--json").stdout)
    ids = {c["id"] for c in codes}
    assert {"A", "A1", "B5a", "C13", "C13d.i", "C15e.i.1", "D", "E", "REL.ceo"} <= ids
    assert all({"id", "parent", "kind", "label"} <= set(c) for c in codes)
    md = run(project, "codebook", "export", "--format", "md").stdout
    assert "C15e.i.1" in md
    out = project / "cb.yaml"
    run(project, "codebook", "export", "--format", "yaml", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = run(project, "codebook", "export", "--format", "yaml", str(out), check=False)
    assert again.returncode == 6


def test_unknown_transcript_exit_code(project: Path) -> None:
    proc = run(project, "show", "no-such-file", check=False)
    assert proc.returncode == 5
    assert proc.stderr.count("\n") == 1 and "no-such-file" in proc.stderr


def test_db_check_ok_and_dead_database(project: Path, tmp_path: Path) -> None:
    info = json.loads(run(project, "db", "check", "--json").stdout)
    assert info["ok"] is True
    dead = run(
        tmp_path, "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "cases", check=False
    )
    assert dead.returncode == 4
    assert "Traceback" not in dead.stderr and len(dead.stderr.strip().splitlines()) == 1


def test_corrupt_sqlite_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "coder.sqlite").write_bytes(b"this is not a database" * 100)
    proc = run(tmp_path, "cases", check=False)
    assert proc.returncode == 4
    assert "Traceback" not in proc.stderr


def test_no_terminal_prints_summary(project: Path) -> None:
    proc = run(project)
    assert re.search(r"\d+ transcripts, 67 codes", proc.stdout), proc.stdout


def test_help_teaches(tmp_path: Path) -> None:
    out = run(tmp_path, "--help").stdout
    for word in ("import", "cases", "transcripts", "show", "codebook", "db"):
        assert word in out
    assert "--case" in run(tmp_path, "import", "--help").stdout


def test_parliament_transcript_counts(tmp_path: Path, shared_dir: Path) -> None:
    src = shared_dir / "realdata" / "parlamint-no" / "ParlaMint-NO_2022-03-22.speaker_turns.txt"
    local = tmp_path / src.name
    shutil.copy(src, local)
    run(tmp_path, "import", str(local), "--case", "Stortinget")
    data = json.loads(run(tmp_path, "show", "1", "--json").stdout)
    assert len(data["segments"]) == 136
    assert len({s["speaker"] for s in data["segments"]}) == 38
    assert len(data["participants"]) == 38
