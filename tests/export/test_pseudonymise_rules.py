"""The pseudonymiser's rules on small texts."""

from __future__ import annotations

from coder.export.pseudonymise import ParticipantRef, Pseudonymiser, name_tokens_of

PEOPLE = [
    ParticipantRef(1, "Kari", "Kari Nordmann", "politician", "Flora"),
    ParticipantRef(2, "Rådmann", "Rådmann", "ceo_level", "Flora"),
    ParticipantRef(3, "Ole", "Ole Brumm", "unit_leader", "Hamar"),
    ParticipantRef(4, "Enhetsleder 2", "Enhetsleder 2", "unit_leader", "Hamar"),
    ParticipantRef(5, "Kari", "Kari Nordmann", "politician", "Flora"),  # same person, 2nd interview
]


def test_participants_get_consistent_role_labels() -> None:
    ps = Pseudonymiser(PEOPLE)
    assert ps.participant(1) == "[Politiker 1, Flora]"
    assert ps.participant(5) == "[Politiker 1, Flora]"
    assert ps.participant(2) == "[Rådmannsnivå 1, Flora]"
    assert ps.participant(3) == "[Enhetsleder 1, Hamar]"
    assert ps.participant(4) == "[Enhetsleder 2, Hamar]"
    assert ps.key()["[Politiker 1, Flora]"] == "Kari Nordmann"


def test_first_last_and_inflected_forms() -> None:
    ps = Pseudonymiser(PEOPLE)
    text = "Karis forslag, Kari's notat og Nordmanns svar. Kari Nordmann sa ja. Kari’s idé."
    out = ps.text(text)
    assert "Kari" not in out and "Nordmann" not in out
    assert out.startswith("[Politiker 1, Flora]s forslag, [Politiker 1, Flora]s notat")
    assert "[Politiker 1, Flora] sa ja" in out


def test_names_in_capitals_and_compounds() -> None:
    ps = Pseudonymiser(PEOPLE)
    assert ps.text("KARI NORDMANN sa det.") == "[Politiker 1, Flora] sa det."
    assert ps.text("Det var Kari-saken.") == "Det var [Politiker 1, Flora]-saken."
    assert ps.text("NAV og KS er med.") == "NAV og KS er med."


def test_role_words_and_places_stay() -> None:
    ps = Pseudonymiser(PEOPLE, ["Rådmannen i Flora møtte Stortinget og Hamar kommune."])
    out = ps.text("Rådmannen i Flora møtte Stortinget og Hamar kommune.")
    assert out == "Rådmannen i Flora møtte Stortinget og Hamar kommune."
    assert name_tokens_of("Morten Wold (FrP)") == ["Morten", "Wold"]
    assert name_tokens_of("Ordfører") == []


def test_non_participants_by_given_name_title_and_list() -> None:
    corpus = [
        "Vi snakket med Jan-Henrik Fredriksen i går. Fredriksens arbeid var viktig.",
        "Det sa utenriksminister Lange, og president Putin svarte.",
        "Forslag fra representantene Abc Defghij, Klmno Pqrst og Uvw Xyzæ ble vedtatt.",
        "Under Solberg-regjeringen ble det bedre.",
    ]
    ps = Pseudonymiser(PEOPLE, corpus)
    out = "\n".join(ps.text(t) for t in corpus)
    for name in ("Jan-Henrik", "Fredriksen", "Fredriksens", "Lange", "Putin", "Abc", "Defghij",
                 "Klmno", "Pqrst", "Uvw", "Xyzæ", "Solberg"):  # fmt: skip
        assert name not in out, name
    assert "[Person 1]s arbeid" in out
    assert "-regjeringen" in out
    # Later mentions anywhere are replaced too, consistently.
    assert ps.text("Fredriksen kom.") == "[Person 1] kom."


def test_ambiguous_given_names_at_sentence_start() -> None:
    ps = Pseudonymiser(PEOPLE, ["Hans bil var rød. Per dag kommer det ti."])
    assert ps.text("Hans bil var rød.") == "Hans bil var rød."
    assert ps.text("Per dag kommer det ti.") == "Per dag kommer det ti."
    # "Hans" is also "his": alone at a sentence start it needs evidence (a verb of speech).
    ps2 = Pseudonymiser(PEOPLE, ["Vi møtte Hans Olsen. Hans bil var rød. Hans sa nei."])
    out = ps2.text("Vi møtte Hans Olsen. Hans bil var rød. Hans sa nei.")
    assert out == "Vi møtte [Person 1]. Hans bil var rød. [Person 1] sa nei."


def test_entities_from_ner_are_used() -> None:
    def finder(texts):  # type: ignore[no-untyped-def]
        return [["Zorro Q"] if "Zorro" in t else [] for t in texts]

    ps = Pseudonymiser(PEOPLE, [], entities=finder, ner_texts=["Zorro Q var her."])
    assert ps.text("Zorro var her, og Q også.").startswith("[Person 1] var her")


def test_ner_entities_are_trusted_by_majority() -> None:
    texts = ["Ukraina ble angrepet.", "Ukraina trenger hjelp.", "Zelda Brekkestø og Ukraina."]

    def finder(batch):  # type: ignore[no-untyped-def]
        return [
            [("Ukraina", "GPE_LOC")],
            [("Ukraina", "GPE_LOC")],
            [("Zelda Brekkestø", "PER"), ("Ukraina", "PER")],
        ]

    ps = Pseudonymiser(PEOPLE, texts, entities=finder, ner_texts=texts)
    assert ps.text(texts[2]) == "[Person 1] og Ukraina."
    assert ps.text("Brekkestøs plan.") == "[Person 1]s plan."


def test_filename_scrub() -> None:
    ps = Pseudonymiser(PEOPLE)
    assert ps.filename("intervju_kari_nordmann.docx") == "intervju_anon_anon.docx"
    assert ps.filename("flora-1.txt") == "flora-1.txt"
