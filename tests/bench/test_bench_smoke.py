"""Every benchmark runs on tiny input (scale "smoke") and returns well-formed Result rows.

Timings are never asserted: this only keeps the benchmark code from rotting.
"""

from __future__ import annotations

import math

import pytest

from bench.__main__ import BENCHMARKS, render, run_all
from bench.common import Result, machine_info


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_benchmark_smoke(name: str) -> None:
    results = run_all([name], "smoke")
    assert results, name
    for r in results:
        assert isinstance(r, Result)
        assert r.benchmark
        assert not r.note.startswith("error"), r.note
        if r.figure is None:
            assert r.note.startswith("skipped:"), r
            continue
        assert math.isfinite(r.figure) and r.figure > 0, r
        assert r.unit
        if r.baseline is not None:
            assert r.baseline > 0 and r.ratio == pytest.approx(r.figure / r.baseline)
        if r.passed is not None:
            assert r.target, "a pass/fail verdict needs a stated target"


def test_results_table_lists_every_row() -> None:
    rows = [
        Result("import .txt", 120_000.0, "words/s", baseline=1e6, baseline_label="split"),
        Result("peak memory", 300.0, "MB", baseline=1024.0, target="<= 1 GB", passed=True),
        Result("qc", None, "", note="skipped: qc not installed"),
    ]
    info = machine_info(None)
    text = render(rows, info, "smoke")
    for r in rows:
        assert f"| {r.benchmark} |" in text
    assert "| 0.293 |" in text and "| pass |" in text
    assert f"| python | {info['python']} |" in text
    assert "| cpus |" in text and "| sqlite |" in text and "| postgresql |" in text
