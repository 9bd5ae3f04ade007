"""One coder's session for the concurrency test, run in a spawned process (no pytest inside)."""

from __future__ import annotations

import random
from typing import Any

from coder.domain import CodingStatus
from coder.errors import ConflictError
from coder.services import catalog, coding
from coder.store.db import Store

SHARED_CODER = "team"  # a name several processes decide as, to make them collide on purpose


def plan(process: int, work: dict[str, Any]) -> list[tuple[str, Any]]:
    """This process's operations in a fixed random order, each with a distinct natural key."""
    ops: list[tuple[str, Any]] = [("code", key) for key in work["code"]]
    ops += [("accept", cid) for cid in work["accept"]]
    ops += [("reject", cid) for cid in work["reject"]]
    ops += [("memo", (seg, f"c{process}-memo-{k}")) for k, seg in enumerate(work["memo"])]
    ops += [("contend", seg) for seg in work["contend"]]
    random.Random(process).shuffle(ops)
    return ops


def contend(store: Store, segment_id: int) -> int:
    """Flip the shared coding on a segment, retrying on conflicts; returns the retries needed."""
    retries = 0
    while True:
        (row,) = catalog.segment_codings(store, segment_id, coder=SHARED_CODER)
        flip = (
            coding.reject_suggestion
            if row.status is CodingStatus.ACCEPTED
            else coding.accept_suggestion
        )
        try:
            flip(store, row.id, SHARED_CODER, expected_version=row.version)
            return retries
        except ConflictError:
            retries += 1


def run(url: str, process: int, work: dict[str, Any], barrier: Any, results: Any) -> None:
    """Do every operation in its own transaction; report counts back through `results`."""
    store = Store(url, upgrade=False)
    me = f"c{process}"
    done = {"code": 0, "accept": 0, "reject": 0, "memo": 0, "contend": 0, "retries": 0}
    flips: dict[int, int] = {}
    try:
        barrier.wait(timeout=120)
        for kind, arg in plan(process, work):
            if kind == "code":
                coding.code_segment(store, arg[0], arg[1], me)
            elif kind == "accept":
                coding.accept_suggestion(store, arg, me, expected_version=1)
            elif kind == "reject":
                coding.reject_suggestion(store, arg, me, expected_version=1)
            elif kind == "memo":
                coding.add_memo(store, me, arg[1], segment_id=arg[0])
            else:
                done["retries"] += contend(store, arg)
                flips[arg] = flips.get(arg, 0) + 1
            done[kind] += 1
        results.put((process, done, flips, None))
    except Exception as exc:  # report, so the test fails with the reason instead of hanging
        results.put((process, done, flips, f"{type(exc).__name__}: {exc}"))
    finally:
        store.dispose()
