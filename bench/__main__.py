"""`python -m bench`: run every benchmark, print the table, write bench/results.md.

Protocol: a benchmark is a function `run(scale: str = "full") -> list[Result]` registered in
BENCHMARKS below; "smoke" runs it on tiny input (tests/bench keeps them from rotting).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.common import PG_URL, ROOT, SCALES, Result, machine_info

RunFn = Callable[[str], list[Result]]


def _lazy(module: str, func: str = "run") -> RunFn:
    def run(scale: str) -> list[Result]:
        import importlib

        return getattr(importlib.import_module(module), func)(scale)

    return run


BENCHMARKS: dict[str, RunFn] = {
    "import": _lazy("bench.adapters", "run_import"),
    "nlp": _lazy("bench.adapters", "run_nlp"),
    "tagging": _lazy("bench.adapters", "run_tagging"),
    "autocode": _lazy("bench.bench_autocode"),
    "sqlite-sync": _lazy("bench.bench_sqlite_sync"),
    "summary": _lazy("bench.adapters", "run_summary"),
    "tui": _lazy("bench.adapters", "run_tui"),
    "qc": _lazy("bench.bench_qc"),
}


def run_all(
    names: list[str], scale: str, after_each: Callable[[list[Result]], None] | None = None
) -> list[Result]:
    """Run the benchmarks in order; `after_each` sees the rows so far (to write them as we go)."""
    results: list[Result] = []
    for name in names:
        started = time.perf_counter()
        print(f"[bench] {name} ({scale}) ...", file=sys.stderr, flush=True)
        try:
            rows = BENCHMARKS[name](scale)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc(file=sys.stderr)
            rows = [Result(name, None, "", note=f"error: {type(exc).__name__}: {exc}")]
        results.extend(rows)
        if after_each is not None:
            after_each(results)
        print(
            f"[bench] {name}: {len(rows)} figures in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return results


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def render(results: list[Result], info: dict[str, str], scale: str) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench --scale {scale}` (see bench/README.md). Ratios compare two",
        "figures measured in the same run, so they travel between machines better than raw speeds.",
        "",
        "| machine | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
        "| benchmark | figure | unit | baseline | ratio | target | result | note |",
        "|---|---:|---|---|---:|---|---|---|",
    ]
    for r in results:
        base = f"{_fmt(r.baseline)} ({r.baseline_label})" if r.baseline else r.baseline_label
        verdict = {True: "pass", False: "FAIL", None: "–"}[r.passed]
        ratio = "–" if r.ratio is None else f"{r.ratio:.3g}"
        note = r.note.replace("|", "/")
        lines.append(
            f"| {r.benchmark} | {_fmt(r.figure)} | {r.unit} | {base} | {ratio} | {r.target} | {verdict} | {note} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=SCALES, default="full")
    ap.add_argument("--only", nargs="*", choices=list(BENCHMARKS), help="Run only these.")
    ap.add_argument("--skip", nargs="*", choices=list(BENCHMARKS), default=[])
    ap.add_argument(
        "--pg-url",
        default=os.environ.get("CODER_BENCH_PG_URL") or os.environ.get("CODER_TEST_PG_ADMIN_URL"),
        help="PostgreSQL server where databases may be created (default $CODER_TEST_PG_ADMIN_URL).",
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    ap.add_argument("--json", action="store_true", help="Print the results as JSON on stdout.")
    args = ap.parse_args(argv)
    if args.pg_url:
        PG_URL["url"] = args.pg_url
    names = [n for n in (args.only or list(BENCHMARKS)) if n not in args.skip]
    info = machine_info(args.pg_url)
    to_file = bool(args.out) and str(args.out) != "-"

    def write(rows: list[Result]) -> None:  # after every benchmark: a long run keeps its figures
        if to_file:
            args.out.write_text(render(rows, info, args.scale), encoding="utf-8")

    results = run_all(names, args.scale, write)
    text = render(results, info, args.scale)
    if to_file:
        args.out.write_text(text, encoding="utf-8")
        print(f"[bench] wrote {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps({"machine": info, "results": [r.to_json() for r in results]}, indent=2))
    else:
        print(text)
    return 1 if any(r.note.startswith("error") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
