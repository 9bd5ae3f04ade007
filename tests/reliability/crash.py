"""Crash harness: run the real CLI, SIGKILL it at a seeded random point, then check the database.

Kill points are chosen by progress, not by the clock, so they spread over the work however
loaded the machine is: a calibration run records how large the SQLite write-ahead log grows;
each killed run is stopped once its log has reached a seeded random fraction of that size, plus
a seeded random delay of up to 50 ms so kills also land between commits (parsing, NLP).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from coder.ingest import read_transcript
from coder.ingest.draft import TranscriptDraft


@dataclass
class KillOutcome:
    wal_bytes: int  # size of the log when the kill was sent
    killed: bool  # False when the run had already finished
    returncode: int | None


@dataclass
class CrashStats:
    iterations: int = 0
    killed_mid_run: int = 0
    finished_before_kill: int = 0
    partial_states: set[Any] = field(default_factory=set)  # distinct committed states seen


def wal_path(db: Path) -> Path:
    return Path(f"{db}-wal")


def _wal_size(wal: Path) -> int:
    try:
        return wal.stat().st_size
    except FileNotFoundError:
        return 0


def run_and_kill(
    cmd: Sequence[str],
    env: dict[str, str],
    db: Path,
    threshold: int,
    delay: float,
    *,
    timeout: float = 600.0,
) -> KillOutcome:
    """Start `cmd`; once its WAL holds `threshold` bytes, sleep `delay` and SIGKILL it."""
    wal = wal_path(db)
    proc = subprocess.Popen(
        list(cmd), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    size = 0
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            size = _wal_size(wal)
            if size >= threshold:
                break
            time.sleep(0.002)
        if proc.poll() is None and delay:
            time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            return KillOutcome(size, True, proc.returncode)
        return KillOutcome(size, False, proc.returncode)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def calibrate(cmd: Sequence[str], env: dict[str, str], db: Path) -> int:
    """Run `cmd` to completion; the largest size its WAL reached (the scale for kill points)."""
    wal = wal_path(db)
    proc = subprocess.Popen(list(cmd), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    largest = 0
    while proc.poll() is None:
        largest = max(largest, _wal_size(wal))
        time.sleep(0.002)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise AssertionError(f"uninterrupted run failed ({proc.returncode}): {err}")
    assert largest > 0, "the calibration run never wrote to the WAL"
    return largest


def integrity(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def has_schema(db: Path) -> bool:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).fetchone()
            is not None
        )
    finally:
        conn.close()


class SourceIndex:
    """Fresh parses of the source files, keyed by content hash, to compare stored transcripts with."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.by_sha: dict[str, tuple[Path, TranscriptDraft]] = {}
        for f in files:
            draft = read_transcript(f)
            self.by_sha[draft.sha256] = (f, draft)


def check_transcripts_whole(url: str, sources: SourceIndex) -> int:
    """Every stored transcript has exactly the text, participants and segments of its file."""
    engine = create_engine(url, poolclass=NullPool)
    n = 0
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, sha256, text, source_name FROM transcripts")).all()
            for tid, sha, body, name in rows:
                assert sha in sources.by_sha, f"transcript {name} does not match any source file"
                path, draft = sources.by_sha[sha]
                assert body == draft.text, f"{path.name}: stored text differs"
                labels = sorted(
                    r[0]
                    for r in conn.execute(
                        text("SELECT label FROM participants WHERE transcript_id = :t"), {"t": tid}
                    )
                )
                assert labels == sorted(p.label for p in draft.participants), (
                    f"{path.name}: participants half-imported"
                )
                segs = conn.execute(
                    text(
                        "SELECT s.ordinal, s.start_offset, s.end_offset, p.label FROM segments s "
                        "LEFT JOIN participants p ON p.id = s.participant_id "
                        "WHERE s.transcript_id = :t ORDER BY s.ordinal"
                    ),
                    {"t": tid},
                ).all()
                want = [(s.ordinal, s.start, s.end, s.speaker) for s in draft.segments]
                assert [tuple(r) for r in segs] == want, f"{path.name}: segments half-imported"
                n += 1
            orphans = conn.execute(
                text(
                    "SELECT count(*) FROM segments WHERE transcript_id NOT IN "
                    "(SELECT id FROM transcripts)"
                )
            ).scalar_one()
            assert orphans == 0, f"{orphans} segments without a transcript"
    finally:
        engine.dispose()
    return n


def transcript_content(url: str) -> list[tuple[Any, ...]]:
    """What an import should produce, without ids or timestamps (comparable across runs)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            trs = conn.execute(
                text(
                    "SELECT t.id, c.name, t.source_name, t.sha256, t.title, t.text, t.version, "
                    "t.word_count, t.retired_at IS NULL FROM transcripts t "
                    "LEFT JOIN cases c ON c.id = t.case_id ORDER BY t.sha256"
                )
            ).all()
            out: list[tuple[Any, ...]] = []
            for tid, *facts in trs:
                parts = conn.execute(
                    text(
                        "SELECT label, display_name, role_group, role_title FROM participants "
                        "WHERE transcript_id = :t ORDER BY label"
                    ),
                    {"t": tid},
                ).all()
                segs = conn.execute(
                    text(
                        "SELECT ordinal, start_offset, end_offset, start_ms, end_ms FROM segments "
                        "WHERE transcript_id = :t ORDER BY ordinal"
                    ),
                    {"t": tid},
                ).all()
                out.append((tuple(facts), tuple(map(tuple, parts)), tuple(map(tuple, segs))))
            return out
    finally:
        engine.dispose()


def duplicate_natural_keys(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(*) FROM (SELECT segment_id, code_id, coder, span_key "
                        "FROM codings GROUP BY segment_id, code_id, coder, span_key "
                        "HAVING count(*) > 1) d"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def coding_content(url: str, coder: str) -> dict[tuple[str, int], dict[str, tuple[Any, ...]]]:
    """Suggestions per (transcript file, segment ordinal): code -> (status, relation, score, evidence)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT t.source_name, s.ordinal, c.code_id, c.status, c.relation, c.score, "
                    "c.evidence FROM codings c JOIN segments s ON s.id = c.segment_id "
                    "JOIN transcripts t ON t.id = s.transcript_id WHERE c.coder = :c"
                ),
                {"c": coder},
            ).all()
    finally:
        engine.dispose()
    out: dict[tuple[str, int], dict[str, tuple[Any, ...]]] = {}
    for name, ordinal, code, status, rel, score, evidence in rows:
        out.setdefault((name, ordinal), {})[code] = (status, rel, score, str(evidence))
    return out


def kill_points(seed: int, n: int, wal_bytes: int) -> list[tuple[int, float]]:
    """n (WAL size, extra delay) pairs: fractions 1-95 % of the calibrated log, delays 0-50 ms."""
    rng = random.Random(seed)
    return [
        (max(1, int(wal_bytes * rng.uniform(0.01, 0.95))), rng.uniform(0.0, 0.05)) for _ in range(n)
    ]


def iterations(default: int) -> int:
    if os.environ.get("CODER_CRASH_ITERATIONS"):
        return int(os.environ["CODER_CRASH_ITERATIONS"])
    return default
