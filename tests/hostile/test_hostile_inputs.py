"""Issue 15 findings 3, 5, 6 and 9, reproduced as a hostile user would: bombs, usage errors,
transcript text in errors and folder imports that escape their folder."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coder.errors import EXIT_INPUT, EXIT_USAGE, InputError
from coder.ingest.archive import MAX_MEMBER_BYTES, MAX_RATIO, BoundedArchive

REPO = Path(__file__).resolve().parents[2]


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CODER_DB_URL"}
    env.update(CODER_NAME="tester", COLUMNS="200", PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "coder", *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=300,
    )


def _docx_bomb(path: Path, inflated: int) -> None:
    body = b"<w:p><w:r><w:t>Kari: ja</w:t></w:r></w:p>" * (inflated // 40)
    xml = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>' + body + b"</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", xml)


@pytest.mark.parametrize(
    "args",
    [["transcripts", "--no-such-option"], ["show"], ["accept", "not-an-int"], ["no-such-command"]],
)
def test_usage_errors_exit_2_with_one_line(tmp_path: Path, args: list[str]) -> None:
    proc = _run(tmp_path, *args)
    assert proc.returncode == EXIT_USAGE, proc.stderr
    assert "report this" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_exit_code_mapping_covers_both_click_copies() -> None:
    """The mapping itself: Click's own exceptions and Typer's bundled copy both give 2."""
    import click

    from coder.cli.app import exit_code_for

    assert exit_code_for(click.exceptions.NoSuchOption("--x"))[0] == EXIT_USAGE
    assert exit_code_for(click.exceptions.BadParameter("x"))[0] == EXIT_USAGE
    assert exit_code_for(click.exceptions.MissingParameter("x"))[0] == EXIT_USAGE
    try:
        from typer._click import exceptions as bundled  # Typer >= 0.2x bundles Click
    except ImportError:
        return
    assert exit_code_for(bundled.NoSuchOption("--x"))[0] == EXIT_USAGE
    assert exit_code_for(bundled.BadParameter("x"))[0] == EXIT_USAGE
    assert exit_code_for(InputError("bad", path="f.txt")) == (EXIT_INPUT, "f.txt: bad")
    assert exit_code_for(PermissionError(13, "Permission denied", "/x/y"))[0] == 1
    assert "report this" not in exit_code_for(PermissionError(13, "Permission denied", "/x/y"))[1]


def test_docx_bomb_is_refused_in_one_line_naming_the_file(tmp_path: Path) -> None:
    bomb = tmp_path / "in" / "bomb.docx"
    bomb.parent.mkdir()
    _docx_bomb(bomb, 120 * 1024 * 1024)
    assert bomb.stat().st_size < 1024 * 1024
    proc = _run(tmp_path, "import", str(bomb))
    assert proc.returncode != 0
    assert "bomb.docx" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "bomb.docx" not in _run(tmp_path, "transcripts", "--json").stdout


def test_bounded_reader_refuses_ratio_and_absolute_size(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.xml", b"a" * (4 * 1024 * 1024))
        zf.writestr("ok.xml", b"<x/>")
    archive = BoundedArchive(buf.getvalue(), "t.zip", ".docx")
    assert archive.read("ok.xml") == b"<x/>"
    with pytest.raises(InputError, match=r"t\.zip: .*compression ratio"):
        archive.check_all()
    assert MAX_RATIO >= 50 and MAX_MEMBER_BYTES <= 64 * 1024 * 1024


def test_vtt_timing_error_does_not_quote_the_text(tmp_path: Path) -> None:
    secret = "Ola sa at dette er en lang hemmelig setning --> med piler " * 20
    vtt = tmp_path / "t.vtt"
    vtt.write_text(f"WEBVTT\n\n{secret}\nHei\n", encoding="utf-8")
    proc = _run(tmp_path, "import", str(vtt))
    assert proc.returncode == 1, proc.stderr  # README: some inputs failed
    assert "hemmelig" not in proc.stderr and "Ola" not in proc.stderr
    assert "t.vtt:3:1:" in proc.stderr
    assert len(proc.stderr) < 300


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_folder_import_stays_inside_and_lists_what_it_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("Kari: hemmelig utenfor mappen\n", encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("Kari: Hei og velkommen.\nOla: Takk.\n", encoding="utf-8")
    (folder / "escape.txt").symlink_to(outside)
    (folder / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "dir.txt").mkdir()
    os.mkfifo(folder / "fifo.txt")
    proc = _run(tmp_path, "import", str(folder))
    out = proc.stdout + proc.stderr
    listed = _run(tmp_path, "transcripts", "--json").stdout
    assert "ok.txt" in listed
    assert "escape.txt" not in listed and "utenfor" not in listed
    for name in ("escape.txt", "dangling.txt", "loop.txt", "dir.txt", "fifo.txt"):
        assert f"{name}" in out, (name, out)
    assert "outside the folder" in out
