"""Several coders on one transcript at once lose nothing: every operation lands exactly once.

Each process codes, accepts, rejects and writes memos with its own natural keys, and all of
them also flip a few shared codings with `expected_version`, retrying on ConflictError; the
shared codings' version counters must then equal the number of successful flips (a lost update
would leave the counter short).
"""

from __future__ import annotations

import multiprocessing
import queue
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import func, select

from coder.domain import CodingStatus
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.models import Action, Coding, Memo
from tests.team import concurrency_worker
from tests.team.conftest import add_transcript

OPS = {"code": 250, "accept": 100, "reject": 100, "memo": 30, "contend": 20}  # 500 per process
CODES = ["A1", "A1a", "A1b", "A2", "B5", "B5a", "B5b", "REL.ceo", "T.tillit"]
SEGMENTS = 60
SHARED = 3  # shared codings every process flips


def _setup(store: Store, processes: int) -> tuple[list[int], list[dict[str, Any]]]:
    turns = [
        ("Rådmann" if i % 2 else "Rektor", f"Innlegg nummer {i} om stab og støtte.")
        for i in range(SEGMENTS)
    ]
    segs = add_transcript(store, "samtidig.txt", turns)
    keys = [(s, c) for s in segs for c in CODES]  # 540 keys: codes and suggestions never overlap
    work: list[dict[str, Any]] = []
    with store.session() as s:
        repo = CodingRepo(s)
        for p in range(processes):
            me = f"c{p}"
            coded = keys[: OPS["code"]]
            suggested = keys[OPS["code"] : OPS["code"] + OPS["accept"] + OPS["reject"]]
            ids = []
            for seg, code in suggested:
                row, _ = repo.upsert_suggestion(
                    seg, code, me, score=0.5, evidence=[], relation=None
                )
                s.flush()
                ids.append(row.id)
            work.append(
                {
                    "code": coded,
                    "accept": ids[: OPS["accept"]],
                    "reject": ids[OPS["accept"] :],
                    "memo": [segs[k % SEGMENTS] for k in range(OPS["memo"])],
                    "contend": [segs[k % SHARED] for k in range(OPS["contend"])],
                }
            )
        for seg in segs[:SHARED]:
            repo.upsert_suggestion(
                seg, "A1", concurrency_worker.SHARED_CODER, score=0.5, evidence=[], relation=None
            )
    return segs, work


def _run_all(
    url: str, work: list[dict[str, Any]]
) -> list[tuple[int, dict[str, int], dict[int, int]]]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(work))
    results = ctx.Queue()
    procs = [
        ctx.Process(target=concurrency_worker.run, args=(url, p, w, barrier, results))
        for p, w in enumerate(work)
    ]
    for proc in procs:
        proc.start()
    out = []
    try:
        for _ in procs:
            process, done, flips, error = results.get(timeout=600)
            assert error is None, f"process {process} failed: {error}"
            out.append((process, done, flips))
    except queue.Empty:
        pytest.fail("a coder process never reported back")
    finally:
        for proc in procs:
            proc.join(timeout=30)
            if proc.is_alive():
                proc.kill()
    return out


def _check(store: Store, segs: list[int], work: list[dict[str, Any]], reports) -> None:  # type: ignore[no-untyped-def]
    n = len(work)
    for _process, done, _flips in reports:
        assert done == {**OPS, "retries": done["retries"]}
    with store.session() as s:
        for p, w in enumerate(work):
            me = f"c{p}"
            rows = s.execute(
                select(Coding.segment_id, Coding.code_id, Coding.status, Coding.origin).where(
                    Coding.coder == me
                )
            ).all()
            manual = Counter((r.segment_id, r.code_id) for r in rows if r.origin == "manual")
            assert manual == Counter(w["code"])  # every coding exactly once
            status = {
                cid: st
                for cid, st in s.execute(select(Coding.id, Coding.status).where(Coding.coder == me))
            }
            assert all(status[c] == CodingStatus.ACCEPTED.value for c in w["accept"])
            assert all(status[c] == CodingStatus.REJECTED.value for c in w["reject"])
            memos = Counter(s.scalars(select(Memo.text).where(Memo.author == me)).all())
            assert memos == Counter(f"{me}-memo-{k}" for k in range(OPS["memo"]))
            kinds = Counter(s.scalars(select(Action.kind).where(Action.coder == me)).all())
            assert kinds == Counter(
                {
                    "code": OPS["code"],
                    "accept": OPS["accept"],
                    "reject": OPS["reject"],
                    "memo": OPS["memo"],
                }
            )
        total = s.scalar(select(func.count()).select_from(Coding))
        assert total == n * (OPS["code"] + OPS["accept"] + OPS["reject"]) + SHARED
        # The shared codings: each successful flip bumped the version exactly once.
        flips = Counter()
        for _process, _done, f in reports:
            flips.update(f)
        versions = dict(
            s.execute(
                select(Coding.segment_id, Coding.version).where(
                    Coding.coder == concurrency_worker.SHARED_CODER
                )
            ).all()
        )
        assert sum(flips.values()) == n * OPS["contend"]
        assert versions == {seg: 1 + flips[seg] for seg in segs[:SHARED]}
        team_actions = s.scalar(
            select(func.count()).where(Action.coder == concurrency_worker.SHARED_CODER)
        )
        assert team_actions == n * OPS["contend"]


@pytest.mark.slow
def test_concurrent_coders_lose_nothing(team_store: Store) -> None:
    processes = 8 if team_store.dialect == "postgresql" else 4
    segs, work = _setup(team_store, processes)
    reports = _run_all(team_store.url, work)
    _check(team_store, segs, work, reports)
    retries = sum(done["retries"] for _p, done, _f in reports)
    print(f"{team_store.dialect}: {processes} x 500 operations, {retries} conflict retries")
