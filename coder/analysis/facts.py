"""The coding facts summaries are built from: segment ids per (code, relation), and segment dimensions.

The counting unit of every synthesis figure is defined here, once: the informant segment, a
segment whose speaker is not in the interviewer role group (a segment without a known speaker
counts as an informant's). `load_facts(..., include_interviewer=True)`, `informant_mask` and
`informant_clause` are its three forms: facts for numpy, a mask over segments, a SQL condition.

One SQL pass groups the selected codings by (code, stored relation) and collects their segment ids
(`group_concat`/`string_agg`, answered from the covering index `ix_codings_summary`); a second
pass reads each current segment's transcript, speaker, municipality and role group. Everything
after that (roll-up, breakdowns, distinct counts) is numpy over these small arrays, which is why
a summary over a million codings takes well under a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from coder.domain import CodingStatus, RoleGroup, effective_relation, relation_key
from coder.errors import UsageError
from coder.store.models import Case, Code, Coding, Participant, Segment, Transcript
from coder.store.relations import NO_RELATION, segment_relation_map

UNKNOWN = "unknown"  # a segment without a speaker, or a transcript without a case
RELATION_KEYS = ("politicians", "ceo", "units")
INTERVIEWER = RoleGroup.INTERVIEWER.value


def statuses_for(status: str) -> tuple[CodingStatus, ...]:
    """`accepted` -> accepted codings only; `all` -> accepted and suggested (never rejected)."""
    if status == "accepted":
        return (CodingStatus.ACCEPTED,)
    if status == "all":
        return (CodingStatus.ACCEPTED, CodingStatus.SUGGESTED)
    raise UsageError(f"status must be 'accepted' or 'all', not {status!r}")


@dataclass(frozen=True, slots=True)
class SegmentDims:
    """Per current segment (index = position): its id, transcript, speaker, case and role group.

    `case_idx`/`role_idx` index into `cases`/`roles`; `lookup` maps a segment id to its position
    (-1 for segments of retired transcripts, which summaries leave out).
    """

    seg_id: np.ndarray
    transcript: np.ndarray
    ordinal: np.ndarray
    speaker: np.ndarray  # participant id, 0 when unknown
    case_idx: np.ndarray
    role_idx: np.ndarray
    cases: tuple[str, ...]
    roles: tuple[str, ...]
    lookup: np.ndarray
    transcript_idx: np.ndarray  # dense 0..n_transcripts-1, for counting with bincount
    speaker_idx: np.ndarray  # dense 1..n_speakers, 0 = unknown speaker
    n_transcripts: int
    n_speakers: int

    @property
    def size(self) -> int:
        return len(self.seg_id)

    def distinct(self, pos: np.ndarray) -> np.ndarray:
        """The distinct positions, sorted (a mask over all segments: linear, no hashing)."""
        mask = np.zeros(self.size, dtype=bool)
        mask[pos] = True
        return np.flatnonzero(mask)

    def positions(self, segment_ids: np.ndarray) -> np.ndarray:
        """Positions of these segment ids; ids of retired or unknown segments are dropped."""
        ids = segment_ids[(segment_ids >= 0) & (segment_ids < len(self.lookup))]
        pos = self.lookup[ids]
        return pos[pos >= 0]


@dataclass(frozen=True, slots=True)
class CodingFacts:
    """Segment positions (with one entry per coding) for every (code id, effective relation)."""

    groups: dict[tuple[str, str], np.ndarray]
    dims: SegmentDims
    statuses: tuple[CodingStatus, ...]
    coder: str | None
    include_interviewer: bool = False

    @property
    def unit(self) -> str:
        """The counting unit in words."""
        if self.include_interviewer:
            return "segments, interviewer turns included"
        return "informant segments"

    def unit_mask(self) -> np.ndarray:
        """Per segment position: does it count (an informant segment, or any with the interviewer)."""
        if self.include_interviewer:
            return np.ones(self.dims.size, dtype=bool)
        return informant_mask(self.dims)


def _ints(text: str | None) -> np.ndarray:
    """Parse "1,2,3" (numpy's text parser: ten times faster than splitting in Python)."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def _concat(session: Session, column):  # type: ignore[no-untyped-def]
    """A comma-separated list of integer ids, on SQLite and PostgreSQL alike."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, String), ",")
    return func.group_concat(column)


def load_dims(session: Session) -> SegmentDims:
    """Dimensions of every segment of a current (not retired) transcript."""
    transcripts = session.execute(
        select(Transcript.id, Case.name)
        .outerjoin(Case, Case.id == Transcript.case_id)
        .where(Transcript.retired_at.is_(None))
    ).all()
    case_names = sorted({name or UNKNOWN for _, name in transcripts})
    case_of = {tid: case_names.index(name or UNKNOWN) for tid, name in transcripts}
    roles_rows = session.execute(select(Participant.id, Participant.role_group)).all()
    role_names = sorted({r for _, r in roles_rows} | {UNKNOWN})
    role_of = {pid: role_names.index(r) for pid, r in roles_rows}
    row = session.execute(
        select(
            _concat(session, Segment.id),
            _concat(session, Segment.transcript_id),
            _concat(session, Segment.ordinal),
            _concat(session, func.coalesce(Segment.participant_id, 0)),
        ).where(Segment.transcript_id.in_(list(case_of)) if case_of else Segment.id < 0)
    ).one()
    seg_id, tr, ordinal, sp = (_ints(x) for x in row)
    t_keys = np.array(sorted(case_of), dtype=np.int64)
    t_case = np.array([case_of[t] for t in t_keys], dtype=np.int64)
    case_idx = t_case[np.searchsorted(t_keys, tr)] if len(tr) else np.zeros(0, dtype=np.int64)
    p_keys = np.array(sorted(role_of) or [0], dtype=np.int64)
    p_role = np.array([role_of.get(p, 0) for p in p_keys], dtype=np.int64)
    unknown_role = role_names.index(UNKNOWN)
    if len(sp):
        at = np.clip(np.searchsorted(p_keys, sp), 0, len(p_keys) - 1)
        role_idx = np.where(p_keys[at] == sp, p_role[at], unknown_role)
    else:
        role_idx = np.zeros(0, dtype=np.int64)
    lookup = np.full(int(seg_id.max()) + 1 if len(seg_id) else 1, -1, dtype=np.int64)
    lookup[seg_id] = np.arange(len(seg_id), dtype=np.int64)
    t_uniq, transcript_idx = np.unique(tr, return_inverse=True)
    s_uniq, speaker_idx = np.unique(sp, return_inverse=True)
    if len(s_uniq) and s_uniq[0] != 0:
        speaker_idx = speaker_idx + 1  # keep 0 for "no speaker"
    n_speakers = int(np.count_nonzero(s_uniq))
    return SegmentDims(
        seg_id=seg_id,
        transcript=tr,
        ordinal=ordinal,
        speaker=sp,
        case_idx=case_idx,
        role_idx=role_idx,
        cases=tuple(case_names),
        roles=tuple(role_names),
        lookup=lookup,
        transcript_idx=transcript_idx.astype(np.int64),
        speaker_idx=speaker_idx.astype(np.int64),
        n_transcripts=len(t_uniq),
        n_speakers=n_speakers,
    )


def informant_mask(dims: SegmentDims) -> np.ndarray:
    """Per segment position: True for informant turns (every speaker but the interviewer;
    a segment without a speaker counts as an informant's). The counting unit of the synthesis."""
    if INTERVIEWER not in dims.roles:
        return np.ones(dims.size, dtype=bool)
    return dims.role_idx != dims.roles.index(INTERVIEWER)


def informant_clause(role_group):  # type: ignore[no-untyped-def]
    """The same rule as a SQL condition on an (outer-joined) `Participant.role_group` column."""
    return or_(role_group.is_(None), role_group != INTERVIEWER)


def code_relations(session: Session) -> dict[str, str | None]:
    return dict(session.execute(select(Code.id, Code.relation)).all())


def fallback_relations(session: Session, dims: SegmentDims) -> np.ndarray:
    """Per segment position, the relation key a coding without its own or its code's relation
    counts for: the segment's accepted relation, else the speaker's role-group default, else
    "none" (`coder.domain.effective_relation` decides, once per combination)."""
    seg_rel = segment_relation_map(session)
    keys = [*RELATION_KEYS, NO_RELATION]
    rel_idx = np.full(dims.size, len(RELATION_KEYS), dtype=np.int64)  # "no segment relation"
    if seg_rel and dims.size:
        ids = np.fromiter(seg_rel, dtype=np.int64, count=len(seg_rel))
        vals = np.array([keys.index(seg_rel[int(i)]) for i in ids], dtype=np.int64)
        ok = ids < len(dims.lookup)
        pos = dims.lookup[ids[ok]]
        vals = vals[ok]
        rel_idx[pos[pos >= 0]] = vals[pos >= 0]
    table = np.zeros((len(keys), len(dims.roles)), dtype=np.int64)
    for r, seg_key in enumerate(keys):
        for g, role in enumerate(dims.roles):
            rel, _src = effective_relation(None, None, seg_key, role if role != UNKNOWN else None)
            table[r, g] = keys.index(relation_key(rel))
    return table[rel_idx, dims.role_idx] if dims.size else np.zeros(0, dtype=np.int64)


def load_facts(
    session: Session,
    *,
    statuses: Iterable[CodingStatus],
    coder: str | None = None,
    include_interviewer: bool = False,
) -> CodingFacts:
    """Group the selected codings by code and effective relation (`coder.domain.effective_relation`:
    coding's, else code's, else the segment's accepted relation, else the speaker's default).
    Codings on interviewer turns are left out unless `include_interviewer`."""
    sts = tuple(statuses)
    code_rel = code_relations(session)
    dims = load_dims(session)
    counts = np.ones(dims.size, dtype=bool) if include_interviewer else informant_mask(dims)
    fallback: np.ndarray | None = None
    keys = [*RELATION_KEYS, NO_RELATION]
    groups: dict[tuple[str, str], list[np.ndarray]] = {}
    # One query per status: each reads one contiguous, ordered range of ix_codings_summary, so
    # the database groups without sorting (an IN over two statuses would sort every row).
    for status in sts:
        q = select(Coding.code_id, Coding.relation, _concat(session, Coding.segment_id)).where(
            Coding.status == status.value
        )
        if coder is not None:
            q = q.where(Coding.coder == coder)
        q = q.group_by(Coding.code_id, Coding.relation)
        for code_id, relation, ids in session.execute(q).all():
            pos = dims.positions(_ints(ids))
            pos = pos[counts[pos]]
            rel, _src = effective_relation(relation, code_rel.get(code_id))
            if rel is not None:
                groups.setdefault((code_id, rel.value), []).append(pos)
                continue
            if fallback is None:
                fallback = fallback_relations(session, dims)
            per = fallback[pos]
            for k in np.unique(per):
                groups.setdefault((code_id, keys[int(k)]), []).append(pos[per == k])
    merged = {k: (v[0] if len(v) == 1 else np.concatenate(v)) for k, v in groups.items()}
    return CodingFacts(
        groups=merged,
        dims=dims,
        statuses=sts,
        coder=coder,
        include_interviewer=include_interviewer,
    )
