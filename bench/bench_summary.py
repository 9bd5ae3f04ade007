"""Benchmark: `summary` over a million codings (target <= 1 s), and 10,000-quote DOCX/XLSX exports.

    PYTHONPATH=. python bench/bench_summary.py [--codings 1000000] [--db URL] [--quotes 10000]

Generates the corpus with bench.generate (fixed seed) unless --db points at one already filled,
then prints each timing and its ratio to the target. Timings are wall-clock on a shared machine:
run it twice and read the better figure.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.generate import generate_project
from coder.services import synthesis
from coder.services.codebook import project_codebook
from coder.services.project import open_store
from coder.store.models import Coding

SUMMARY_TARGET_S = 1.0


def _timed(fn, repeat: int = 3) -> tuple[float, float, float, object]:  # type: ignore[no-untyped-def]
    """Best and median wall time, best CPU time of this process, and the last result.

    On a shared machine the wall time includes waiting for a CPU; the CPU time is what the
    work costs, i.e. the wall time on an idle machine (the database file is in the page cache).
    """
    times, cpu, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return min(times), statistics.median(times), min(cpu), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--codings", type=int, default=1_000_000)
    ap.add_argument("--db", help="database URL (default: a new SQLite file in a temp folder)")
    ap.add_argument("--quotes", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="coder-bench-"))
    url = args.db or f"sqlite:///{tmp / 'bench.sqlite'}"
    store = open_store(url)
    with store.session() as s:
        have = s.scalar(select(func.count()).select_from(Coding)) or 0
    store.dispose()
    if have == 0:
        made = generate_project(url, codings=args.codings, seed=args.seed)
        print(
            f"generated {made.codings:,} codings on {made.segments:,} segments in "
            f"{made.transcripts} transcripts in {made.seconds:.1f} s"
        )
    else:
        print(f"using {have:,} codings already in the database")

    store = open_store(url)
    cb = project_codebook(store)
    print(f"backend: {store.dialect}")
    if store.dialect != "sqlite":
        print("(cpu counts this process only, not the database server: read the wall times)")
    for label, kwargs in (
        ("summary --by relation --level question (accepted)", {}),
        ("summary --status all", {"status": "all"}),
        ("summary --by case --level item", {"by": "case", "level": "item"}),
        ("summary --by role --level section", {"by": "role", "level": "section"}),
    ):
        best, median, cpu, result = _timed(
            lambda kw=kwargs: synthesis.summary(store, codebook=cb, **kw)
        )
        total = sum(r.total.codings for r in result.relations.values())  # type: ignore[attr-defined]
        print(
            f"{label:<52} wall best {best:6.3f} s (median {median:6.3f})  cpu {cpu:6.3f} s  "
            f"cpu/target {cpu / SUMMARY_TARGET_S:4.2f}  ({total:,} codings)"
        )

    if store.dialect == "sqlite":
        env_url = url
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "coder", "--db", env_url, "summary", "--format", "json"],
            capture_output=True,
            check=False,
        )
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        child_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(
            f"{'CLI `coder summary --format json` (whole process)':<52} wall {wall:6.3f} s  "
            f"cpu {child_cpu:6.3f} s  (exit {proc.returncode}; includes start-up and imports)"
        )

    t0, c0 = time.perf_counter(), time.process_time()
    quotes = synthesis.quotes(store, status="all", limit=args.quotes)
    print(
        f"select {len(quotes):,} quotes{'':<34} wall {time.perf_counter() - t0:6.3f} s  "
        f"cpu {time.process_time() - c0:6.3f} s"
    )
    from coder.export.quotes import write_quotes

    for fmt in ("docx", "xlsx"):
        target = tmp / f"quotes.{fmt}"
        t0, c0 = time.perf_counter(), time.process_time()
        write_quotes(quotes, target, fmt, force=True)
        print(
            f"export {len(quotes):,} quotes as {fmt:<31} wall {time.perf_counter() - t0:6.3f} s  "
            f"cpu {time.process_time() - c0:6.3f} s  ({target.stat().st_size / 1e6:.1f} MB)"
        )
    store.dispose()
    print(f"files in {tmp}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
