"""Crash safety: `coder import` and `coder autocode` killed with SIGKILL at random moments.

After every kill the database passes integrity_check and `coder db check`, holds no half-imported
transcript and no duplicated or partial suggestion batch, and a rerun reaches exactly the state
of an uninterrupted run. Iterations: CODER_CRASH_ITERATIONS, or 15/6 (25 each with CODER_SLOW=1).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bench_import import make_turns, write_docx, write_txt, write_vtt
from coder.services.importing import import_files
from coder.services.project import open_store
from coder.store.db import Store
from tests.reliability.crash import (
    CrashStats,
    SourceIndex,
    calibrate,
    check_transcripts_whole,
    coding_content,
    duplicate_natural_keys,
    has_schema,
    integrity,
    iterations,
    kill_points,
    run_and_kill,
    transcript_content,
)

SEED = 20261129
SLOW = bool(os.environ.get("CODER_SLOW"))


def make_corpus(folder: Path, n: int = 16, words: int = 1200) -> list[Path]:
    """n transcripts of about `words` words in .txt, .md, .vtt and .docx, each from its own seed."""
    folder.mkdir(parents=True, exist_ok=True)
    writers = [("txt", write_txt), ("md", write_txt), ("vtt", write_vtt), ("docx", write_docx)]
    files = []
    for i in range(n):
        ext, write = writers[i % len(writers)]
        path = folder / f"hamar-{i + 1:02d}.{ext}"
        write(make_turns(words, seed=SEED + i), path)
        files.append(path)
    return files


def _copy_db(src: Path, dest: Path) -> None:
    shutil.copyfile(src, dest)
    os.chmod(dest, 0o600)


def _report(name: str, stats: CrashStats, extra: dict[str, object]) -> None:
    data = {
        "harness": name,
        "iterations": stats.iterations,
        "killed_mid_run": stats.killed_mid_run,
        "finished_before_kill": stats.finished_before_kill,
        "distinct_partial_states": len(stats.partial_states),
        **extra,
    }
    sys.stderr.write(json.dumps(data) + "\n")
    out = os.environ.get("CODER_CRASH_REPORT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(data) + "\n")


def _db_check_cli(python: str, env: dict[str, str], url: str) -> None:
    out = subprocess.run(
        [python, "-m", "coder", "--db", url, "db", "check", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["ok"] is True


@pytest.mark.parametrize("heavy", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_import_survives_sigkill(
    tmp_path: Path, cli_env: dict[str, str], python: str, heavy: bool
) -> None:
    src = tmp_path / "src"
    files = make_corpus(src)
    sources = SourceIndex(files)
    ref_url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    store = open_store(ref_url)
    assert not import_files(store, [src]).failed
    store.dispose()
    reference = transcript_content(ref_url)
    assert len(reference) == len(files)

    template = tmp_path / "template.sqlite"
    open_store(f"sqlite:///{template}").dispose()
    calib = tmp_path / "calibrate.sqlite"
    _copy_db(template, calib)
    cmd = [python, "-m", "coder", "--db", f"sqlite:///{calib}", "import", str(src)]
    wal_bytes = calibrate(cmd, cli_env, calib)
    assert transcript_content(f"sqlite:///{calib}") == reference  # CLI run == service run

    n = iterations(25 if heavy else 15)
    stats = CrashStats()
    for i, (threshold, delay) in enumerate(kill_points(SEED + heavy, n, wal_bytes)):
        db = tmp_path / f"run{i}.sqlite"
        from_scratch = i % 4 == 3  # also kill during migration and codebook seeding
        if not from_scratch:
            _copy_db(template, db)
        url = f"sqlite:///{db}"
        cmd = [python, "-m", "coder", "--db", url, "import", str(src)]
        outcome = run_and_kill(cmd, cli_env, db, threshold, delay)
        stats.iterations += 1
        stats.killed_mid_run += outcome.killed
        stats.finished_before_kill += not outcome.killed

        assert integrity(db) == ["ok"], f"iteration {i}: integrity_check failed"
        if has_schema(db):
            st = Store(url, upgrade=False)
            try:
                assert st.check() == [], f"iteration {i}"
            finally:
                st.dispose()
            if i in (0, 1):
                _db_check_cli(python, cli_env, url)
            whole = check_transcripts_whole(url, sources)
        else:
            whole = -1  # killed before the schema transaction committed: an empty file
        stats.partial_states.add(whole)

        store = open_store(url)  # the rerun
        try:
            report = import_files(store, [src])
        finally:
            store.dispose()
        assert not report.failed, report.failed
        assert transcript_content(url) == reference, f"iteration {i}: rerun differs"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    _report("import", stats, {"files": len(files), "wal_bytes": wal_bytes})
    assert stats.killed_mid_run >= n // 2, "most kills should land while the import runs"
    assert len(stats.partial_states) >= 2, "kills should leave different committed states"


def _autocode_available() -> bool:
    try:
        import coder.services.autocode  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _autocode_available(), reason="coder.services.autocode not on this branch")
@pytest.mark.parametrize("heavy", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_autocode_survives_sigkill(
    tmp_path: Path, cli_env: dict[str, str], python: str, heavy: bool
) -> None:
    from coder.domain import PROJECT
    from coder.services.autocode import BATCH, autocode

    src = tmp_path / "src"
    make_corpus(src, n=3, words=7000)  # ~65 segments each: 2 batches
    template = tmp_path / "template.sqlite"
    store = open_store(f"sqlite:///{template}")
    assert not import_files(store, [src]).failed
    store.dispose()

    ref = tmp_path / "reference.sqlite"
    _copy_db(template, ref)
    store = open_store(f"sqlite:///{ref}")
    autocode(store, "tester")
    store.dispose()
    reference = coding_content(f"sqlite:///{ref}", PROJECT)
    assert reference, "the reference run stored no suggestions"

    calib = tmp_path / "calibrate.sqlite"
    _copy_db(template, calib)
    cmd = [python, "-m", "coder", "--db", f"sqlite:///{calib}", "autocode", "--all"]
    wal_bytes = calibrate(cmd, cli_env, calib)
    assert coding_content(f"sqlite:///{calib}", PROJECT) == reference

    n = iterations(25 if heavy else 6)
    stats = CrashStats()
    for i, (threshold, delay) in enumerate(kill_points(SEED + 7 + heavy, n, wal_bytes)):
        db = tmp_path / f"run{i}.sqlite"
        _copy_db(template, db)
        url = f"sqlite:///{db}"
        outcome = run_and_kill(
            [python, "-m", "coder", "--db", url, "autocode", "--all"],
            cli_env,
            db,
            threshold,
            delay,
        )
        stats.iterations += 1
        stats.killed_mid_run += outcome.killed
        stats.finished_before_kill += not outcome.killed
        assert integrity(db) == ["ok"]
        st = Store(url, upgrade=False)
        try:
            assert st.check() == []
        finally:
            st.dispose()
        assert duplicate_natural_keys(url) == 0
        got = coding_content(url, PROJECT)
        # committed work is whole batches: per transcript, segments [0, k*BATCH) equal the
        # reference and nothing beyond; at most one transcript is partly done
        partial = 0
        by_file: dict[str, int] = {}
        for name, ordinal in got:
            by_file[name] = max(by_file.get(name, -1), ordinal)
        for (name, ordinal), codes in reference.items():
            top = by_file.get(name)
            if top is None:
                continue
            bound = (top // BATCH + 1) * BATCH
            if ordinal < bound:
                assert got.get((name, ordinal)) == codes, f"iteration {i}: {name}#{ordinal}"
        for key, codes in got.items():
            assert reference.get(key) == codes, f"iteration {i}: unexpected suggestion {key}"
        for name in by_file:
            ref_keys = {k for k in reference if k[0] == name}
            if {k for k in got if k[0] == name} != ref_keys:
                partial += 1
        assert partial <= 1, f"iteration {i}: {partial} transcripts partly autocoded"
        stats.partial_states.add(len(got))

        store = open_store(url)
        try:
            autocode(store, "tester")
        finally:
            store.dispose()
        assert coding_content(url, PROJECT) == reference, f"iteration {i}: rerun differs"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    _report("autocode", stats, {"wal_bytes": wal_bytes})
    assert stats.killed_mid_run >= n // 2
    assert len(stats.partial_states) >= 2, "kills should leave different committed states"
