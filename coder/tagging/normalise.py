"""Word forms to compare with lexicon lemmas: the pipeline's lemma plus a light Bokmål stemmer.

The statistical lemmatizer is good but not perfect on this domain's compounds and spoken
forms, and tests may run on a blank pipeline with no lemmatizer at all. Every token is
therefore compared through a small set of candidate forms: its lemma, its lowercase text,
and the text with a common inflection ending removed (``skolene`` -> ``skole``,
``rådmannen`` -> ``rådmann``, ``sykehjemmet`` -> ``sykehjem``). A candidate only counts when
it equals a lexicon lemma, so the stemmer's over-eager guesses cost nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coder.language import bokmal_forms

# Longest first: noun, verb and adjective endings of Bokmål (with the -a feminine forms).
_ENDINGS = (
    "ene",
    "ane",
    "ende",
    "ers",
    "ens",
    "ets",
    "ne",
    "en",
    "et",
    "er",
    "ar",
    "te",
    "de",
    "a",
    "e",
    "s",
    "t",
    "r",
)
MIN_STEM = 3
_WORD = re.compile(r"[a-zæøåéèêóòôüäö]+(?:-[a-zæøåéèêóòôüäö]+)*")
_DOUBLE = re.compile(r"([bdfgklmnprst])\1$")
_VOWELS = set("aeiouyæøå")

# Spoken-language fillers and function words that never carry a code.
STOPWORDS = frozenset(
    [
        "og",
        "i",
        "jeg",
        "det",
        "at",
        "en",
        "et",
        "den",
        "til",
        "er",
        "som",
        "på",
        "de",
        "med",
        "han",
        "av",
        "ikke",
        "der",
        "så",
        "var",
        "meg",
        "seg",
        "men",
        "ett",
        "har",
        "om",
        "vi",
        "min",
        "mitt",
        "ha",
        "hadde",
        "hun",
        "nå",
        "over",
        "da",
        "ved",
        "fra",
        "du",
        "ut",
        "sin",
        "dem",
        "oss",
        "opp",
        "man",
        "kan",
        "hans",
        "hvor",
        "eller",
        "hva",
        "skal",
        "selv",
        "sjøl",
        "her",
        "alle",
        "vil",
        "bli",
        "ble",
        "blitt",
        "kunne",
        "inn",
        "når",
        "være",
        "kom",
        "noen",
        "noe",
        "ville",
        "dere",
        "som",
        "deres",
        "kun",
        "ja",
        "etter",
        "ned",
        "skulle",
        "denne",
        "for",
        "deg",
        "si",
        "sine",
        "sitt",
        "mot",
        "å",
        "meget",
        "hvorfor",
        "dette",
        "disse",
        "uten",
        "hvordan",
        "ingen",
        "din",
        "ditt",
        "blir",
        "samme",
        "hvilken",
        "hvilke",
        "sånn",
        "inni",
        "mellom",
        "vår",
        "hver",
        "hvem",
        "vors",
        "hvis",
        "både",
        "bare",
        "enn",
        "fordi",
        "før",
        "mange",
        "også",
        "slik",
        "vært",
        "være",
        "båe",
        "begge",
        "siden",
        "dykk",
        "dykkar",
        "dei",
        "deira",
        "deires",
        "deim",
        "di",
        "då",
        "eg",
        "ein",
        "eit",
        "eitt",
        "elles",
        "honom",
        "hjå",
        "ho",
        "hoe",
        "henne",
        "hennar",
        "hennes",
        "hoss",
        "hossen",
        "ikkje",
        "ingi",
        "inkje",
        "korleis",
        "korso",
        "kva",
        "kvar",
        "kvarhelst",
        "kven",
        "kvi",
        "kvifor",
        "me",
        "medan",
        "mi",
        "mine",
        "mykje",
        "no",
        "nokon",
        "noka",
        "nokor",
        "noko",
        "nokre",
        "si",
        "sia",
        "sidan",
        "so",
        "somt",
        "somme",
        "um",
        "upp",
        "vere",
        "vore",
        "verte",
        "vort",
        "varte",
        "vart",
        "jo",
        "altså",
        "liksom",
        "egentlig",
        "litt",
        "mye",
        "veldig",
        "også",
        "nok",
        "vel",
        "kanskje",
        "hm",
        "hmm",
        "eh",
        "ehm",
        "øh",
        "mm",
        "mhm",
        "nei",
        "ok",
        "okei",
        "greit",
        "akkurat",
        "helt",
        "sikkert",
        "ganske",
        "rett",
        "faktisk",
        "gjerne",
        "nettopp",
    ]
)


def words(text: str) -> list[str]:
    """Lowercase word forms of a text (letters, with inner hyphens), for fuzzy comparisons."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=200_000)
def candidates(form: str) -> tuple[str, ...]:
    """Possible dictionary forms of a lowercase word form, the form itself first."""
    form = form.lower()
    out = [form]
    if len(form) >= MIN_STEM + 1 and form.isalpha():
        for ending in _ENDINGS:
            if form.endswith(ending) and len(form) - len(ending) >= MIN_STEM:
                stem = form[: -len(ending)]
                out.append(stem)
                if stem[-1] not in _VOWELS:
                    out.append(stem + "e")  # gruppa -> gruppe, trenger -> trenge
                undoubled = _DOUBLE.sub(r"\1", stem)
                if undoubled != stem:
                    out.append(undoubled)  # sykehjemmet -> sykehjem
    # Nynorsk and dialect forms also count as their Bokmål equivalents (korleis -> hvordan,
    # einingsleiarane -> enhetsleder): the form's own right after it, its stems' at the end.
    nb_forms = [b for c in out for b in bokmal_forms(c)]
    if nb_forms:
        own = bokmal_forms(form)
        out = [form, *own, *out[1:], *nb_forms]
    return tuple(dict.fromkeys(out))


def token_forms(text: str, lemma: str) -> tuple[str, ...]:
    """Candidate forms of a token: its lowercase text first, then its lemma and stripped forms."""
    low = text.lower()
    lem = lemma.lower() if lemma else ""
    if len(lem) >= 3 and low == lem + "r":
        # a present-tense verb by the pipeline's analysis ("vi bruker", "administrasjonen
        # styrer"): only the verb's forms, or it would match the nouns bruker, styrer
        return candidates(lem)
    base = candidates(low)
    if lem and lem != low:
        return tuple(dict.fromkeys((low, lem, *base[1:], *candidates(lem)[1:])))
    return base


def normalise_text(text: str) -> str:
    """Lowercase text with slashes and punctuation as spaces ("stab/støtte" -> "stab støtte")."""
    return " ".join(words(text.replace("/", " ")))
