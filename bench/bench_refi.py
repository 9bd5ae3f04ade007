"""REFI-QDA benchmark: export and re-import time of a synthetic project (SQLite).

Run from the repository root: `PYTHONPATH=. python bench/bench_refi.py [--transcripts N] [--turns M]`.
Builds N transcripts of M speaker turns each (fixed seed), codes about a third of the turns with
guide codes (some as spans, some with a relation), exports .qdpx, imports it into an empty
project, and prints times and rates.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from coder.domain import CodingOrigin, CodingStatus, Relation, RoleGroup
from coder.export.refi_export import export_qdpx
from coder.export.refi_import import import_qdpx
from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft
from coder.services.project import open_store
from coder.store.codes import CodeRepo
from coder.store.models import Coding, Segment
from coder.store.transcripts import TranscriptRepo

SPEAKERS = {"Intervjuer": RoleGroup.INTERVIEWER, "Ordfører": RoleGroup.POLITICIAN,
            "Rådmann": RoleGroup.CEO_LEVEL, "Økonomisjef": RoleGroup.STAFF_SUPPORT}  # fmt: skip
WORDS = ["vi", "har", "en", "god", "dialog", "med", "politikerne", "og", "rådmannen", "om", "budsjettet", "men", "stab", "og", "støtte", "må", "levere", "tjenester", "til", "virksomhetene", "i", "kommunen", "økonomi", "personal", "IKT"]  # fmt: skip


def draft(rng: random.Random, name: str, turns: int) -> TranscriptDraft:
    parts: list[str] = []
    segs: list[SegmentDraft] = []
    pos = 0
    labels = list(SPEAKERS)
    for i in range(turns):
        label = labels[i % len(labels)]
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(15, 120)))
        prefix = f"{label}: "
        segs.append(SegmentDraft(i, pos + len(prefix), pos + len(prefix) + len(words), label))
        parts.append(prefix + words + "\n\n")
        pos += len(prefix) + len(words) + 2
    text = "".join(parts)
    return TranscriptDraft(
        source_path=name,
        source_name=name,
        format="txt",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        title=name,
        participants=[ParticipantDraft(lbl, lbl, grp) for lbl, grp in SPEAKERS.items()],
        segments=segs,
    )


def build(url: str, transcripts: int, turns: int) -> int:
    rng = random.Random(20261129)
    store = open_store(url)
    with store.session() as s:
        codes = [c.id for c in CodeRepo(s).list()]
        repo = TranscriptRepo(s)
        count = 0
        for n in range(transcripts):
            row = repo.add_draft(
                draft(rng, f"t{n}.txt", turns), repo.ensure_case(f"Case {n % 5}").id
            )
            for seg in s.scalars(select(Segment).where(Segment.transcript_id == row.id)).all():
                if rng.random() > 0.33:
                    continue
                span = None
                if rng.random() < 0.3:
                    a = rng.randint(seg.start_offset, seg.end_offset - 2)
                    span = (a, rng.randint(a + 1, seg.end_offset))
                s.add(
                    Coding(
                        segment_id=seg.id,
                        code_id=rng.choice(codes),
                        coder="anna",
                        origin=CodingOrigin.MANUAL.value,
                        status=CodingStatus.ACCEPTED.value,
                        relation=rng.choice([None, *Relation]),
                        span_start=span[0] if span else None,
                        span_end=span[1] if span else None,
                        span_key=f"{span[0]}:{span[1]}" if span else "",
                    )
                )
                count += 1
    store.dispose()
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--transcripts", type=int, default=20)
    ap.add_argument("--turns", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = f"sqlite:///{Path(tmp) / 'src.sqlite'}"
        codings = build(src, args.transcripts, args.turns)
        out = Path(tmp) / "bench.qdpx"
        store = open_store(src)
        t0 = time.perf_counter()
        summary = export_qdpx(store, out)
        t_export = time.perf_counter() - t0
        target = open_store(f"sqlite:///{Path(tmp) / 'dst.sqlite'}")
        t0 = time.perf_counter()
        outcome = import_qdpx(target, out)
        t_import = time.perf_counter() - t0
        size = out.stat().st_size
    print(f"project: {args.transcripts} transcripts x {args.turns} turns, {codings} codings")
    print(
        f"export:  {t_export:6.2f} s  ({summary.codings / t_export:,.0f} codings/s, {size / 1e6:.1f} MB)"
    )
    print(
        f"import:  {t_import:6.2f} s  ({summary.codings / t_import:,.0f} codings/s)  {outcome.message}"
    )
    print(f"ratio import/export: {t_import / t_export:.2f}")


if __name__ == "__main__":
    main()
