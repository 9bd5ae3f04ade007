"""Ranked quotes per (relation, code): which codings to show, and in what order.

Ranking: accepted codings first; then by score (a hand-made coding without a score counts as
sure, 1.0); then by how close the quote's length is to a readable range (80-600 characters);
then document order. A segment appears once per (relation, code) however many coders coded it.

Balance (the default): within each (relation, code) the ranked quotes are taken in rounds, so
that every municipality gives its best quote before any gives a second; inside a municipality
every interview gives one before any gives two, and inside an interview every speaker. Within a
round the ranking decides, and accepted codings still come before suggestions. `balance=False`
keeps the plain ranking.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from coder.analysis.facts import NO_RELATION, informant_clause
from coder.analysis.terms import SegmentText
from coder.codebook.model import Codebook
from coder.domain import CodingStatus
from coder.store.models import Case, Code, Coding, Participant, Segment, Transcript
from coder.store.relations import relation_expr, segment_relations_select

READABLE = (80, 600)
_IN_CHUNK = 900  # keep IN lists below SQLite's variable limit


@dataclass(frozen=True, slots=True)
class Quote:
    """One quote with everything an attribution line or a drill-down needs."""

    coding_id: int
    segment_id: int
    transcript_id: int
    transcript_title: str
    source_name: str
    case: str | None
    ordinal: int
    participant_id: int | None
    speaker_label: str | None
    speaker_name: str | None
    role_group: str | None
    relation: str
    code_id: str  # the coding's own code
    code_label: str
    group_code: str  # the code the quote was selected for (the coding's code or an ancestor)
    status: str
    score: float | None
    coder: str
    text: str
    group_label: str = ""

    def attribution(self) -> str:
        """Municipality, role group, transcript and segment: where the quote comes from (the
        segment's position in the transcript, and its id, which `code` and `accept` take)."""
        speaker = self.speaker_label or "ukjent taler"
        role = self.role_group or "unknown"
        return (
            f"{self.case or 'ukjent kommune'}, {speaker} ({role}), "
            f"{self.transcript_title} [{self.source_name}], segment {self.ordinal} "
            f"(id {self.segment_id})"
        )


def length_penalty(n: int, readable: tuple[int, int] = READABLE) -> int:
    lo, hi = readable
    return lo - n if n < lo else (n - hi if n > hi else 0)


def rank_key(q: Quote) -> tuple[int, float, int, int, int]:
    sure = q.score if q.score is not None else 1.0
    return (
        0 if q.status == CodingStatus.ACCEPTED.value else 1,
        -sure,
        length_penalty(len(q.text)),
        q.transcript_id,
        q.ordinal,
    )


def _rounds(items: Sequence[Quote], key, order) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """id(quote) -> its round inside its `key` bucket, items of a bucket taken in `order`."""
    buckets: dict[object, list[Quote]] = defaultdict(list)
    for q in items:
        buckets[key(q)].append(q)
    out: dict[int, int] = {}
    for bucket in buckets.values():
        for i, q in enumerate(sorted(bucket, key=order)):
            out[id(q)] = i
    return out


def balanced(ranked: Sequence[Quote]) -> list[Quote]:
    """One group's quotes (in rank order) reordered in rounds: municipality, then interview,
    then speaker (see the module docstring)."""
    rank = {id(q): i for i, q in enumerate(ranked)}

    def by_rank(q: Quote) -> int:
        return rank[id(q)]

    speaker = _rounds(ranked, lambda q: (q.transcript_id, q.participant_id), by_rank)
    interview = _rounds(ranked, lambda q: q.transcript_id, lambda q: (speaker[id(q)], rank[id(q)]))
    place = _rounds(ranked, lambda q: q.case, lambda q: (interview[id(q)], rank[id(q)]))
    tier = {id(q): rank_key(q)[0] for q in ranked}
    return sorted(ranked, key=lambda q: (tier[id(q)], place[id(q)], rank[id(q)]))


def select_quotes(
    session: Session,
    codebook: Codebook,
    *,
    statuses: Iterable[CodingStatus],
    coder: str | None = None,
    relation: str | None = None,
    code: str | None = None,
    case: str | None = None,
    role: str | None = None,
    per_code: int | None = None,
    limit: int | None = None,
    group_level: str | None = None,
    include_interviewer: bool = False,
    balance: bool = True,
) -> list[Quote]:
    """Ranked (and by default balanced) quotes grouped by (relation, code), groups in relation
    then codebook order.

    `code` takes the code and everything below it (quotes are then grouped under `code`);
    `group_level` groups by the code's roll-up at section/question/item level instead of its own
    code; `per_code` keeps the best n of each group; `limit` caps the total.
    """
    code_ids: list[str] | None = None
    if code is not None:
        root = codebook.get(code)
        code_ids = [root.id, *(c.id for c in codebook.descendants(root.id))]
    current = list(
        session.scalars(select(Transcript.id).where(Transcript.retired_at.is_(None))).all()
    )
    if not current:
        return []
    seg_rel = segment_relations_select().subquery()
    eff_rel = relation_expr(seg_rel.c.relation)
    q = (
        select(
            Coding.id,
            Coding.code_id,
            eff_rel,
            Coding.status,
            Coding.score,
            Coding.coder,
            Coding.span_start,
            Coding.span_end,
            Segment.id,
            Segment.transcript_id,
            Segment.ordinal,
            Segment.start_offset,
            Segment.end_offset,
            Participant.id,
            Participant.label,
            Participant.display_name,
            Participant.role_group,
            Transcript.title,
            Transcript.source_name,
            Case.name,
            Code.label,
        )
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Participant, Participant.id == Segment.participant_id)
        .outerjoin(Case, Case.id == Transcript.case_id)
        .outerjoin(seg_rel, seg_rel.c.segment_id == Segment.id)
        .where(Coding.status.in_([s.value for s in statuses]))
        .where(Segment.transcript_id.in_(current))
    )
    if coder is not None:
        q = q.where(Coding.coder == coder)
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(code_ids))
    if relation is not None:
        q = q.where(eff_rel == relation)
    if case is not None:
        q = q.where(func.lower(Case.name) == case.strip().lower())
    if role is not None:
        q = q.where(Participant.role_group == role)
    if not include_interviewer:
        q = q.where(informant_clause(Participant.role_group))
    rows = session.execute(
        _ranked_in_sql(q, eff_rel, per_code=per_code, limit=limit, balance=balance)
    ).all()
    texts = _texts(session, {r[9] for r in rows})
    order = {c.id: i for i, (c, _d) in enumerate(codebook.iter_tree())}
    best: dict[tuple[str, str, int], Quote] = {}
    for r in rows:
        (cid, code_id, rel, status, score, who, s0, s1, seg_id, tid, ordinal, start, end) = r[:13]
        pid, label, name, group, title, source, case_name, code_label = r[13:]
        text = texts[tid]
        snippet = text[s0:s1] if s0 is not None and s1 is not None else text[start:end]
        if code is not None:
            group_code = code
        elif group_level is not None and code_id in codebook:
            group_code = codebook.rollup(code_id, group_level).id
        else:
            group_code = code_id
        quote = Quote(
            coding_id=cid,
            segment_id=seg_id,
            transcript_id=tid,
            transcript_title=title,
            source_name=source,
            case=case_name,
            ordinal=ordinal,
            participant_id=pid,
            speaker_label=label,
            speaker_name=name,
            role_group=group,
            relation=rel,
            code_id=code_id,
            code_label=code_label,
            group_code=group_code,
            status=status,
            score=score,
            coder=who,
            text=snippet.strip(),
            group_label=(
                code_label
                if group_code == code_id
                else (codebook.get(group_code).label if group_code in codebook else group_code)
            ),
        )
        key = (rel, group_code, seg_id)
        if key not in best or rank_key(quote) < rank_key(best[key]):
            best[key] = quote
    rel_order = {"politicians": 0, "ceo": 1, "units": 2, NO_RELATION: 3}
    ranked = sorted(
        best.values(),
        key=lambda q: (
            rel_order.get(q.relation, 9),
            order.get(q.group_code, len(order)),
            q.group_code,
            rank_key(q),
        ),
    )
    if balance:
        groups: dict[tuple[str, str], list[Quote]] = {}
        for quote in ranked:
            groups.setdefault((quote.relation, quote.group_code), []).append(quote)
        ranked = [q for items in groups.values() for q in balanced(items)]
    if per_code is not None:
        kept: list[Quote] = []
        seen: dict[tuple[str, str], int] = {}
        for quote in ranked:
            k = (quote.relation, quote.group_code)
            if seen.get(k, 0) < per_code:
                kept.append(quote)
                seen[k] = seen.get(k, 0) + 1
        ranked = kept
    return ranked[:limit] if limit is not None else ranked


def _ranked_in_sql(
    q: Select, eff_rel: Any, *, per_code: int | None, limit: int | None, balance: bool = False
) -> Select:
    """Let the database pre-rank when only the best quotes are wanted (large projects).

    The order is the one `rank_key` applies; a little slack is kept because the same segment
    may come from several coders or child codes and is folded into one quote afterwards. With
    `balance` the best of every interview are kept (a balanced pick never takes more than
    `per_code` from one interview).
    """
    if per_code is None and limit is None:
        return q
    length = case(
        (Coding.span_start.is_not(None), Coding.span_end - Coding.span_start),
        else_=Segment.end_offset - Segment.start_offset,
    )
    lo, hi = READABLE
    order = (
        case((Coding.status == CodingStatus.ACCEPTED.value, 0), else_=1),
        func.coalesce(Coding.score, 1.0).desc(),
        case((length < lo, lo - length), (length > hi, length - hi), else_=0),
        Segment.transcript_id,
        Segment.ordinal,
    )
    if per_code is not None:
        parts = (eff_rel, Coding.code_id, *((Segment.transcript_id,) if balance else ()))
        rn = func.row_number().over(partition_by=parts, order_by=order)
        sub = q.add_columns(rn.label("rn")).subquery()
        cols = [c for c in sub.c if c.name != "rn"]
        q = select(*cols).where(sub.c.rn <= per_code * 3 + 2)
        if limit is None:
            return q
        return q.limit(limit * 3 + 50)
    return q.order_by(*order).limit(limit * 3 + 50)  # type: ignore[operator]


def _texts(session: Session, transcript_ids: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    ids = sorted(transcript_ids)
    for i in range(0, len(ids), _IN_CHUNK):
        chunk = ids[i : i + _IN_CHUNK]
        out.update(
            session.execute(
                select(Transcript.id, Transcript.text).where(Transcript.id.in_(chunk))
            ).all()
        )
    return out


def relation_segments(
    session: Session,
    codebook: Codebook,
    *,
    statuses: Iterable[CodingStatus],
    coder: str | None = None,
    include_interviewer: bool = False,
) -> list[SegmentText]:
    """Informant segments per effective relation (each segment once per relation), with the
    transcript, municipality and speaker they come from, in document order."""
    current = select(Transcript.id).where(Transcript.retired_at.is_(None))
    seg_rel = segment_relations_select().subquery()
    eff_rel = relation_expr(seg_rel.c.relation)
    q = (
        select(
            eff_rel, Segment.id, Segment.transcript_id, Segment.start_offset, Segment.end_offset,
            Segment.participant_id, Case.name,
        )
        .distinct()
        .join(Segment, Segment.id == Coding.segment_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Transcript, Transcript.id == Segment.transcript_id)
        .outerjoin(Case, Case.id == Transcript.case_id)
        .outerjoin(Participant, Participant.id == Segment.participant_id)
        .outerjoin(seg_rel, seg_rel.c.segment_id == Segment.id)
        .where(Coding.status.in_([s.value for s in statuses]))
        .where(Segment.transcript_id.in_(current))
    )  # fmt: skip
    if not include_interviewer:
        q = q.where(informant_clause(Participant.role_group))
    if coder is not None:
        q = q.where(Coding.coder == coder)
    rows = sorted(session.execute(q).all(), key=lambda r: (r[2], r[3], r[1], r[0]))
    texts = _texts(session, {r[2] for r in rows})
    return [
        SegmentText(rel, seg_id, tid, case_name, pid, texts[tid][start:end])
        for rel, seg_id, tid, start, end, pid, case_name in rows
    ]
