"""Relation x code summaries at section, question or item level, optionally by municipality or role.

A coding counts for one code: the code at the chosen level it sits under in the codebook tree
(`Codebook.rollup`; a coding on a code above the level counts for that code). Its relation is
`coder.domain.effective_relation`'s. The unit is the one `coder.analysis.facts` defines
(informant segments unless the interviewer is included). Each cell reports coded segments
(distinct), codings, and the distinct transcripts, municipalities and speakers behind them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from coder.analysis.facts import NO_RELATION, RELATION_KEYS, CodingFacts, SegmentDims
from coder.codebook.model import LEVEL_RANK, Codebook
from coder.errors import NotFoundError, UsageError

By = Literal["relation", "case", "role"]
BY_CHOICES = ("relation", "case", "role")
RELATION_ORDER = (*RELATION_KEYS, NO_RELATION)


@dataclass(frozen=True, slots=True)
class Cell:
    """What stands behind one cell of a summary."""

    codings: int = 0
    segments: int = 0
    transcripts: int = 0
    municipalities: int = 0
    speakers: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class CodeSummary:
    code_id: str
    label: str
    kind: str
    total: Cell
    breakdown: dict[str, Cell] = field(default_factory=dict)  # municipality or role group -> cell
    order: int = 0  # position in the codebook tree


@dataclass(frozen=True, slots=True)
class RelationSummary:
    relation: str
    total: Cell
    codes: tuple[CodeSummary, ...]

    def code(self, code_id: str) -> CodeSummary | None:
        return next((c for c in self.codes if c.code_id == code_id), None)


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary: one RelationSummary per relation (politicians, ceo, units, none)."""

    level: str
    by: str
    status: str
    coder: str | None
    columns: tuple[str, ...]  # the breakdown's columns (municipalities or role groups), else ()
    relations: dict[str, RelationSummary]
    unit: str = "informant segments"

    def code_ids(self) -> list[str]:
        """Every code that has data in some relation, in codebook order."""
        order = {c.code_id: c.order for rel in self.relations.values() for c in rel.codes}
        return sorted(order, key=lambda c: (order[c], c))

    def label(self, code_id: str) -> str:
        for rel in self.relations.values():
            for c in rel.codes:
                if c.code_id == code_id:
                    return c.label
        return code_id

    def cell(self, relation: str, code_id: str, column: str | None = None) -> Cell:
        rel = self.relations.get(relation)
        code = rel.code(code_id) if rel else None
        if code is None:
            return Cell()
        if column is None:
            return code.total
        return code.breakdown.get(column, Cell())

    def to_json(self) -> dict[str, Any]:
        """One key per relation (politicians, ceo, units, none) and `_meta` for the parameters."""
        out: dict[str, Any] = {}
        for name in RELATION_ORDER:
            rel = self.relations[name]
            out[name] = {
                "total": rel.total.as_dict(),
                "codes": {
                    c.code_id: {
                        "label": c.label,
                        "kind": c.kind,
                        **c.total.as_dict(),
                        **(
                            {self.by: {k: v.as_dict() for k, v in c.breakdown.items()}}
                            if self.by != "relation"
                            else {}
                        ),
                    }
                    for c in rel.codes
                },
            }
        out["_meta"] = {
            "level": self.level,
            "by": self.by,
            "status": self.status,
            "coder": self.coder,
            "columns": list(self.columns),
            "unit": self.unit,
        }
        return out


def cell_of(pos: np.ndarray, dims: SegmentDims) -> Cell:
    """The cell for these segment positions (one entry per coding)."""
    if len(pos) == 0:
        return Cell()
    u = dims.distinct(pos)
    speakers = np.bincount(dims.speaker_idx[u], minlength=dims.n_speakers + 1)
    return Cell(
        codings=int(len(pos)),
        segments=int(len(u)),
        transcripts=int(np.count_nonzero(np.bincount(dims.transcript_idx[u]))),
        municipalities=int(np.count_nonzero(np.bincount(dims.case_idx[u]))),
        speakers=int(np.count_nonzero(speakers[1:])),
    )


def breakdown_of(pos: np.ndarray, dims: SegmentDims, by: str) -> dict[str, Cell]:
    if by == "relation" or len(pos) == 0:
        return {}
    keys = dims.case_idx[pos] if by == "case" else dims.role_idx[pos]
    names = dims.cases if by == "case" else dims.roles
    present = np.flatnonzero(np.bincount(keys, minlength=len(names)))
    return {names[int(k)]: cell_of(pos[keys == k], dims) for k in present}


def rollup_map(codebook: Codebook, code_ids: list[str], level: str) -> dict[str, str]:
    """Each code id -> the code it counts for at `level` (unknown codes count as themselves)."""
    if level not in LEVEL_RANK:
        raise UsageError(f"level must be one of {', '.join(LEVEL_RANK)}, not {level!r}")
    out: dict[str, str] = {}
    for cid in code_ids:
        try:
            out[cid] = codebook.rollup(cid, level).id
        except NotFoundError:
            out[cid] = cid
    return out


def code_order(codebook: Codebook) -> dict[str, int]:
    return {c.id: i for i, (c, _d) in enumerate(codebook.iter_tree())}


def grouped_positions(
    facts: CodingFacts, codebook: Codebook, level: str
) -> dict[str, dict[str, np.ndarray]]:
    """relation -> rolled code -> segment positions (one per coding), over the facts."""
    roll = rollup_map(codebook, sorted({c for c, _ in facts.groups}), level)
    acc: dict[str, dict[str, list[np.ndarray]]] = {r: {} for r in RELATION_ORDER}
    for (code_id, rel), pos in facts.groups.items():
        if len(pos):
            acc.setdefault(rel, {}).setdefault(roll[code_id], []).append(pos)
    return {
        rel: {code: np.concatenate(parts) for code, parts in by_code.items()}
        for rel, by_code in acc.items()
    }


def summarise(
    facts: CodingFacts,
    codebook: Codebook,
    *,
    level: str = "question",
    by: str = "relation",
    status: str = "accepted",
) -> Summary:
    """Relation x code cells at `level`, broken down by municipality (`case`) or `role` group."""
    if by not in BY_CHOICES:
        raise UsageError(f"--by must be one of {', '.join(BY_CHOICES)}, not {by!r}")
    dims = facts.dims
    order = code_order(codebook)
    grouped = grouped_positions(facts, codebook, level)
    relations: dict[str, RelationSummary] = {}
    for rel in RELATION_ORDER:
        by_code = grouped.get(rel, {})
        codes = []
        for code_id in sorted(by_code, key=lambda c: (order.get(c, len(order)), c)):
            pos = by_code[code_id]
            label, kind = (
                (codebook.get(code_id).label, codebook.get(code_id).kind.value)
                if code_id in codebook
                else (code_id, "unknown")
            )
            codes.append(
                CodeSummary(
                    code_id=code_id,
                    label=label,
                    kind=kind,
                    total=cell_of(pos, dims),
                    breakdown=breakdown_of(pos, dims, by),
                    order=order.get(code_id, len(order)),
                )
            )
        everything = (
            np.concatenate(list(by_code.values())) if by_code else np.zeros(0, dtype=np.int64)
        )
        relations[rel] = RelationSummary(rel, cell_of(everything, dims), tuple(codes))
    columns: tuple[str, ...] = ()
    if by == "case":
        columns = dims.cases
    elif by == "role":
        columns = dims.roles
    return Summary(
        level=level,
        by=by,
        status=status,
        coder=facts.coder,
        columns=columns,
        relations=relations,
        unit=facts.unit,
    )
