"""The adversarial pseudonymisation transcript (written without seeing the code, copied from
/work/adversarial/pseudonym into tests/export/data/pseudonym), and the figures README states
for the demo and ../shared/realdata, measured by bench/pseudonym_quality.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import pseudonym_quality as pq


@pytest.mark.parametrize("name", ["pseudonym_traps.txt", "pseudonym_traps_nfd.txt"])
@pytest.mark.parametrize("use_ner", [False, True], ids=["rules", "ner"])
def test_every_trap(name: str, use_ner: bool) -> None:
    expected = pq.load_expected()
    tally = pq.measure_traps(pq.TRAPS / name, expected, use_ner)
    assert tally.items == len(expected) == 45
    assert (tally.leaks, tally.misattributed, tally.damaged) == (0, 0, 0), tally.examples


def test_nfd_text_gives_the_same_pseudonyms() -> None:
    plain, _ = pq.pseudonymise_traps(pq.TRAPS / "pseudonym_traps.txt", False)
    nfd, _ = pq.pseudonymise_traps(pq.TRAPS / "pseudonym_traps_nfd.txt", False)
    import unicodedata

    assert [unicodedata.normalize("NFC", o) for _, o in nfd] == [o for _, o in plain]


def test_trap_turns_read_as_written() -> None:
    turns, case = pq.read_traps(pq.TRAPS / "pseudonym_traps.txt")
    assert case == "Molde" and len(turns) == 12
    assert turns[4][1].startswith("Jeg snakket med Per\nOlav")


def test_demo_figures() -> None:
    tally = pq.measure_demo(use_ner=False)
    assert tally.texts > 400 and tally.labels > 50
    assert (tally.leaks, tally.misattributed, tally.damaged) == (0, 0, 0), tally.examples


def test_realdata_figures(shared_dir: Path) -> None:
    assert (shared_dir / "realdata" / "parlamint-no").is_dir()
    tally = pq.measure_realdata(use_ner=True)  # the NER took Ukraina and Sola for people
    assert tally.texts == 136
    assert (tally.leaks, tally.misattributed) == (0, 0), tally.examples
    # What is left (README): English titles and brand names the tagger calls PER.
    known = {"Freedom Fighter", "Tools Accelerator", "Cold Response", "Baricitinib", "Fortnite",
             "Holodomor", "Havpanelet"}  # fmt: skip
    damaged = {e.split("'")[1] for e in tally.examples if e.startswith("damaged")}
    assert damaged <= known and tally.damaged <= 8, tally.examples
