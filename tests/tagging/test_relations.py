"""Relation scoring: relation words, words near staff/support words, speaker, question, evidence."""

from __future__ import annotations

from coder.domain import Relation, RoleGroup
from coder.tagging.suggest import SegmentInput, Suggester


def _one(suggester: Suggester, text: str, role: RoleGroup | None = None) -> object:
    return suggester.suggest([SegmentInput(text, role=role, speaker="X" if role else None)])[0]


def test_relation_words_decide(suggester: Suggester) -> None:
    cases = {
        "Formannskapet og de folkevalgte ringer økonomisjefen direkte.": Relation.POLITICIANS,
        "Rådmannen og kommunalsjefene i ledergruppa bestiller analyser fra oss.": Relation.CEO,
        "Rektorene og styrerne på barnehagene trenger mer hjelp med lønn.": Relation.UNITS,
        "Ute på sykehjemmene og i hjemmetjenesten merker de lite til stab.": Relation.UNITS,
    }
    for text, rel in cases.items():
        s = _one(suggester, text, RoleGroup.STAFF_SUPPORT)
        assert s.relation is rel, text  # type: ignore[attr-defined]


def test_speaker_role_counts_and_is_evidence(suggester: Suggester) -> None:
    s = _one(suggester, "Vi får det vi trenger, stort sett.", RoleGroup.POLITICIAN)
    assert s.relation is Relation.POLITICIANS  # type: ignore[attr-defined]
    assert "speaker:politician" in s.relations[0].evidence  # type: ignore[attr-defined]


def test_relation_words_near_staff_words_weigh_more(suggester: Suggester) -> None:
    s = _one(
        suggester,
        "Økonomiavdelingen ringer enhetslederne hver måned. Politikerne hører vi lite fra.",
        RoleGroup.STAFF_SUPPORT,
    )
    assert s.relation is Relation.UNITS  # type: ignore[attr-defined]
    assert any(e.startswith("near-staff:") for e in s.relations[0].evidence)  # type: ignore[attr-defined]


def test_relation_steers_parallel_items(suggester: Suggester) -> None:
    ceo = _one(
        suggester, "Kommunikasjonen med rådmannen går på faste møter.", RoleGroup.STAFF_SUPPORT
    )
    units = _one(
        suggester, "Kommunikasjonen med rektorene går på faste møter.", RoleGroup.STAFF_SUPPORT
    )
    ceo_codes = [c.code for c in ceo.codes[:3]]  # type: ignore[attr-defined]
    unit_codes = [c.code for c in units.codes[:3]]  # type: ignore[attr-defined]
    assert "C14c" in ceo_codes and "C15c" not in ceo_codes[:1]
    assert "C15c" in unit_codes and "C14c" not in unit_codes[:1]


def test_every_suggestion_has_evidence_and_a_score_in_range(suggester: Suggester) -> None:
    s = _one(
        suggester,
        "Vi i formannskapet får tertialrapporter, men mister oversikten over driften.",
        RoleGroup.POLITICIAN,
    )
    assert s.codes  # type: ignore[attr-defined]
    for c in s.codes:  # type: ignore[attr-defined]
        assert 0.0 <= c.score <= 1.0
        assert c.evidence, c
    scores = [c.score for c in s.codes]  # type: ignore[attr-defined]
    assert scores == sorted(scores, reverse=True)
    assert s.codes[0].code.startswith("C13d")  # type: ignore[attr-defined]


def test_no_evidence_means_no_relation(suggester: Suggester) -> None:
    s = _one(suggester, "Det er riktig.")
    assert s.relation is None  # type: ignore[attr-defined]


def test_speaking_as_we_weighs_the_speakers_own_side(suggester: Suggester) -> None:
    text = "Vi har skoler og sykehjem, og vi følger opp enhetene våre på økonomi hver måned."
    ceo = _one(suggester, text, RoleGroup.CEO_LEVEL)
    ceo_ev = {r.relation: r.evidence for r in ceo.relations}  # type: ignore[attr-defined]
    assert "own-side:ceo_level" in ceo_ev[Relation.CEO]
    # staff and support speak for no relation of their own
    staff = _one(suggester, text, RoleGroup.STAFF_SUPPORT)
    assert not any(
        e.startswith("own-side:")
        for r in staff.relations  # type: ignore[attr-defined]
        for e in r.evidence
    )


def test_ledelsen_alone_is_the_administrative_leadership(suggester: Suggester) -> None:
    s = _one(suggester, "Vi skal være en sparringspartner for ledelsen.", RoleGroup.STAFF_SUPPORT)
    assert s.relation is Relation.CEO  # type: ignore[attr-defined]
    politics = _one(suggester, "Vi skriver sakene for politisk ledelse.", RoleGroup.STAFF_SUPPORT)
    assert politics.relation is Relation.POLITICIANS  # type: ignore[attr-defined]


def test_policy_area_compounds_are_not_the_politicians(suggester: Suggester) -> None:
    s = _one(suggester, "Vi har laget en ny arbeidsgiverpolitikk og en lønnspolitikk.")
    assert s.relation is None  # type: ignore[attr-defined]
    s = _one(suggester, "Det handler om politikk, ikke om fag.")
    assert s.relation is Relation.POLITICIANS  # type: ignore[attr-defined]


def test_a_choice_is_not_an_election(suggester: Suggester) -> None:
    s = _one(suggester, "Valget kommunene står overfor er hvor skreddersydd avtalene skal være.")
    assert s.relation is None  # type: ignore[attr-defined]


def test_present_tense_verbs_match_as_verbs_only() -> None:
    from coder.tagging.normalise import candidates, token_forms

    # "vi bruker" (lemma bruke) is no "bruker" (a user); "brukerne" (lemma bruker) is
    assert "bruker" not in token_forms("bruker", "bruke")
    assert token_forms("bruker", "bruke") == candidates("bruke")
    assert "bruker" in token_forms("brukerne", "bruker")
    assert "bruker" in token_forms("bruker", "")  # no pipeline lemma: the form stays


def test_a_speaker_naming_their_own_side_is_evidence_without_a_speaker_label(
    suggester: Suggester,
) -> None:
    text = "For oss kommunalsjefene er det viktig at skolene får gode tall fra økonomi."
    s = _one(suggester, text)
    assert s.relation is Relation.CEO  # type: ignore[attr-defined]
    assert "self:kommunalsjef" in s.relations[0].evidence  # type: ignore[attr-defined]
    s = _one(suggester, "Vi er fritidspolitikere, og budsjettet er tykt.")
    assert s.relation is Relation.POLITICIANS  # type: ignore[attr-defined]
    # naming another side is no self-naming
    s = _one(suggester, "De trenger hjelp fra kommunalsjefene, sier rektorene.")
    assert not any(  # type: ignore[attr-defined]
        e.startswith("self:") for r in s.relations for e in r.evidence
    )
