"""What every benchmark returns (Result rows), machine facts, and measuring a child process."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCALES = ("full", "smoke")
PG_URL: dict[str, str] = {}  # set by `python -m bench --pg-url`


@dataclass(frozen=True, slots=True)
class Result:
    """One figure: `ratio` is figure/baseline (or figure/target when there is no baseline)."""

    benchmark: str
    figure: float | None
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.figure is None or not self.baseline:
            return None
        return self.figure / self.baseline

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def skipped(benchmark: str, why: str) -> Result:
    return Result(benchmark, None, "", note=f"skipped: {why}")


@dataclass(frozen=True, slots=True)
class ChildRun:
    seconds: float
    peak_rss_mb: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str


def run_child(
    cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> ChildRun:
    """Run a command; wall time, its own peak RSS and CPU time from wait4 (not other children's)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    out, err = "", ""
    # communicate() would reap the child; read the pipes, then wait4 for its rusage.
    assert proc.stdout is not None and proc.stderr is not None
    import threading

    chunks: dict[str, str] = {}

    def drain(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    threads = [
        threading.Thread(target=drain, args=("out", proc.stdout)),
        threading.Thread(target=drain, args=("err", proc.stderr)),
    ]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = chunks.get("out", ""), chunks.get("err", "")
    return ChildRun(
        seconds=time.perf_counter() - start,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        returncode=proc.returncode,
        stdout=out,
        stderr=err,
    )


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("CODER_NAME", "bench")
    env.update(extra)
    return env


def pg_version(url: str | None) -> str:
    if not url:
        return "not measured (no --pg-url / CODER_TEST_PG_ADMIN_URL)"
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar_one())
        engine.dispose()
        return version
    except Exception as exc:  # a benchmark report notes the problem instead of failing
        return f"unreachable ({type(exc).__name__})"


def machine_info(pg_url: str | None) -> dict[str, str]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "load average (1/5/15 min)": " / ".join(f"{x:.1f}" for x in load),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version(pg_url),
        "platform": platform.platform(),
    }
