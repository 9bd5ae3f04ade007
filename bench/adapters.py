"""Adapters for the benchmark scripts other packages own: run each, turn its figures into Results.

Those scripts print human-readable lines; the adapters run them as subprocesses with a size fit
for the scale and read the figures with the patterns below. A changed print format shows up as a
failing smoke test (tests/bench), not as a silently wrong table.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from pathlib import Path

from bench.common import PG_URL, ROOT, Result, child_env, run_child, skipped

NUM = r"([\d][\d,]*\.?\d*)"


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _script(name: str) -> Path | None:
    path = ROOT / "bench" / name
    return path if path.is_file() else None


def _run_script(name: str, args: list[str]) -> str:
    path = _script(name)
    assert path is not None
    run = run_child([sys.executable, str(path), *args], env=child_env(), cwd=ROOT)
    if run.returncode != 0:
        tail = run.stderr.strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"{name} exited {run.returncode}: {tail[0]}")
    return run.stdout


def _raw_split_speed(path: Path, repeats: int = 3) -> float:
    """Words/s of reading the file and splitting on whitespace: the floor any importer pays."""
    best = float("inf")
    words = 0
    for _ in range(repeats):
        t = time.perf_counter()
        words = len(path.read_bytes().decode("utf-8").split())
        best = min(best, time.perf_counter() - t)
    return words / best


def run_import(scale: str = "full") -> list[Result]:
    """Import throughput (read_transcript) for .txt, .docx and .vtt; baseline: read + str.split."""
    from bench.bench_import import bench, make_turns, write_docx, write_txt, write_vtt

    words = 1_000_000 if scale == "full" else 3_000
    turns = make_turns(words)
    out: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "bench.txt"
        write_txt(turns, base)
        raw = _raw_split_speed(base)
        for ext, write in (("txt", write_txt), ("docx", write_docx), ("vtt", write_vtt)):
            path = Path(tmp) / f"bench.{ext}"
            write(turns, path)
            seconds, n_words, segments = bench(path, 1 if ext == "docx" or scale != "full" else 3)
            out.append(
                Result(
                    f"import .{ext} ({n_words:,} words, {segments:,} segments)",
                    n_words / seconds,
                    "words/s",
                    baseline=raw,
                    baseline_label="read file + str.split",
                )
            )
    return out


def run_nlp(scale: str = "full") -> list[Result]:
    if _script("bench_nlp.py") is None:
        return [skipped("NLP pipeline words/s", "bench/bench_nlp.py not on this branch")]
    args = ["--repeat", "3" if scale == "full" else "1"]
    with tempfile.TemporaryDirectory() as tmp:
        if scale != "full":  # the first 60 speaker turns of the script's default text
            default = ROOT.parent / "shared/realdata/parlamint-no"
            found = sorted(default.glob("*.speaker_turns.txt"))
            if found:
                small = Path(tmp) / "turns.txt"
                lines = found[0].read_text("utf-8").splitlines()[:60]
                small.write_text("\n".join(lines) + "\n", "utf-8")
                args += ["--text", str(small)]
        text = _run_script("bench_nlp.py", args)
    speed = re.search(rf"speed\s+{NUM} words per CPU-second", text)
    wall = re.search(rf"wall\s+{NUM} words/s", text)
    if not speed:
        raise RuntimeError("bench_nlp.py printed no 'speed' line")
    figure = _num(speed.group(1))
    return [
        Result(
            "NLP pipeline (tagging components)",
            figure,
            "words/CPU-s",
            baseline=10_000.0,
            baseline_label="target 10,000 words/s per core",
            target=">= 1.0 x target",
            passed=figure >= 10_000,
            note=f"wall {wall.group(1)} words/s" if wall else "",
        )
    ]


def run_tagging(scale: str = "full") -> list[Result]:
    if _script("bench_tagging.py") is None:
        return [skipped("suggestion throughput", "bench/bench_tagging.py not on this branch")]
    words = "100000" if scale == "full" else "2000"
    text = _run_script("bench_tagging.py", ["--words", words])
    raw = re.search(rf"raw nlp\.pipe:\s+{NUM} s\s+{NUM} words/s", text)
    tagged = re.search(rf"parse \+ tagging:\s+{NUM} s\s+{NUM} words/s", text)
    if not raw or not tagged:
        raise RuntimeError("bench_tagging.py output has no raw/tagging lines")
    figure, base = _num(tagged.group(2)), _num(raw.group(2))
    wall = re.search(r"wall clock: .*ratio ([0-9.]+)", text)
    return [
        Result(
            f"suggestions (parse + tagging, {int(words):,} words)",
            figure,
            "words/s",
            baseline=base,
            baseline_label="raw nlp.pipe, same pipeline, CPU time",
            target="ratio >= 0.80",
            passed=figure / base >= 0.8,
            note=f"wall-clock ratio {wall.group(1)}" if wall else "",
        )
    ]


def run_tui(scale: str = "full") -> list[Result]:
    if _script("bench_tui.py") is None:
        return [skipped("TUI open and keystrokes", "bench/bench_tui.py not on this branch")]
    words = "50000" if scale == "full" else "1500"
    text = _run_script("bench_tui.py", ["--words", words])
    out: list[Result] = []
    first = re.search(rf"first Coding screen: (?:wall )?{NUM} ms(?:, cpu {NUM} ms)?", text)
    if not first:
        raise RuntimeError("bench_tui.py printed no first-screen line")
    ms = _num(first.group(1))
    cpu = f"CPU {first.group(2)} ms; " if first.group(2) else ""
    out.append(
        Result(
            f"TUI: open a {int(words):,}-word transcript",
            ms,
            "ms",
            baseline=500.0,
            baseline_label="target 500 ms",
            target="<= 500 ms",
            passed=ms <= 500,
            note=f"{cpu}request to rendered frame",
        )
    )
    pattern = rf"keystroke (\w+)\s*: median (?:wall )?{NUM} ms(?:, cpu {NUM} ms)?"
    for name, med, med_cpu in re.findall(pattern, text):
        value = _num(med)
        out.append(
            Result(
                f"TUI keystroke '{name}' (median)",
                value,
                "ms",
                baseline=50.0,
                baseline_label="target 50 ms",
                target="<= 50 ms",
                passed=value <= 50,
                note=(f"CPU {med_cpu} ms; " if med_cpu else "") + "key event to rendered frame",
            )
        )
    return out


SUMMARY_LINE = re.compile(
    rf"^(?P<label>(?:summary|CLI|select|export) .*?)\s+wall(?: best)?\s+{NUM} s.*?cpu\s+{NUM} s(?P<rest>.*)$"
)


def _summary_rows(text: str, backend: str) -> list[Result]:
    out: list[Result] = []
    for line in text.splitlines():
        m = SUMMARY_LINE.match(line.strip())
        if not m:
            continue
        label = re.sub(r"\s+", " ", m.group("label")).strip()
        wall, cpu = _num(m.group(2)), _num(m.group(3))
        if label.startswith("summary"):
            out.append(
                Result(
                    f"{label} [{backend}]",
                    wall,
                    "s",
                    baseline=1.0,
                    baseline_label="target 1 s",
                    target="<= 1 s",
                    passed=wall <= 1.0,
                    note=f"CPU of this process {cpu:.3f} s",
                )
            )
        else:
            out.append(Result(f"{label} [{backend}]", wall, "s", note=f"CPU {cpu:.3f} s"))
    return out


def run_summary(scale: str = "full") -> list[Result]:
    """The analysis package's bench_summary.py on SQLite and, with --pg-url, on PostgreSQL."""
    if _script("bench_summary.py") is None:
        return [
            skipped("summary over 1,000,000 codings", "bench/bench_summary.py not on this branch")
        ]
    codings, quotes = ("1000000", "10000") if scale == "full" else ("3000", "50")
    args = ["--codings", codings, "--quotes", quotes]
    out = _summary_rows(_run_script("bench_summary.py", args), "SQLite")
    if not out:
        raise RuntimeError("bench_summary.py printed no figures")
    pg = PG_URL.get("url")
    if not pg:
        out.append(skipped("summary [PostgreSQL]", "no --pg-url / CODER_TEST_PG_ADMIN_URL"))
        return out
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"coder_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(pg).set(database=name).render_as_string(hide_password=False)
        out += _summary_rows(_run_script("bench_summary.py", [*args, "--db", url]), "PostgreSQL")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return out
