"""Question recognition and question context: paraphrases, partial questions, follow-ups."""

from __future__ import annotations

from typing import Any

import numpy as np

from coder.codebook.model import Codebook
from coder.domain import RoleGroup
from coder.tagging.questions import QuestionMatcher, looks_like_question
from coder.tagging.suggest import SegmentInput, Suggester


def test_paraphrased_guide_questions_are_recognised(codebook: Codebook) -> None:
    qm = QuestionMatcher(codebook)
    cases = {
        "Og hospitering – har dere noen slike ordninger?": "B9",
        "Hvor mange årsverk er det snakk om i stab og støtte?": "B6",
        "Går dere direkte til folk, eller går det via rådmannen?": "C13c",
        "Hva mener dere er de sterke og svake sidene ved modellen dere har valgt?": "D",
    }
    for text, code in cases.items():
        assert qm.ranked(text, 1)[0].code_id == code, text


def test_long_turns_do_not_match_one_word_items_perfectly(codebook: Codebook) -> None:
    qm = QuestionMatcher(codebook)
    text = "Vi har snakket mye om organisering i dag, og om hvordan rådhuset har det med enhetene"
    best = qm.ranked(text, 1)[0]
    assert best.code_id != "C15e.i.1" or best.score < 60


def test_context_runs_until_the_next_question(suggester: Suggester) -> None:
    segs = [
        SegmentInput("Har dere noen hospiteringsordninger?", role=RoleGroup.INTERVIEWER),
        SegmentInput("Ja, to av oss var ute et halvt år.", role=RoleGroup.STAFF_SUPPORT),
        SegmentInput("Det burde vi gjort mer av.", role=RoleGroup.CEO_LEVEL),
        SegmentInput("Hvor mange årsverk er det i stab og støtte?", role=RoleGroup.INTERVIEWER),
        SegmentInput("Rundt førti, tror jeg.", role=RoleGroup.STAFF_SUPPORT),
    ]
    out = suggester.suggest(segs)
    assert out[0].question == "B9" and [c.code for c in out[0].codes] == ["B9"]
    for i in (1, 2):
        assert out[i].codes[0].code == "B9"
        assert any(e.startswith("question:B9") for e in out[i].codes[0].evidence)
    assert out[3].question == "B6"
    assert out[4].codes[0].code == "B6"


def test_follow_up_small_talk_keeps_the_context(suggester: Suggester) -> None:
    segs = [
        SegmentInput("Hvor mange årsverk er det i stab og støtte?", role=RoleGroup.INTERVIEWER),
        SegmentInput("Rundt førti.", role=RoleGroup.STAFF_SUPPORT),
        SegmentInput("Ja vel?", role=RoleGroup.INTERVIEWER),
        SegmentInput("Og det er færre enn før.", role=RoleGroup.STAFF_SUPPORT),
    ]
    out = suggester.suggest(segs)
    assert out[2].question is None
    assert out[3].codes[0].code == "B6"


def test_unlabelled_paragraphs_ending_in_a_question_mark_set_context(suggester: Suggester) -> None:
    assert looks_like_question("Hvor mange årsverk har dere?")
    segs = [
        SegmentInput("Hvor mange årsverk er det i stab og støtte?"),
        SegmentInput("Rundt førti, og det ble kuttet litt i fjor."),
    ]
    out = suggester.suggest(segs)
    assert out[0].question == "B6"
    assert out[1].codes[0].code == "B6"


TURNS = [
    "Hvordan fungerer samspillet mellom politikerne og stab/støtte?",
    "Hva med rådmannens ledergruppe, får dere den styringsinformasjonen dere trenger?",
    "Mhm. Kan du si litt mer om det?",
    "Hvor mange årsverk er det i stab og støtte, og har det blitt kuttet?",
    "Hva trenger virksomhetslederne fra økonomi og personal i hverdagen?",
    "Er det noe du vil legge til til slutt?",
    # repeated words: the word-set ratio differs from the sorted-words ratio
    "Rådmannen, ja, rådmannen og kommunalsjefene: hvordan bruker rådmannen stab og støtte?",
]


def _reference(qm: QuestionMatcher, text: str) -> np.ndarray:
    """The scores with every fuzzy measure computed in full, straight from rapidfuzz."""
    from rapidfuzz import fuzz, process

    from coder.tagging.questions import _stems, content

    turn = content(text)
    turn_forms = {f for forms in _stems(text) for f in forms}

    def covers(guide_word: frozenset[str]) -> bool:  # equal, or one long form inside the other
        return any(
            f == g or (len(f) >= 5 and len(g) >= 5 and (f in g or g in f))
            for f in turn_forms
            for g in guide_word
        )

    cover = np.array(
        [sum(map(covers, g)) / len(g) if g else 0.0 for g in qm.guide_stems], dtype=float
    )
    ts = process.cdist([turn], qm.texts, scorer=fuzz.token_set_ratio)[0]
    pr = process.cdist([turn], qm.texts, scorer=fuzz.partial_ratio)[0]
    so = process.cdist([turn], qm.texts, scorer=fuzz.token_sort_ratio)[0]
    n_turn = max(1, len(turn.split()))
    short = np.minimum(1.0, (qm.lengths + 2) / n_turn)
    fuzzy = 0.45 * ts * (0.4 + 0.6 * short) + 0.25 * pr * short + 0.30 * so
    return 0.6 * fuzzy + 40.0 * cover * np.minimum(1.0, (qm.lengths + 3) / n_turn)


def test_the_fast_fuzzy_scores_equal_the_full_computation(codebook: Codebook) -> None:
    qm = QuestionMatcher(codebook)
    for text in TURNS:
        assert np.allclose(qm.scores(text), _reference(qm, text)), text


def test_scores_near_the_best_are_exact_when_only_those_are_computed(codebook: Codebook) -> None:
    qm = QuestionMatcher(codebook)
    bonus = np.zeros(len(qm.ids))
    scale = np.ones(len(qm.ids))
    for text in TURNS:
        full = _reference(qm, text) / 100.0
        fast = qm.scores(text, bonus=bonus, scale=scale, margin=0.14) / 100.0
        near = full >= full.max() - 0.14
        assert np.allclose(fast[near], full[near]), text
        assert np.all(fast <= full + 1e-9)  # elsewhere a lower bound
        assert int(np.argmax(fast)) == int(np.argmax(full))


def _variants(qm: QuestionMatcher) -> list[str]:
    """Turns near and far from the guide: the turns above, guide texts cut and mixed."""
    rng = np.random.default_rng(11)
    out = list(TURNS)
    for _ in range(60):
        a, b = (qm.texts[int(i)].split() for i in rng.integers(0, len(qm.texts), 2))
        words = a[: int(rng.integers(1, len(a) + 1))] + b[int(rng.integers(0, len(b))) :]
        if rng.random() < 0.3:
            words += TURNS[int(rng.integers(0, len(TURNS)))].split()
        out.append(" ".join(words))
    return out + ["Ja vel?", "Mhm.", "Og så?"]


def test_near_best_is_exact_where_the_caller_looks(codebook: Codebook) -> None:
    """Exact (bit for bit, as `scores` gives them) within the margin of a best that reaches
    the floor; a lower bound everywhere else; nothing at the floor when nothing reaches it."""
    qm = QuestionMatcher(codebook)
    rng = np.random.default_rng(5)
    margin, floor = 0.14, 0.36
    for text in _variants(qm):
        bonus = np.where(rng.random(len(qm.ids)) < 0.2, 0.3 * rng.random(len(qm.ids)), 0.0)
        scale = 0.75 + 0.25 * rng.random(len(qm.ids))
        exact = qm.scores(text)
        full = (exact / 100.0 + bonus) * scale
        fast = qm.near_best(text, bonus=bonus, scale=scale, margin=margin, floor=floor)
        final = (fast / 100.0 + bonus) * scale
        assert np.all(fast <= exact + 1e-9), text
        if full.max() >= floor:
            near = full >= full.max() - margin
            assert np.array_equal(fast[near], exact[near]), text
            assert int(np.argmax(final)) == int(np.argmax(full)), text
        else:
            assert final.max() < floor, text


# Interviewer turns whose best guide texts tie exactly (C14d.ii/C15d.ii share a text).
TIED = [
    "Gjør informasjonen det mulig å styre helhetlig og strategisk?",
    "Er informasjonen god nok til å ha kontroll med økonomien?",
]


def test_questions_from_near_best_equal_those_from_full_scores(
    codebook: Codebook, blank_nlp: Any
) -> None:
    """The suggester's question context is the same with near-best scores as with the scores
    of `scores(margin=...)`, also for exact ties (equal scores keep the guide's order, so the
    far codes' lower bounds never matter)."""
    segs: list[SegmentInput] = []
    for turn in [*TIED, *TURNS, *TIED]:
        segs.append(SegmentInput(turn, role=RoleGroup.INTERVIEWER))
        segs.append(SegmentInput("Vi får tall fra økonomi hver måned.", role=RoleGroup.CEO_LEVEL))
    fast = Suggester(codebook, blank_nlp)
    slow = Suggester(codebook, blank_nlp)
    full_scores = slow.questions.scores
    slow.questions.near_best = (  # type: ignore[method-assign]
        lambda text, *, floor, **kw: full_scores(text, **kw)
    )
    assert fast.suggest(segs) == slow.suggest(segs)


def test_equal_scores_keep_the_guide_order(codebook: Codebook, blank_nlp: Any) -> None:
    """Ties (parallel items share texts) come out in codebook order on every machine."""
    s = Suggester(codebook, blank_nlp)
    order = {c: i for i, c in enumerate(s.code_ids)}
    for out in s.suggest([SegmentInput("Kommunikasjonen går på faste møter.", speaker="X")]):
        for a, b in zip(out.codes, out.codes[1:], strict=False):
            assert a.score > b.score or (a.score == b.score and order[a.code] < order[b.code])
