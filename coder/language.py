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


# Nynorsk -> Bokmål, so that one set of (Bokmål) lexicons, relation words and role titles
# serves both standards. Whole words: function words and common verbs of interview speech.
_NN_WORDS: dict[str, tuple[str, ...]] = {
    "ikkje": ("ikke",),
    "eg": ("jeg",),
    "me": ("vi",),
    "kva": ("hva",),
    "korleis": ("hvordan",),
    "kvifor": ("hvorfor",),
    "kven": ("hvem",),
    "kvar": ("hver", "hvor"),
    "kor": ("hvor",),
    "dei": ("de",),
    "dykk": ("dere",),
    "berre": ("bare",),
    "noko": ("noe",),
    "nokon": ("noen",),
    "nokre": ("noen",),
    "mykje": ("mye",),
    "frå": ("fra",),
    "vere": ("være",),
    "vore": ("vært",),
    "ein": ("en",),
    "eit": ("et",),
    "sjølv": ("selv",),
    "heile": ("hele",),
    "fleire": ("flere",),
    "difor": ("derfor",),
    "då": ("da",),
    "no": ("nå",),
    "meir": ("mer",),
    "gjere": ("gjøre",),
    "seie": ("si",),
    "vart": ("ble",),
    "vert": ("blir",),
    "kome": ("komme",),
    "sjå": ("se",),
    "ho": ("hun",),
    "hjå": ("hos",),
    "eigen": ("egen",),
    "eige": ("eget",),
    "eigne": ("egne",),
    "kvarandre": ("hverandre",),
    "òg": ("også",),
    "gjeld": ("gjelder",),
    "ligg": ("ligger",),
    "trur": ("tror",),
    "tru": ("tro",),
    "veit": ("vet",),
    "tykkjer": ("synes",),
    "synest": ("synes",),
    "høyre": ("høre",),
    "høyrer": ("hører",),
}
# Stems that also stand inside compounds and inflected forms (einingsleiarane ->
# enhetsledere after the ending is stripped): longest first, so "heimeteneste" wins
# over "teneste".
_NN_STEMS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "eining": "enhet",
            "leiar": "leder",
            "leiing": "ledelse",
            "tilsett": "ansatt",
            "tenest": "tjenest",
            "verksemd": "virksomhet",
            "politikar": "politiker",
            "ordførar": "ordfører",
            "folkevald": "folkevalgt",
            "utval": "utvalg",
            "rådgjevar": "rådgiver",
            "gjevar": "giver",
            "handsam": "behandl",
            "avgjerd": "avgjørelse",
            "skule": "skole",
            "sjukeheim": "sykehjem",
            "heimetenest": "hjemmetjenest",
            "sjuk": "syk",
            "oppgåve": "oppgave",
            "tilhøve": "forhold",
            "løysing": "løsning",
            "røynsle": "erfaring",
            "styresmakt": "myndighet",
            "mynde": "myndighet",
            "innbyggjar": "innbygger",
            "brukar": "bruker",
            "statsforvaltar": "statsforvalter",
            "rekneskap": "regnskap",
            "kvardag": "hverdag",
            "ynskje": "ønske",
            "ønskje": "ønske",
            "tenking": "tenkning",
            "byrje": "begynne",
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)
_NN_ADJ = (("lege", "lige"), ("legt", "lig"), ("leg", "lig"))


def bokmal_forms(form: str) -> tuple[str, ...]:
    """Bokmål equivalents of a lowercase (Nynorsk or dialect) word form; () when none differ.

    Used beside, never instead of, the form itself: a candidate only matters when it equals
    a lexicon word, so a guess that is not Bokmål costs nothing."""
    out: list[str] = list(_NN_WORDS.get(form, ()))
    stemmed = form
    for nn, nb in _NN_STEMS:
        if nn in stemmed and not (nb.startswith(nn) and nb in stemmed):
            stemmed = stemmed.replace(nn, nb)
    for nn, nb in _NN_ADJ:
        if stemmed.endswith(nn) and len(stemmed) >= len(nn) + 3:
            stemmed = stemmed[: -len(nn)] + nb
            break
    if stemmed != form:
        out.append(stemmed)
    return tuple(x for x in dict.fromkeys(out) if x != form)
