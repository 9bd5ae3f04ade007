"""`coder demo` and `coder tui`, run as a subprocess from a temporary folder (no terminal)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CODER_DB_URL"}
    env.update(CODER_NAME="tester", COLUMNS="200", PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "coder", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_demo_sets_up_the_project_and_prints_the_summary_without_a_terminal(tmp_path: Path) -> None:
    first = run(tmp_path, "demo", "--transcripts", str(REPO / "transcripts"))
    assert first.returncode == 0, first.stderr
    db = tmp_path / "db" / "demo.sqlite"
    assert db.exists() and stat.S_IMODE(db.stat().st_mode) == 0o600
    assert "demo: 10 imported" in first.stderr
    assert "5 municipalities" in first.stderr
    for case in ("Arendal", "Flora", "Hamar", "Kongsvinger", "Stord"):
        assert case in first.stdout
    again = run(tmp_path, "demo", "--transcripts", str(REPO / "transcripts"))
    assert again.returncode == 0, again.stderr
    assert "demo: 0 imported, 10 unchanged" in again.stderr


def test_demo_without_the_folder_is_a_one_line_error(tmp_path: Path) -> None:
    proc = run(tmp_path, "demo", "--transcripts", str(tmp_path / "nowhere"))
    assert proc.returncode != 0
    assert "no such folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_tui_command_is_registered() -> None:
    proc = run(REPO, "tui", "--help")
    assert proc.returncode == 0
    assert "coding workspace" in proc.stdout
