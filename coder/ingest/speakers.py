"""The one place that recognises speaker labels at the start of a line.

Supported forms (the label is what the participant is called; `content_start` points
at the first spoken character after it):

    Kari: ...              KARI: ...              Kari Nordmann: ...
    Kari Nordmann (ordfører): ...                 Jonas Gahr Støre (Ap): ...
    [Kari] ...             [Kari]: ...            **Kari:** ...      **Kari**: ...
    __Kari:__ ...          __Kari__: ...
    I: ...  Q: ...  Intervjuer: ...  Intervjuer 2: ...  Kommunalsjef helse: ...
    [00:01:23] Kari: ...   00:01:23 Kari: ...     (a leading timestamp sets start_ms)

A colon label must be followed by whitespace or the end of the line, and the label
must look like one: at most five tokens that are capitalised (name particles such as
"von"/"de" allowed), or a known role title first ("Kommunalsjef helse"), or a label
listed in the header. Sentences such as "Det er dette som er poenget: vi må ..." fail
these tests (lowercase words, a sentence-starting first word).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from coder.domain import RoleGroup
from coder.ingest.roles import infer_role

MAX_LABEL_TOKENS = 5
MAX_LABEL_CHARS = 60

_TS = r"(?:[\[(]?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?[ \t]+)?"
_COLON_RE = re.compile(
    r"[ \t]*" + _TS + r"(?P<label>[^\s:()\[\]*#>|\-–•\d][^:()\[\]\n]{0,79}?)[ \t]*"
    r"(?:\((?P<role>[^()\n]{1,60})\)[ \t]*)?:(?=[ \t]|$)[ \t]*"
)
_BOLD_RE = re.compile(
    r"[ \t]*" + _TS + r"\*\*(?P<label>[^*:\n]{1,80}?)[ \t]*(?P<c1>:)?[ \t]*\*\*"
    r"(?P<c2>[ \t]*:)?[ \t]*"
)
_UNDER_RE = re.compile(
    r"[ \t]*" + _TS + r"__(?P<label>[^_:\n]{1,80}?)[ \t]*(?P<c1>:)?[ \t]*__"
    r"(?P<c2>[ \t]*:)?[ \t]*"
)
_BRACKET_RE = re.compile(r"[ \t]*\[(?P<label>[^\[\]\n]{1,80})\][ \t]*:?[ \t]*")
_PAREN_SPLIT_RE = re.compile(r"(?P<name>.*?)[ \t]*\((?P<role>[^()]*)\)[ \t]*")
_TOKEN_RE = re.compile(r"[\w.'’\-]+")

_PARTICLES = frozenset({"von", "van", "de", "der", "den", "af", "av", "la", "le", "du", "di", "da"})
_QUALIFIERS = frozenset({"assisterende", "ass.", "ass", "konstituert", "fungerende", "fung."})
# Capitalised words that start sentences or notes, not speaker names.


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in text.split())


_NOT_NAMES = _words(
    "Det Den Dette Denne Disse Der Da De Dem Deres Vi Jeg Du Dere Han Hun Hen Men Og Så"
    " Hva Hvem Hvorfor Hvordan Hvilke Hvilken Når Hvis Om Også Altså Ja Nei Her Nå Kort"
    " Merk Obs NB Note Eksempel Eksempler Konklusjon Tema Sak Dato Tid Sted Kilde"
    " Referanse Oppsummering For Til Fra Etter Før Mitt Min Mine Vår Vårt Våre Poenget"
    " Problemet Utfordringen Resultat Resultatet Tips Vedtak Forslag Svaret Spørsmålet"
    " Punkt Mål Målet Grunnen Årsaken Bakgrunn Bakgrunnen Altså Derfor Likevel Uansett"
    " Alle Ingen Noen Mange Flere Begge Hele Kanskje Egentlig Selvfølgelig Først Deretter"
    " Til slutt Summen Totalt Les Se Husk Viktig Advarsel Fordi Siden Mens Dersom"
    " Ettersom Slik Sånn Vel Jo Nemlig Altså Dessuten Likeså The This That It We"
    " Tilstede Deltakere Deltagere Varighet Transkribert Transkribent Transkripsjon"
    " Opptak Lydfil Informanter Fil Emne Prosjekt Intervjudato Referat Stikkord"
)
# Bracketed transcription notes that are not speakers.
_ANNOTATIONS = _words(
    "latter ler pause stillhet uklart uhørbart utydelig avbrudd kryssprat støy"
    " inaudible laughter crosstalk silence unclear noise music musikk applaus"
    " usikker hoste kremt sukk avbrutt slutt start"
)


@dataclass(frozen=True, slots=True)
class LabelMatch:
    """A speaker label found at the start of a line."""

    name: str  # the label without brackets, bold markers, parenthesis or colon
    role_text: str | None  # text in parentheses after the name ("ordfører", "Ap")
    content_start: int  # column in the line where the spoken words start
    start_ms: int | None = None  # from a leading timestamp, if any


def speaker_key(name: str) -> str:
    """Identity of a speaker label: whitespace-collapsed and casefolded ("KARI" == "Kari")."""
    return " ".join(name.split()).casefold()


def timestamp_ms(ts: str) -> int:
    """ "01:02:03.5" / "02:03" -> milliseconds (hours optional)."""
    main, _, frac = ts.replace(",", ".").partition(".")
    parts = [int(p) for p in main.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    ms = int((frac + "000")[:3]) if frac else 0
    return ((h * 60 + m) * 60 + s) * 1000 + ms


def _starts_with_role(tokens: list[str]) -> bool:
    i = 0
    while i < len(tokens) - 1 and tokens[i].casefold() in _QUALIFIERS:
        i += 1
    return infer_role(tokens[i])[0] is not RoleGroup.OTHER


def plausible_label(name: str, known: Collection[str] = ()) -> bool:
    """Does `name` look like a speaker label rather than the start of a sentence?"""
    name = name.strip()
    if not name or len(name) > MAX_LABEL_CHARS:
        return False
    if known and speaker_key(name) in known:
        return True
    tokens = name.split()
    if len(tokens) > MAX_LABEL_TOKENS:
        return False
    if any(not _TOKEN_RE.fullmatch(t) for t in tokens):
        return False
    if _starts_with_role(tokens):
        return True
    first = tokens[0]
    if not first[0].isupper() or first.casefold() in _NOT_NAMES:
        return False
    return all(t[0].isupper() or t[0].isdigit() or t.casefold() in _PARTICLES for t in tokens[1:])


def _split_paren(label: str, role: str | None) -> tuple[str, str | None]:
    if role is None:
        m = _PAREN_SPLIT_RE.fullmatch(label)
        if m and m.group("name").strip():
            return m.group("name").strip(), m.group("role").strip() or None
    return label.strip(), role.strip() if role else None


def match_label(line: str, known: Collection[str] = ()) -> LabelMatch | None:
    """Return the speaker label that starts `line`, or None.

    `known` holds speaker keys (see speaker_key) listed in the header or found as bold
    runs in a document; they are accepted even when the heuristic would doubt them.
    """
    head = line.lstrip(" \t")
    if not head:
        return None
    c = head[0]
    if c in "*_":
        m = (_BOLD_RE if c == "*" else _UNDER_RE).match(line)
        if m is None or not (m.group("c1") or m.group("c2")):
            return None
    elif c == "[" and not head[1:2].isdigit():
        m = _BRACKET_RE.match(line)
        if m is None or m.group("label").strip().casefold() in _ANNOTATIONS:
            return None
        name, role = _split_paren(m.group("label"), None)
        if not plausible_label(name, known):
            return None
        return LabelMatch(name, role, m.end())
    else:
        if ":" not in line[:200]:
            return None
        m = _COLON_RE.match(line)
        if m is None:
            return None
        bold_or_colon_role = m.group("role")
        name, role = _split_paren(m.group("label"), bold_or_colon_role)
        if not plausible_label(name, known):
            return None
        ts = m.group("ts")
        return LabelMatch(name, role, m.end(), timestamp_ms(ts) if ts else None)
    name, role = _split_paren(m.group("label"), None)
    if not plausible_label(name, known):
        return None
    ts = m.group("ts")
    return LabelMatch(name, role, m.end(), timestamp_ms(ts) if ts else None)
