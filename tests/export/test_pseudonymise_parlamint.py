"""Pseudonymisation on a real parliament transcript: no speaker or mentioned person survives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from coder.services import synthesis
from coder.services.importing import import_files
from coder.services.project import open_store
from coder.store.codings import CodingRepo
from coder.store.transcripts import TranscriptRepo

# People mentioned in the turns (not speakers), as read in the file by hand.
MENTIONED = """
Jan-Henrik Fredriksen; Gisle Meininger Saudland; Hans Andreas Limi; Marianne Sivertsen Næss;
Grunde Almeland; Åslaug Sem-Jacobsen; Sverre Myrli; Roy Steffensen; Tobias Hangaard Linge;
Audun Lysbakken; Kirsti Bergstø; Lars Haltbrekken; Andreas Sjalg Unneland; Lange;
Magdalena Andersson; Ulf Kristersson; Johan Ludwig Mowinckel; Fridtjof Nansen; Putin;
Jens Christian Hauge; Hersch Lauterpacht; Raphael Lemkin; Trump; Solberg; Jonas Gahr Støre;
Guterres; Gro Harlem Brundtland; Silje Hjemdal; Terje Halleland; Himanshu Gulati;
Geir Pollestad; Kjersti Hoff; Sofie Persdatter Sangnæs; Bård Hoksrud; Tone Wilhelmsen Trøen;
Helge André Njåstad; Lars Rem; Knut Arild Hareide; Rauand Ismail; Sofie Marhaug;
Birgit Oline Kjerstad; Biden
"""


@pytest.fixture(scope="module")
def parlamint(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    src = shared_dir / "realdata" / "parlamint-no" / "ParlaMint-NO_2022-03-22.speaker_turns.txt"
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('pm') / 'pm.sqlite'}")
    report = import_files(store, [src])
    assert not report.failed, report.failed
    with store.session() as s:
        repo = TranscriptRepo(s)
        (t,) = repo.list_transcripts()
        participants = repo.participants(t.id)
        codings = CodingRepo(s)
        for seg in repo.segments(t.id):
            codings.upsert_suggestion(seg.id, "C13", "auto", score=0.5, evidence=[], relation=None)
    yield store, src, participants
    store.dispose()


def _names(participants) -> set[str]:  # type: ignore[no-untyped-def]
    out: set[str] = set()
    for p in participants:
        out.update(re.findall(r"[^\W\d_]+", re.sub(r"\([^)]*\)", "", p.display_name)))
    for person in MENTIONED.replace("\n", " ").split(";"):
        out.update(re.findall(r"[^\W\d_]+", person))
    return {n for n in out if len(n) > 1}


# Ordinary words in the file that are also name parts, as read by hand: "Hans engasjement" is
# "his engagement" (sentence start, no name beside it), and stays.
ORDINARY_USES = ("Hans engasjement",)


def _survivors(text: str, names: set[str]) -> dict[str, int]:
    for use in ORDINARY_USES:
        text = text.replace(use, "")
    found = {}
    for n in names:
        hits = re.findall(rf"(?<![\w\[]){re.escape(n)}(?![\w])", text)
        if hits:
            found[n] = len(hits)
    return found


def test_no_name_survives_in_any_export(parlamint, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _src, participants = parlamint
    names = _names(participants)
    assert len(participants) == 38 and {"Morten", "Wold", "Kaski"} <= names
    # By the participant list and the name rules alone (no NER)...
    md = synthesis.export_quotes(
        store,
        tmp_path / "q.md",
        status="all",
        pseudonymise=True,
        key_path=tmp_path / "key.json",
        use_ner=False,
    )
    assert md.quotes == 136
    text = md.path.read_text(encoding="utf-8")
    assert _survivors(text, names) == {}
    # ... and with the Norwegian pipeline's entities when it is installed.
    docx = synthesis.export_quotes(store, tmp_path / "q.docx", status="all", pseudonymise=True)
    doc = Document(str(docx.path))
    assert _survivors("\n".join(p.text for p in doc.paragraphs), names) == {}
    csv_out = synthesis.export_quotes(
        store, tmp_path / "q.csv", status="all", pseudonymise=True, use_ner=False
    )
    assert _survivors(csv_out.path.read_text(encoding="utf-8-sig"), names) == {}
    # Speakers become role labels, mentioned people [Person n]; the key maps them back.
    assert "[Politiker 1]" in text and "[Person 1]" in text
    key = (tmp_path / "key.json").read_text(encoding="utf-8")
    assert "Morten Wold" in key and "Jan-Henrik Fredriksen" in key
    assert "Morten Wold" not in text


def test_place_and_party_names_stay(parlamint, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _src, _participants = parlamint
    out = synthesis.export_quotes(
        store, tmp_path / "q.md", status="all", pseudonymise=True, use_ner=False
    )
    text = out.path.read_text(encoding="utf-8")
    for word in ("Norge", "Stortinget", "Ukraina", "Russland", "Finnmark", "Senterpartiet", "Oslo"):
        assert word in text, word
