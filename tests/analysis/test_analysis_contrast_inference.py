"""contrast at the level of the interview: a permutation of whole transcripts, checked against a
brute-force enumeration written out here, on projects whose shape is known by hand."""

from __future__ import annotations

import hashlib
import itertools
import math

import numpy as np
import pytest

from coder.analysis.contrast import holm, permutation_p, two_proportion_z
from coder.domain import CodingOrigin, CodingStatus, RoleGroup
from coder.errors import NotFoundError
from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft
from coder.services import synthesis
from coder.store.models import Coding
from coder.store.transcripts import TranscriptRepo

SEGMENTS = 30  # informant segments per interview


def _interview(name: str, case: str, informant: tuple[str, RoleGroup]) -> TranscriptDraft:
    """One interviewer question, then SEGMENTS informant turns."""
    turns = [("I", "Spørsmål?")] + [(informant[0], f"Svar nummer {i}.") for i in range(SEGMENTS)]
    parts, segs, pos = [], [], 0
    for i, (label, words) in enumerate(turns):
        start = pos + len(label) + 2
        parts.append(f"{label}: {words}\n\n")
        segs.append(SegmentDraft(ordinal=i, start=start, end=start + len(words), speaker=label))
        pos = start + len(words) + 2
    text = "".join(parts)
    return TranscriptDraft(
        source_path=name,
        source_name=name,
        format="txt",
        sha256=hashlib.sha256((name + text).encode()).hexdigest(),
        text=text,
        title=name,
        case_name=case,
        participants=[
            ParticipantDraft(label="I", display_name="I", role_group=RoleGroup.INTERVIEWER),
            ParticipantDraft(
                label=informant[0], display_name=informant[0], role_group=informant[1]
            ),
        ],
        segments=segs,
    )


POL = ("Ordfører", RoleGroup.POLITICIAN)
CEO = ("Rådmann", RoleGroup.CEO_LEVEL)
B_CASES = ("Arendal", "Stord", "Flora", "Kongsvinger")


def build(store, coded: dict[str, int], people: dict[str, tuple[str, RoleGroup]]) -> None:  # type: ignore[no-untyped-def]
    """Interviews H1, H2 (Hamar) and <case>1, <case>2 for the four others; `coded[name]` of
    the interview's informant turns carry C13 (politicians), coded by anna."""
    names = ["H1", "H2"] + [f"{c}{i}" for c in B_CASES for i in (1, 2)]
    with store.session() as s:
        repo = TranscriptRepo(s)
        for name in names:
            case = "Hamar" if name.startswith("H") else name[:-1]
            row = repo.add_draft(_interview(name, case, people.get(name, CEO)), repo.ensure_case(case).id)
            segs = [x for x in repo.segments(row.id) if x.ordinal > 0]
            for info in segs[: coded.get(name, 0)]:
                s.add(
                    Coding(
                        segment_id=info.id, code_id="C13a", coder="anna",
                        origin=CodingOrigin.MANUAL.value, status=CodingStatus.ACCEPTED.value,
                    )
                )  # fmt: skip


def brute_force_p(shares_a: list[float], shares_b: list[float]) -> float:
    """Two-sided p of the difference of mean interview shares over every relabelling."""
    pool = shares_a + shares_b
    n_a = len(shares_a)
    obs = abs(sum(shares_a) / n_a - sum(shares_b) / len(shares_b))
    hits = total = 0
    for chosen in itertools.combinations(range(len(pool)), n_a):
        a = [pool[i] for i in chosen]
        b = [pool[i] for i in range(len(pool)) if i not in chosen]
        total += 1
        hits += abs(sum(a) / len(a) - sum(b) / len(b)) >= obs - 1e-12
    return hits / total


def c13_row(result):  # type: ignore[no-untyped-def]
    return next(r for r in result.rows if (r.relation, r.code_id) == ("politicians", "C13"))


def test_who_was_interviewed_gives_a_large_z_but_no_evidence(store) -> None:  # type: ignore[no-untyped-def]
    # The finding's politicians C13 shape: in each two-level municipality one of the two interviews
    # is with a politician, who talks about politicians in 20 of 30 turns; Hamar interviewed only
    # the chief executive's level; rådmenn mention politicians once per interview.
    people = {f"{c}1": POL for c in B_CASES}
    coded = {"H1": 1, "H2": 1} | {f"{c}1": 20 for c in B_CASES} | {f"{c}2": 1 for c in B_CASES}
    build(store, coded, people)
    result = synthesis.contrast(store, ["Hamar"])
    assert set(result.group_b) == set(B_CASES)
    row = c13_row(result)
    # Segments: 2 of 60 against 84 of 240, read as independent: z far beyond 3.
    assert (row.a_segments, row.b_segments, result.a_base, result.b_base) == (2, 84, 60, 240)
    assert row.segment_z == pytest.approx(two_proportion_z(2, 60, 84, 240))
    assert row.segment_z < -4.5
    # Interviews: the same relabelling by hand gives 21 of 45 (15 with two low interviews in
    # Hamar's place, 6 with two politicians' interviews there).
    expected = brute_force_p([1 / 30] * 2, [20 / 30] * 4 + [1 / 30] * 4)
    assert expected == pytest.approx(21 / 45)
    assert row.p == pytest.approx(expected)
    assert row.p_holm >= row.p > 0.05
    assert result.design.exact and result.design.arrangements == 45
    assert result.design.min_p == pytest.approx(1 / 45)
    assert "exact over all 45 arrangements" in result.design.describe()
    assert "smallest possible p = 0.02222" in result.design.describe()
    # Who was interviewed is shown beside the row: no politician among Hamar's informants.
    assert row.a_role_share == 0.0 and row.b_role_share == pytest.approx(120 / 240)
    assert result.a_roles == {"ceo_level": 60}
    assert (row.a_transcripts, row.b_transcripts, row.b_cases) == (2, 8, 4)
    assert row.a_share == pytest.approx(1 / 30)
    assert row.b_share == pytest.approx((4 * 20 / 30 + 4 / 30) / 8)
    assert row.a_interview_shares == pytest.approx((1 / 30, 1 / 30))
    assert result.significant() == ()


def test_one_coders_extra_coding_of_one_transcript_is_not_significant(store) -> None:  # type: ignore[no-untyped-def]
    # A coder hand-codes 25 of H1's 30 informant turns; nothing else carries the code.
    build(store, {"H1": 25}, {})
    result = synthesis.contrast(store, ["Hamar"])
    row = c13_row(result)
    assert row.segment_z > 7  # 25 of 60 against 0 of 240
    # A row resting on one interview cannot go below n_small / (n_a + n_b) = 2/10.
    assert row.p == pytest.approx(brute_force_p([25 / 30, 0.0], [0.0] * 8)) == pytest.approx(0.2)
    assert "one interview" in row.flags
    assert result.significant() == ()


def test_a_difference_every_interview_shows_is_significant(store) -> None:  # type: ignore[no-untyped-def]
    # The test can find something: Hamar's two interviews code C13 in 20 and 21 turns, all
    # eight others in 1 or 2: the observed arrangement is the most extreme of 45.
    coded = {"H1": 20, "H2": 21} | {f"{c}{i}": i for c in B_CASES for i in (1, 2)}
    build(store, coded, {})
    row = c13_row(synthesis.contrast(store, ["Hamar"]))
    assert row.p == pytest.approx(1 / 45)
    assert row.flags == ()


def test_permutation_p_matches_enumeration_and_monte_carlo() -> None:
    rng = np.random.default_rng(5)
    shares = rng.random((6, 9))
    p, design = permutation_p(shares, 3)
    assert design.exact and design.arrangements == math.comb(9, 3)
    for i in range(6):
        assert p[i] == pytest.approx(brute_force_p(list(shares[i, :3]), list(shares[i, 3:])))
    mc, mc_design = permutation_p(shares, 3, exact_limit=10, draws=4000, seed=1)
    assert not mc_design.exact and mc_design.draws == 4000 and mc_design.seed == 1
    assert "Monte Carlo, 4000 of 84 arrangements, seed 1" in mc_design.describe()
    assert mc_design.min_p == pytest.approx(1 / 4001)
    assert np.allclose(mc, p, atol=0.03)
    again, _ = permutation_p(shares, 3, exact_limit=10, draws=4000, seed=1)
    assert np.array_equal(again, mc)  # seeded: the same figures every run
    _, large = permutation_p(rng.random((2, 400)), 40, draws=99)
    assert "Monte Carlo, 99 of 1.97e+55 arrangements, seed 22" in large.describe()
    # Equal group sizes: the mirror arrangement always ties, so 2 / C(n, k) is the floor.
    _, even = permutation_p(shares[:, :6], 3)
    assert even.min_p == pytest.approx(2 / 20)


def test_holm_by_hand() -> None:
    # m = 4: sorted 0.01, 0.02, 0.03, 0.5 -> 0.04, 0.06, 0.06 (monotone), 0.5
    adjusted = holm(np.array([0.03, 0.01, 0.5, 0.02]))
    assert adjusted == pytest.approx([0.06, 0.04, 0.5, 0.06])
    assert holm(np.array([0.9, 0.8])) == pytest.approx([1.0, 1.0])


def test_unknown_case_is_not_found(store) -> None:  # type: ignore[no-untyped-def]
    build(store, {}, {})
    with pytest.raises(NotFoundError, match="Nowhere"):
        synthesis.contrast(store, ["Hamar"], ["Nowhere"])
