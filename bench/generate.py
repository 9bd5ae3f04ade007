"""A reproducible synthetic project (cases, transcripts, speakers, segments, codings) for benchmarks.

`generate_project(url, codings=1_000_000, seed=7)` fills a fresh database through SQLAlchemy core
bulk inserts, so a million codings take seconds; the same call works on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, func, insert, select

from coder.services.project import open_store
from coder.store.models import Case, Code, Participant, Segment, Transcript

CASES = (
    ("Arendal", "two-level"),
    ("Stord", "two-level"),
    ("Flora", "two-level"),
    ("Kongsvinger", "two-level"),
    ("Hamar", "sector"),
)
ROLES = (
    ("Intervjuer", "interviewer"),
    ("Ordfører", "politician"),
    ("Rådmann", "ceo_level"),
    ("Økonomisjef", "staff_support"),
    ("Personalsjef", "staff_support"),
    ("Enhetsleder", "unit_leader"),
)
COMMON = [
    "vi",
    "har",
    "stab",
    "og",
    "støtte",
    "som",
    "jobber",
    "tett",
    "med",
    "organisasjonen",
    "hver",
    "dag",
    "men",
    "det",
    "er",
    "også",
    "krevende",
    "å",
    "få",
    "til",
    "god",
    "dialog",
    "når",
    "ressursene",
    "er",
    "knappe",
    "og",
    "oppgavene",
    "mange",
]
FLAVOUR = {
    "politicians": [
        "politikerne",
        "formannskapet",
        "saksframlegg",
        "kommunestyret",
        "ordføreren",
        "vedtak",
    ],
    "ceo": [
        "rådmannen",
        "ledergruppa",
        "styringsinformasjon",
        "økonomirapport",
        "budsjett",
        "strategi",
    ],
    "units": [
        "virksomhetene",
        "enhetslederne",
        "personalsaker",
        "rekruttering",
        "brukerne",
        "tjenester",
    ],
    "none": ["omorganisering", "modellen", "tonivå", "sektor", "reformen", "endringer"],
}
BATCH = 50_000


@dataclass(frozen=True, slots=True)
class GeneratedProject:
    url: str
    transcripts: int
    segments: int
    codings: int
    seconds: float


def _relation_of(code_id: str) -> str:
    for prefix, rel in (("C13", "politicians"), ("C14", "ceo"), ("C15", "units")):
        if code_id.startswith(prefix):
            return rel
    return "none"


def _chunks(rows: list[dict], size: int = BATCH) -> list[list[dict]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def generate_project(
    url: str,
    *,
    codings: int = 1_000_000,
    seed: int = 7,
    transcripts_per_case: int = 20,
    segments_per_transcript: int | None = None,
    coders: tuple[str, ...] = ("anna", "bjorn", "auto"),
    codings_per_segment: int = 10,
) -> GeneratedProject:
    """Fill the (empty) database at `url` with a synthetic project of about `codings` codings.

    Segments are sized so that `codings_per_segment` codings on average reach the target.
    """
    import time

    started = time.perf_counter()
    rng = random.Random(seed)
    store = open_store(url)
    engine: Engine = store.engine
    n_transcripts = transcripts_per_case * len(CASES)
    if segments_per_transcript is None:
        segments_per_transcript = max(10, -(-codings // (n_transcripts * codings_per_segment)))
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # A bulk load of a throw-away database: no fsync per page (before any write).
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        if conn.scalar(select(func.count()).select_from(Transcript)):
            raise ValueError(f"{url}: generate_project needs an empty project")
        code_ids = [
            cid
            for cid, kind in conn.execute(select(Code.id, Code.kind)).all()
            if kind in ("section", "question", "item")
        ]
        now = datetime.now(UTC)
        case_ids: dict[str, int] = {}
        for name, model in CASES:
            case_ids[name] = conn.execute(
                insert(Case).values(name=name, organisation_model=model, created_at=now)
            ).inserted_primary_key[0]
        seg_rows: list[dict] = []
        seg_meta: list[tuple[int, int]] = []  # (transcript index, ordinal)
        transcript_ids: list[int] = []
        participant_ids: list[dict[str, int]] = []
        for case_name, _ in CASES:
            for k in range(transcripts_per_case):
                parts: list[str] = []
                spans: list[tuple[int, int, str]] = []
                pos = 0
                for o in range(segments_per_transcript):
                    label, _group = ROLES[0] if o % 2 == 0 else rng.choice(ROLES[1:])
                    flav = rng.choice(tuple(FLAVOUR))
                    words = [
                        rng.choice(FLAVOUR[flav]) if rng.random() < 0.25 else rng.choice(COMMON)
                        for _ in range(rng.randint(8, 40))
                    ]
                    body = " ".join(words).capitalize() + "."
                    prefix = f"{label}: "
                    spans.append((pos + len(prefix), pos + len(prefix) + len(body), label))
                    parts.append(prefix + body + "\n\n")
                    pos += len(prefix) + len(body) + 2
                text = "".join(parts)
                name = f"{case_name.lower()}-{k + 1:03d}.txt"
                tid = conn.execute(
                    insert(Transcript).values(
                        case_id=case_ids[case_name],
                        title=f"{case_name} intervju {k + 1}",
                        source_name=name,
                        sha256=hashlib.sha256(f"{seed}:{name}".encode()).hexdigest(),
                        format="txt",
                        encoding="utf-8",
                        language="nb",
                        text=text,
                        word_count=len(text.split()),
                        version=1,
                        imported_at=now,
                    )
                ).inserted_primary_key[0]
                transcript_ids.append(tid)
                pids = {}
                for label, group in ROLES:
                    pids[label] = conn.execute(
                        insert(Participant).values(
                            transcript_id=tid, label=label, display_name=label, role_group=group
                        )
                    ).inserted_primary_key[0]
                participant_ids.append(pids)
                for o, (start, end, label) in enumerate(spans):
                    seg_rows.append(
                        {
                            "transcript_id": tid,
                            "ordinal": o,
                            "participant_id": pids[label],
                            "start_offset": start,
                            "end_offset": end,
                        }
                    )
                    seg_meta.append((len(transcript_ids) - 1, o))
        for chunk in _chunks(seg_rows):
            conn.execute(insert(Segment), chunk)
        seg_ids = list(conn.scalars(select(Segment.id).order_by(Segment.id)))
        pairs = [(c, coder) for c in code_ids for coder in coders]
        statuses = ("accepted",) * 10 + ("suggested",) * 7 + ("rejected",) * 3
        sqlite = conn.dialect.name == "sqlite"
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        sql = (
            "INSERT INTO codings (segment_id, code_id, coder, origin, status, relation, "
            "span_key, score, evidence, created_at, updated_at, version) VALUES ("
            + ", ".join([mark] * 12)
            + ")"
        )
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
        made = 0
        batch: list[tuple] = []
        for i, sid in enumerate(seg_ids):
            remaining_segments = len(seg_ids) - i
            want = min(len(pairs), round((codings - made) / remaining_segments))
            if want <= 0:
                continue
            for code_id, coder in rng.sample(pairs, want):
                rel = _relation_of(code_id)
                if rel == "none" and rng.random() < 0.3:
                    rel = rng.choice(("politicians", "ceo", "units"))
                batch.append(
                    (
                        sid,
                        code_id,
                        coder,
                        "suggested" if coder == "auto" else "manual",
                        rng.choice(statuses),
                        None if rel == "none" or rng.random() < 0.4 else rel,
                        "",
                        round(rng.random(), 4),
                        "[]",
                        stamp,
                        stamp,
                        1,
                    )
                )
            made += want
            if len(batch) >= BATCH:
                conn.exec_driver_sql(sql, batch)
                batch = []
        if batch:
            conn.exec_driver_sql(sql, batch)
    store.dispose()
    return GeneratedProject(
        url=url,
        transcripts=len(transcript_ids),
        segments=len(seg_ids),
        codings=made,
        seconds=time.perf_counter() - started,
    )


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    target = sys.argv[1] if len(sys.argv) > 1 else "sqlite:///bench-summary.sqlite"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    print(generate_project(target, codings=n))
