"""Autocoding a generated 1,000,000-word corpus: wall time, words/s and the process's peak memory.

The CLI (`python -m coder autocode --all`) runs as a child process so its peak RSS is its own
(wait4 rusage); the corpus is imported first through the import service. Target: <= 1 GB.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tempfile
from pathlib import Path

from bench.common import Result, child_env, run_child, skipped
from bench.corpus import write_corpus

LIMIT_MB = 1024.0


def run(scale: str = "full") -> list[Result]:
    if importlib.util.find_spec("coder.services.autocode") is None:
        return [skipped("autocode 1,000,000 words", "coder.services.autocode not on this branch")]
    from coder.services.importing import import_files
    from coder.services.project import open_store

    files, per_file = (100, 10_000) if scale == "full" else (2, 1_500)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        write_corpus(src, files, per_file)
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        store = open_store(url)
        report = import_files(store, [src])
        store.dispose()
        words = sum(o.words for o in report.outcomes)
        run_ = run_child(
            [sys.executable, "-m", "coder", "--db", url, "autocode", "--all", "--json"],
            env=child_env(),
        )
        if run_.returncode != 0:
            tail = (run_.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"coder autocode exited {run_.returncode}: {tail}")
        try:
            rep = json.loads(run_.stdout)
        except ValueError:
            rep = {}
    stored = rep.get("stored", "?") if isinstance(rep, dict) else "?"
    pipeline = rep.get("pipeline", "") if isinstance(rep, dict) else ""
    name = f"autocode {words:,} words ({files} transcripts)"
    return [
        Result(
            f"{name}: time",
            run_.seconds,
            "s",
            note=f"CPU {run_.cpu_seconds:.0f} s; {stored} suggestions; pipeline {pipeline or '?'}",
        ),
        Result(f"{name}: speed", words / run_.seconds, "words/s", note="wall clock, whole CLI run"),
        Result(
            f"{name}: peak memory",
            run_.peak_rss_mb,
            "MB",
            baseline=LIMIT_MB,
            baseline_label="limit 1 GB",
            target="<= 1 GB",
            passed=run_.peak_rss_mb <= LIMIT_MB,
            note="peak RSS of the CLI process (wait4)",
        ),
    ]
