"""Two-group contrasts (e.g. Hamar against the four two-level municipalities) per relation and code.

The unit of inference is the interview (transcript), not the segment: segments of one interview
share a speaker, a municipality and an interviewer, so counting them as independent observations
overstates certainty by a factor that differs from code to code.

For every (relation, code) the counting unit is the informant segment (interviewer turns left
out). Per interview, its share = coded informant segments / informant segments. The statistic is
the difference of the two groups' mean interview shares (each interview weighs the same), and
its p value comes from a permutation test over whole transcripts: the group labels of the
interviews are reassigned in every way that keeps the group sizes (C(n_a + n_b, n_a)
arrangements, all enumerated when there are at most `EXACT_LIMIT`, else a seeded Monte Carlo
sample), and p is the share of arrangements whose |difference| is at least the observed one.
Two-sided; Holm's step-down correction is applied over all rows of the contrast. The smallest p
the design allows is stated with the result: with 2 interviews against 8 it is 1/45, and a row
whose coded segments all come from one interview cannot go below n_small / (n_a + n_b).

The segment-level figures (pooled shares and a two-proportion z) are kept as description only.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from coder.analysis.facts import CodingFacts
from coder.analysis.summary import RELATION_ORDER, code_order, grouped_positions
from coder.codebook.model import Codebook
from coder.errors import NotFoundError, UsageError

EXACT_LIMIT = 20_000  # enumerate every arrangement up to this many
DEFAULT_DRAWS = 9_999  # Monte Carlo arrangements beyond it
DEFAULT_SEED = 22
FEW_SEGMENTS = 5  # rows with fewer coded segments in both groups together are flagged
ALPHA = 0.05

# The role group whose presence among the informants a relation's codes depend on most.
RELATION_ROLE = {"politicians": "politician", "ceo": "ceo_level", "units": "unit_leader"}

CONTRAST_NOTE = (
    "Unit: the interview. share = mean over the group's interviews of coded informant segments / "
    "informant segments; diff = share A - share B; p = permutation test over whole transcripts "
    "(group labels of interviews reassigned), two-sided; p Holm = Holm's correction over all "
    "rows. who = share of the group's informant segments spoken by the relation's role group "
    "(a difference there is who was interviewed, not what was said). Flags: 'one interview' = "
    "the higher group's coded segments come from one interview; 'few' = fewer than "
    f"{FEW_SEGMENTS} coded segments in all. Segment counts and segment z are descriptive only."
)


@dataclass(frozen=True, slots=True)
class PermutationDesign:
    """How the p values were obtained, and the smallest p this design can give."""

    a_interviews: int
    b_interviews: int
    arrangements: int  # C(n_a + n_b, n_a)
    exact: bool
    draws: int  # arrangements evaluated (= arrangements when exact)
    seed: int | None
    min_p: float

    def describe(self) -> str:
        if self.arrangements <= 1:
            return "no permutation test: a group has no interview with informant segments"
        total = str(self.arrangements) if self.arrangements < 10**9 else f"{self.arrangements:.3g}"
        how = (
            f"exact over all {total} arrangements"
            if self.exact
            else f"Monte Carlo, {self.draws} of {total} arrangements, seed {self.seed}"
        )
        return (
            f"permutation of {self.a_interviews} + {self.b_interviews} interviews, {how}; "
            f"smallest possible p = {self.min_p:.4g}"
        )


@dataclass(frozen=True, slots=True)
class ContrastRow:
    relation: str
    code_id: str
    label: str
    a_segments: int  # coded informant segments (descriptive)
    a_transcripts: int  # interviews of group A with the code (k of Contrast.a_interviews)
    a_cases: int  # municipalities of group A with the code
    a_share: float  # mean interview share
    a_segment_share: float  # pooled: coded segments / informant segments (descriptive)
    a_interview_shares: tuple[float, ...]
    b_segments: int
    b_transcripts: int
    b_cases: int
    b_share: float
    b_segment_share: float
    b_interview_shares: tuple[float, ...]
    difference: float  # a_share - b_share, the tested statistic
    p: float  # permutation p, two-sided
    p_holm: float
    a_role_share: float | None  # share of A's informant segments spoken by the relation's role
    b_role_share: float | None
    segment_z: float  # two-proportion z over segments: descriptive, not a test
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Contrast:
    group_a: tuple[str, ...]
    group_b: tuple[str, ...]
    a_base: int  # informant segments in group A
    b_base: int
    rows: tuple[ContrastRow, ...]
    design: PermutationDesign
    a_interviews: int = 0  # interviews with informant segments
    b_interviews: int = 0
    a_roles: dict[str, int] = field(default_factory=dict)  # informant segments per role group
    b_roles: dict[str, int] = field(default_factory=dict)
    note: str = CONTRAST_NOTE

    def significant(self, alpha: float = ALPHA) -> tuple[ContrastRow, ...]:
        return tuple(r for r in self.rows if r.p_holm < alpha)


def two_proportion_z(x1: int, n1: int, x2: int, n2: int) -> float:
    """z for H0: p1 == p2 with the pooled estimate; 0 when undefined (descriptive use only)."""
    if n1 == 0 or n2 == 0:
        return 0.0
    p = (x1 + x2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return 0.0 if se == 0 else (x1 / n1 - x2 / n2) / se


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p values (same order as `p`)."""
    m = len(p)
    if m == 0:
        return p.astype(float)
    order = np.argsort(p, kind="stable")
    scaled = (m - np.arange(m)) * p[order]
    adjusted = np.minimum(np.maximum.accumulate(scaled), 1.0)
    out = np.empty(m, dtype=float)
    out[order] = adjusted
    return out


def _arrangements(
    n_units: int, n_a: int, *, exact_limit: int, draws: int, seed: int
) -> tuple[np.ndarray, PermutationDesign, int]:
    """Boolean (arrangements x units) "in group A" matrix; the design; the observed row index
    (-1 for Monte Carlo, where the observed arrangement is counted separately)."""
    total = math.comb(n_units, n_a)
    n_b = n_units - n_a
    if n_a == 0 or n_b == 0:
        design = PermutationDesign(n_a, n_b, 1, True, 1, None, 1.0)
        return np.zeros((0, n_units), dtype=bool), design, -1
    if total <= exact_limit:
        m = np.zeros((total, n_units), dtype=bool)
        for i, chosen in enumerate(itertools.combinations(range(n_units), n_a)):
            m[i, list(chosen)] = True
        observed = 0  # units are ordered A first, so combinations() starts with the observed one
        min_p = (2 if n_a == n_b else 1) / total
        return m, PermutationDesign(n_a, n_b, total, True, total, None, min_p), observed
    rng = np.random.default_rng(seed)
    ranks = np.argsort(rng.random((draws, n_units)), axis=1)
    m = ranks < n_a
    return m, PermutationDesign(n_a, n_b, total, False, draws, seed, 1 / (draws + 1)), -1


def permutation_p(
    shares: np.ndarray,
    n_a: int,
    *,
    exact_limit: int = EXACT_LIMIT,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> tuple[np.ndarray, PermutationDesign]:
    """Two-sided permutation p per row of `shares` (rows x interviews, group A's interviews
    first, `n_a` of them) for the difference of mean interview shares."""
    n_units = shares.shape[1]
    m, design, observed = _arrangements(
        n_units, n_a, exact_limit=exact_limit, draws=draws, seed=seed
    )
    rows = shares.shape[0]
    if design.arrangements <= 1 or rows == 0:
        return np.ones(rows), design
    n_b = n_units - n_a
    obs = shares[:, :n_a].mean(axis=1) - shares[:, n_a:].mean(axis=1)
    tol = 1e-12 * max(1.0, float(np.abs(shares).max(initial=0.0)))
    hits = np.zeros(rows, dtype=np.int64)
    total = shares.sum(axis=1)
    for start in range(0, len(m), 4096):
        chunk = m[start : start + 4096].astype(float)  # (k, units)
        sum_a = shares @ chunk.T  # (rows, k)
        diff = sum_a / n_a - (total[:, None] - sum_a) / n_b
        hits += np.count_nonzero(np.abs(diff) >= np.abs(obs)[:, None] - tol, axis=1)
    if design.exact:
        assert observed == 0
        return hits / design.arrangements, design
    return (hits + 1) / (design.draws + 1), design


def _case_indices(names: tuple[str, ...], wanted: tuple[str, ...]) -> np.ndarray:
    folded = {n.casefold(): i for i, n in enumerate(names)}
    missing = [w for w in wanted if w.casefold() not in folded]
    if missing:
        known = ", ".join(n for n in names if n != "unknown") or "none"
        raise NotFoundError(f"unknown case {', '.join(map(repr, missing))} (known: {known})")
    return np.array([folded[w.casefold()] for w in wanted], dtype=np.int64)


def contrast(
    facts: CodingFacts,
    codebook: Codebook,
    group_a: tuple[str, ...],
    group_b: tuple[str, ...],
    *,
    level: str = "question",
    exact_limit: int = EXACT_LIMIT,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> Contrast:
    """Compare two groups of municipalities on every (relation, code) at `level`."""
    if not group_a or not group_b:
        raise UsageError("both groups need at least one municipality")
    dims = facts.dims
    ia = _case_indices(dims.cases, group_a)
    ib = _case_indices(dims.cases, group_b)
    if set(ia.tolist()) & set(ib.tolist()):
        raise UsageError("the two groups share a municipality")
    informant = facts.unit_mask()
    in_a = np.isin(dims.case_idx, ia) & informant
    in_b = np.isin(dims.case_idx, ib) & informant
    a_base, b_base = int(in_a.sum()), int(in_b.sum())
    # Interviews of each group with informant segments: the units of the permutation, A first.
    per_t = np.bincount(dims.transcript_idx[in_a], minlength=dims.n_transcripts)
    per_tb = np.bincount(dims.transcript_idx[in_b], minlength=dims.n_transcripts)
    t_a, t_b = np.flatnonzero(per_t), np.flatnonzero(per_tb)
    units = np.concatenate([t_a, t_b])
    unit_of = np.full(dims.n_transcripts, -1, dtype=np.int64)
    unit_of[units] = np.arange(len(units))
    unit_n = np.concatenate([per_t[t_a], per_tb[t_b]]).astype(float)
    n_a = len(t_a)
    t_case = np.zeros(dims.n_transcripts, dtype=np.int64)
    t_case[dims.transcript_idx] = dims.case_idx

    def roles(mask: np.ndarray) -> dict[str, int]:
        counts = np.bincount(dims.role_idx[mask], minlength=len(dims.roles))
        return {dims.roles[i]: int(c) for i, c in enumerate(counts) if c}

    a_roles, b_roles = roles(in_a), roles(in_b)
    order = code_order(codebook)
    grouped = grouped_positions(facts, codebook, level)
    keys: list[tuple[str, str]] = []
    coded: list[np.ndarray] = []
    for rel in RELATION_ORDER:
        for code_id in sorted(grouped.get(rel, {}), key=lambda c: (order.get(c, len(order)), c)):
            u = dims.distinct(grouped[rel][code_id])
            keys.append((rel, code_id))
            coded.append(u[(in_a | in_b)[u]])
    counts = np.zeros((len(keys), len(units)))
    for i, u in enumerate(coded):
        counts[i] = np.bincount(unit_of[dims.transcript_idx[u]], minlength=len(units))
    shares = counts / unit_n if len(units) else counts
    p, design = permutation_p(shares, n_a, exact_limit=exact_limit, draws=draws, seed=seed)
    p_holm = holm(p)
    rows: list[ContrastRow] = []
    for i, ((rel, code_id), u) in enumerate(zip(keys, coded, strict=True)):
        ua, ub = u[in_a[u]], u[in_b[u]]
        xa, xb = len(ua), len(ub)
        sa, sb = shares[i, :n_a], shares[i, n_a:]
        ma = float(sa.mean()) if len(sa) else 0.0
        mb = float(sb.mean()) if len(sb) else 0.0
        ta = np.unique(dims.transcript_idx[ua])
        tb = np.unique(dims.transcript_idx[ub])
        flags: list[str] = []
        higher = ta if ma >= mb else tb
        if xa + xb and len(higher) <= 1:
            flags.append("one interview")
        if xa + xb < FEW_SEGMENTS:
            flags.append("few")
        role = RELATION_ROLE.get(rel)
        rows.append(
            ContrastRow(
                relation=rel,
                code_id=code_id,
                label=codebook.get(code_id).label if code_id in codebook else code_id,
                a_segments=xa,
                a_transcripts=len(ta),
                a_cases=len(np.unique(t_case[ta])),
                a_share=ma,
                a_segment_share=xa / a_base if a_base else 0.0,
                a_interview_shares=tuple(float(s) for s in sa),
                b_segments=xb,
                b_transcripts=len(tb),
                b_cases=len(np.unique(t_case[tb])),
                b_share=mb,
                b_segment_share=xb / b_base if b_base else 0.0,
                b_interview_shares=tuple(float(s) for s in sb),
                difference=ma - mb,
                p=float(p[i]),
                p_holm=float(p_holm[i]),
                a_role_share=(a_roles.get(role, 0) / a_base if a_base else 0.0) if role else None,
                b_role_share=(b_roles.get(role, 0) / b_base if b_base else 0.0) if role else None,
                segment_z=two_proportion_z(xa, a_base, xb, b_base),
                flags=tuple(flags),
            )
        )
    return Contrast(
        group_a=tuple(group_a),
        group_b=tuple(group_b),
        a_base=a_base,
        b_base=b_base,
        rows=tuple(rows),
        design=design,
        a_interviews=n_a,
        b_interviews=len(t_b),
        a_roles=a_roles,
        b_roles=b_roles,
    )
