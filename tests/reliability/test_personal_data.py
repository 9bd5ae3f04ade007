"""Personal data: owner-only files everywhere, and no transcript text in logs or error messages.

Interviews are personal data: the database, its -wal/-shm companions, every export and every
backup are created 0600; running the CLI with -v over import, autocode and the exports (a
transcript with a unique marker sentence beside damaged files that contain it too) never prints
that sentence on stderr or in a log record.
"""

from __future__ import annotations

import io
import logging
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

from coder.cli import app as typer_app
from coder.cli import main
from coder.services.project import open_store

MARKER = "Sjiraffen Zebulon hvisker regnbuekoder fire sju en en"
MARKER_WORDS = ("Zebulon", "regnbuekoder")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_sources(folder: Path) -> tuple[Path, list[Path]]:
    folder.mkdir()
    good = folder / "hamar-9-personvern.txt"
    good.write_text(
        "Intervjuer: Hvordan samarbeider dere med politikerne i formannskapet?\n\n"
        f"Økonomisjef: {MARKER}. Vi lager saksframlegg til formannskapet og rådmannen.\n\n"
        "Rådmann: Ledergruppa får styringsinformasjon fra økonomiavdelingen hver måned.\n",
        encoding="utf-8",
    )
    bad_vtt = folder / "hamar-9-brutt.vtt"
    bad_vtt.write_text(
        f"WEBVTT\n\n00:00:0x.000 --> 00:00:05.000\n<v Økonomisjef>{MARKER}\n\n"
        f"00:00:09.000 --> 00:00:02.000\n<v Rådmann>{MARKER}\n",
        encoding="utf-8",
    )
    bad_docx = folder / "hamar-9-brutt.docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", f"<w:document><w:body><w:p>{MARKER}</w:p>")
    bad_docx.write_bytes(buf.getvalue()[:-30])
    bad_header = folder / "hamar-9-hode.md"
    bad_header.write_text(
        f"---\ntitle: [unclosed\nparticipants: {MARKER}\n---\n\nRådmann: {MARKER}\n",
        encoding="utf-8",
    )
    return good, [bad_vtt, bad_docx, bad_header]


def _no_marker(text: str, where: str) -> None:
    for word in MARKER_WORDS:
        assert word not in text, f"transcript text leaked into {where}: {text[:500]}"


def test_database_and_wal_files_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "p" / "coder.sqlite"
    store = open_store(f"sqlite:///{db}")
    try:
        from coder.services.importing import import_files

        good, _ = _write_sources(tmp_path / "src")
        with store.session():
            import_files(store, [good])
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                assert path.exists(), path
                assert _mode(path) == 0o600, f"{path.name}: {oct(_mode(path))}"
    finally:
        store.dispose()


def test_import_with_verbose_logging_keeps_text_out_of_stderr(
    tmp_path: Path, cli_env: dict[str, str], python: str
) -> None:
    """The real console script, -v: errors name the bad files, never what is in them."""
    good, bad = _write_sources(tmp_path / "src")
    url = f"sqlite:///{tmp_path / 'coder.sqlite'}"
    out = subprocess.run(
        [python, "-m", "coder", "-v", "--db", url, "import", str(good.parent)],
        env=cli_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 1, out.stderr  # some files failed, the batch went on
    _no_marker(out.stderr, "stderr")
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    for path in bad:
        assert any(path.name in line for line in errors), (path.name, out.stderr)
    assert "INFO" in out.stderr or "imported" in out.stdout


def _commands() -> set[str]:
    names = {c.name for c in typer_app.registered_commands}
    names |= {g.name for g in typer_app.registered_groups}
    return {n for n in names if n}


def _run(argv: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    else:  # pragma: no cover - main always exits
        code = 0
    captured = capfd.readouterr()
    return code, captured.err


def test_every_output_is_owner_only_and_logs_hold_no_text(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    good, bad = _write_sources(tmp_path / "src")
    url = f"sqlite:///{tmp_path / 'coder.sqlite'}"
    base = ["-v", "--db", url, "--coder", "tester"]
    commands = _commands()
    stderr_all: list[str] = []

    code, err = _run([*base, "import", str(good.parent)], capfd)
    assert code == 1, err
    stderr_all.append(err)

    from coder.services.catalog import list_transcripts
    from coder.services.coding import code_segment
    from coder.store.transcripts import TranscriptRepo

    store = open_store(url)
    try:
        (info,) = list_transcripts(store, None)
        with store.session() as s:
            segs = TranscriptRepo(s).segments(info.id)
        code_segment(store, segs[1].id, "B5", "tester")
    finally:
        store.dispose()

    if "autocode" in commands:
        code, err = _run([*base, "autocode", "--all"], capfd)
        assert code == 0, err
        stderr_all.append(err)

    outputs: dict[str, list[str]] = {
        "backup.sqlite": ["db", "backup"],
        "codebook.yaml": ["codebook", "export", "--format", "yaml"],
        "codebook.md": ["codebook", "export", "--format", "md"],
    }
    if "export" in commands:
        outputs["project.qdpx"] = ["export", "qdpx"]
        outputs["codebook.qdc"] = ["codebook", "export", "--format", "qdc"]
    written: list[Path] = []
    for name, argv in outputs.items():
        path = tmp_path / "out" / name
        path.parent.mkdir(exist_ok=True)
        code, err = _run([*base, *argv, str(path)], capfd)
        assert code == 0, (name, err)
        stderr_all.append(err)
        written.append(path)
    if "quotes" in commands:
        for ext in ("docx", "xlsx", "csv", "md"):
            path = tmp_path / "out" / f"quotes.{ext}"
            code, err = _run([*base, "quotes", "--status", "all", "-o", str(path)], capfd)
            assert code == 0, (ext, err)
            stderr_all.append(err)
            written.append(path)
    if "report" in commands:
        path = tmp_path / "out" / "report.docx"
        code, err = _run([*base, "report", "--no-ner", "-o", str(path)], capfd)
        assert code == 0, err
        stderr_all.append(err)
        written.append(path)

    for path in written:
        assert path.is_file(), path
        assert _mode(path) == 0o600, f"{path.name}: {oct(_mode(path))}"
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    for err in stderr_all:
        _no_marker(err, "stderr")
    for record in caplog.records:
        _no_marker(record.getMessage(), f"log record {record.name}")
        if record.exc_info and record.exc_info[1] is not None:
            _no_marker(str(record.exc_info[1]), f"logged exception {record.name}")
