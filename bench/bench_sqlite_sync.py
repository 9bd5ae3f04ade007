"""What synchronous=FULL costs against NORMAL (both in WAL mode) on import and on autocode's writes.

Import commits once per file; autocode commits once per 50 segments. Both are timed on the same
generated corpus with each setting; the ratio FULL/NORMAL is the price of surviving power loss.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.common import Result
from bench.corpus import write_corpus

BATCH = 50
DECISIONS = 100


def _store(url: str, mode: str) -> Any:
    from coder.services.project import open_store

    store = open_store(url)
    store.engine.dispose()

    def set_mode(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA synchronous={mode}")
        cur.close()

    event.listen(store.engine, "connect", set_mode)
    with store.engine.connect() as conn:
        got = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    assert got == {"FULL": 2, "NORMAL": 1}[mode], got
    return store


def _suggestion_batches(store: Any) -> int:
    """Autocode's write pattern: two suggestions per segment, one transaction per 50 segments."""
    from coder.domain import Relation
    from coder.store.codings import CodingRepo
    from coder.store.transcripts import TranscriptRepo

    commits = 0
    with store.session() as s:
        repo = TranscriptRepo(s)
        seg_ids = [seg.id for t in repo.list_transcripts() for seg in repo.segments(t.id)]
    for i in range(0, len(seg_ids), BATCH):
        with store.session() as s:
            codings = CodingRepo(s)
            for sid in seg_ids[i : i + BATCH]:
                codings.upsert_suggestion(
                    sid, "B5", "bench", score=0.6, evidence=["rådmannen"], relation=Relation.CEO
                )
                codings.upsert_suggestion(
                    sid, "C13", "bench", score=0.4, evidence=["budsjett"], relation=None
                )
        commits += 1
    return commits


def _decisions(store: Any, n: int) -> float:
    """Seconds per accept: the interactive path, one small transaction (and undo record) each."""
    from sqlalchemy import select

    from coder.services.coding import accept_suggestion
    from coder.store.models import Coding

    with store.session() as s:
        ids = list(s.scalars(select(Coding.id).order_by(Coding.id).limit(n)))
    t = time.perf_counter()
    for cid in ids:
        accept_suggestion(store, cid, "bench")
    return (time.perf_counter() - t) / max(len(ids), 1)


def _measure(folder: Path, src: Path, mode: str) -> tuple[float, float, float, int, int]:
    from coder.services.importing import import_files

    store = _store(f"sqlite:///{folder / f'{mode}.sqlite'}", mode)
    try:
        t = time.perf_counter()
        report = import_files(store, [src])
        t_import = time.perf_counter() - t
        assert not report.failed
        t = time.perf_counter()
        commits = _suggestion_batches(store)
        t_codes = time.perf_counter() - t
        t_decide = _decisions(store, DECISIONS)
    finally:
        store.dispose()
    return t_import, t_codes, t_decide, len(report.outcomes), commits


def run(scale: str = "full") -> list[Result]:
    files, per_file = (40, 5_000) if scale == "full" else (3, 400)
    rounds = 2 if scale == "full" else 1
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        write_corpus(src, files, per_file, seed=77)
        best: dict[str, list[float]] = {}
        n_files = commits = 0
        for r in range(rounds):
            for mode in ("FULL", "NORMAL") if r % 2 == 0 else ("NORMAL", "FULL"):
                folder = Path(tmp) / f"{mode}-{r}"
                folder.mkdir()
                ti, tc, td, n_files, commits = _measure(folder, src, mode)
                prev = best.get(mode, [float("inf")] * 3)
                best[mode] = [min(prev[0], ti), min(prev[1], tc), min(prev[2], td)]
    full, normal = best["FULL"], best["NORMAL"]
    return [
        Result(
            f"import {n_files} files, synchronous=FULL",
            full[0],
            "s",
            baseline=normal[0],
            baseline_label="same with synchronous=NORMAL",
            target="ratio <= 1.5",
            passed=full[0] / normal[0] <= 1.5,
            note=f"NORMAL {normal[0]:.2f} s; one commit per file",
        ),
        Result(
            f"autocode-style writes, {commits} commits of {BATCH} segments, synchronous=FULL",
            full[1],
            "s",
            baseline=normal[1],
            baseline_label="same with synchronous=NORMAL",
            target="ratio <= 1.5",
            passed=full[1] / normal[1] <= 1.5,
            note=f"NORMAL {normal[1]:.2f} s",
        ),
        Result(
            "one accept decision (own transaction), synchronous=FULL",
            full[2] * 1000,
            "ms",
            baseline=normal[2] * 1000,
            baseline_label="same with synchronous=NORMAL",
            target="<= 50 ms (a keystroke)",
            passed=full[2] <= 0.05,
            note=f"NORMAL {normal[2] * 1000:.1f} ms; best of the runs",
        ),
    ]
