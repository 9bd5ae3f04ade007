"""Which written standard a transcript is in: Bokmål (``nb``) or Nynorsk (``nn``).

Stord and Flora write Nynorsk, so a transcript from there often is too. A ``language:``
header always wins; without one the text is judged by frequent function words that exist in
only one of the two standards (``ikkje``/``ikke``, ``eg``/``jeg``, ``kva``/``hva`` ...).
Spoken dialect in a Bokmål transcript ("eg veit ikkje") gives a few Nynorsk-looking words, so
Nynorsk must clearly outweigh Bokmål before it is chosen.
"""

from __future__ import annotations

import re

LANGUAGES = ("nb", "nn")
DEFAULT = "nb"

NYNORSK_MARKERS = frozenset(
    ["ikkje", "eg", "kva", "korleis", "kvifor", "kven", "kvar", "dei", "berre", "noko", "nokon", "mykje", "frå", "vere", "vore", "ein", "eit", "sjølv", "heile", "fleire", "dykk", "difor", "då", "meir", "gjere", "seie", "vart", "kome", "sjå", "ho", "hjå", "nokre", "kvarandre", "mellom", "eigen", "eiga", "eige", "eigne", "mogleg", "vanskeleg", "tilsette", "einingane", "eininga", "leiarane", "leiaren"]
)
BOKMAL_MARKERS = frozenset(
    ["ikke", "jeg", "hva", "hvordan", "hvorfor", "hvem", "hver", "de", "bare", "noe", "noen", "mye", "fra", "være", "vært", "en", "et", "selv", "hele", "flere", "dere", "derfor", "nå", "mer", "gjøre", "si", "ble", "komme", "se", "hun", "hos", "hverandre", "egen", "eget", "egne", "mulig", "vanskelig", "ansatte", "enhetene", "enheten", "lederne", "lederen"]
)
_WORD = re.compile(r"[a-zæøåòôé]+")
MIN_HITS = 3
RATIO = 1.5


def marker_counts(text: str) -> tuple[int, int]:
    """How many Nynorsk-only and Bokmål-only marker words the text has."""
    nn = nb = 0
    for word in _WORD.findall(text.lower()):
        if word in NYNORSK_MARKERS:
            nn += 1
        elif word in BOKMAL_MARKERS:
            nb += 1
    return nn, nb


def detect_language(text: str) -> str:
    """``nn`` when Nynorsk marker words clearly outnumber Bokmål ones, else ``nb``."""
    nn, nb = marker_counts(text)
    return "nn" if nn >= MIN_HITS and nn > RATIO * nb else DEFAULT


def transcript_language(header_value: str | None, text: str, notes: list[str]) -> str:
    """The header's language when it names one of the two standards, else the detected one.

    A header value that names neither is noted (not an error: the transcript still imports)."""
    named = normalise_language(header_value)
    if named:
        return named
    found = detect_language(text)
    if header_value:
        notes.append(f"header language {header_value!r} is neither nb nor nn; detected {found}")
    return found


def normalise_language(value: str | None) -> str | None:
    """A header's language as ``nb``/``nn`` (accepts no, nob, nno, bokmål, nynorsk), or None."""
    if not value:
        return None
    v = value.strip().lower()
    if v in ("nb", "nob", "bokmål", "bokmal", "no", "nor", "norsk"):
        return "nb"
    if v in ("nn", "nno", "nynorsk"):
        return "nn"
    return None
