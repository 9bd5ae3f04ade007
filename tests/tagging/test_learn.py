"""Learning from decisions: a toy case where decisions teach a word the lexicon lacks."""

from __future__ import annotations

from collections import Counter
from typing import Any

from coder.codebook.model import Codebook
from coder.domain import Relation, RoleGroup
from coder.tagging.learn import Example, LearnedModel, evidence_terms, train
from coder.tagging.lexicon import doc_words
from coder.tagging.suggest import SegmentInput, Suggester, features


def _example(suggester: Suggester, nlp: Any, text: str, **kw: Any) -> Example:
    return Example(features(doc_words(nlp(text)), suggester.lexicon), **kw)


def _score(s: Suggester, text: str, code: str) -> float:
    out = s.suggest([SegmentInput(text, speaker="R", role=RoleGroup.UNIT_LEADER)])[0]
    return next((c.score for c in out.codes if c.code == code), 0.0)


def test_decisions_teach_new_words(
    codebook: Codebook, blank_nlp: Any, suggester: Suggester
) -> None:
    texts = [
        "Kantinedriften og vaskeriet får vi lite hjelp med fra rådhuset.",
        "Med vaskeriet og kantina står vi alene, ingen hjelp å få.",
        "Kantina sliter, og vaskeriet har ingen å ringe.",
    ]
    examples = [
        _example(suggester, blank_nlp, t, accepted=frozenset({"C15a"}), relation=Relation.UNITS)
        for t in texts
    ]
    model = train(examples)
    learned = Suggester(codebook, blank_nlp, model=model)
    probe = "Vaskeriet og kantina er et kapittel for seg."
    before, after = _score(suggester, probe, "C15a"), _score(learned, probe, "C15a")
    assert after > before + 0.1
    out = learned.suggest([SegmentInput(probe, speaker="R", role=RoleGroup.UNIT_LEADER)])[0]
    c15a = next(c for c in out.codes if c.code == "C15a")
    assert any(e.startswith("learned:") for e in c15a.evidence)


def test_rejected_terms_lose_weight(
    codebook: Codebook, blank_nlp: Any, suggester: Suggester
) -> None:
    text = "Lønn er en egen enhet hos oss nå."
    base = _score(suggester, text, "B5c")
    assert base > 0.3
    rejections = [
        Example(
            Counter({"egen": 1, "enhet": 1}),
            rejected=frozenset({"B5c"}),
            rejected_terms=(("B5c", "egen enhet"),),
        )
        for _ in range(4)
    ]
    model = train(rejections)
    assert model.term_factor("B5c", "egen enhet") < 0.5
    assert _score(Suggester(codebook, blank_nlp, model=model), text, "B5c") < base


def test_model_round_trips_through_json(blank_nlp: Any, suggester: Suggester) -> None:
    model = train(
        [
            _example(
                suggester,
                blank_nlp,
                "Formannskapet får gode saker.",
                accepted=frozenset({"C13a"}),
                relation=Relation.POLITICIANS,
                accepted_terms=(("C13a", "formannskap"),),
            ),
            _example(suggester, blank_nlp, "Rektorene ringer lønn.", rejected=frozenset({"C13a"})),
        ]
    )
    again = LearnedModel.from_json(model.to_json())
    assert again.to_json() == model.to_json()
    assert again.codes["C13a"].n == 1 and again.terms[("C13a", "formannskap")] == (1, 0)


def test_evidence_terms() -> None:
    assert evidence_terms(
        [
            "lemma:formannskap",
            "compound:skolelederne~skole",
            "question:C13 (80)",
            "phrase:via rådmannen",
        ]
    ) == ["formannskap", "skole", "via rådmannen"]
