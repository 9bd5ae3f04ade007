"""Pseudonymisation of exports: person names become consistent role labels or "[Person n]".

Who counts as a person: every participant (display names and person-like labels, each first,
middle and last name separately; a role label such as "Plan- og utviklingssjef" gives no names),
every PER entity the Norwegian pipeline finds, and name runs found by rules that hold when the
NER is unsure: a known given name or common surname, a capitalised word after a title
("utenriksminister Lange", "representantene A, B og C"), and the person in "Solberg-regjeringen".

Matching is by folded form: case-insensitive, without accents, Æ/Ø/Å as AE/O/A (and "aa" as
"a"), so "André", "andré", "ANDRE" and "Andre" are one name, in genitive and hyphenated forms too
("Karis", "Kari's", "Kari-saken"), and a name may run over a line break. A name part that is
also an ordinary word ("berg", "by", "plan", "andre", "per") or a place (a Norwegian
municipality, county or region, or a country) is a name only with evidence: next to another
part of the same person's name, capitalised inside a sentence (places excepted), followed by a
verb of speech at the start of a sentence, or tagged PER by the NER in that very text. Names in
lower case count only when they are no ordinary word ("andré", "ragnhild") or stand next to
another part of the same name ("som ragnhild eikeland sa").

Every text is pseudonymised in its scope (its transcript and municipality): a name is resolved
to a participant of the same transcript first, then of the same municipality; a full name
(given name and surname) may name a participant of another municipality, a given name or
surname alone never does: it becomes "[Person n]". Participants become "[Politiker 2, Flora]";
anyone else "[Person 3]". The key (pseudonym -> real name) is kept apart from every export.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from coder.analysis.stopwords import norwegian_stop_words
from coder.export.names_nb import (
    AMBIGUOUS_GIVEN,
    GIVEN_NAMES,
    ORDINARY_NAME_WORDS,
    ORG_ENDINGS,
    PERSON_COMPOUND_HEADS,
    SURNAMES,
    TITLE_ENDINGS,
)
from coder.export.places_nb import place_words

ROLE_NAMES: dict[str, str] = {
    "politician": "Politiker",
    "ceo_level": "Rådmannsnivå",
    "staff_support": "Stab/støtte",
    "unit_leader": "Enhetsleder",
    "interviewer": "Intervjuer",
    "other": "Deltaker",
}
# texts -> per text its entities as (text, label); a bare string counts as a PER entity
EntityFinder = Callable[[Sequence[str]], list[list[tuple[str, str]] | list[str]]]
_PER_LABELS = frozenset({"PER", "PERSON"})

_LETTER = r"[^\W\d_][\u0300-\u036f]*"  # a letter with its combining accents (NFD text)
_TOKEN = re.compile(rf"(?:{_LETTER})+(?:['’\-](?:{_LETTER})+)*", re.UNICODE)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_INITIAL_BEFORE = re.compile(r"(?<![\w.])([^\W\d_])\.[ \u00a0]$")  # "R. " before a surname
_INITIAL_AFTER = re.compile(r"[ \u00a0]([^\W\d_])\.")  # " E." after a given name
_NORDIC = str.maketrans({"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})
# Verbs after which a sentence-initial ordinary word is a name ("Per sa det selv").
_SPEECH_VERBS = frozenset(
    {"sa", "sier", "mente", "mener", "skrev", "skriver", "tenkte", "synes", "syntes", "spurte",
     "svarte", "foreslo", "ringte", "sendte", "fortalte", "forteller", "påpekte",
     "understreket", "gjorde", "fikk", "kom", "ba", "lovet", "nevnte"}
)  # fmt: skip
_SENTENCE_END = set('.!?:;«»"“”—–(')
_ENGLISH_SMALL = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "to",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "new",
        "international",
    ]
)
_PLACE_PREPOSITIONS = frozenset({"i", "på", "I", "På"})
_LIST_WORDS = frozenset({"og", "og/eller", "eller", "samt", "and"})
_POSSESSIVE = ("'s", "’s", "s", "'", "’")
_NOT_NAME_WORDS = frozenset(
    w.casefold()
    for w in [
        "Intervjuer",
        "Informant",
        "Deltaker",
        "Person",
        "Politiker",
        "Ordfører",
        "Rådmann",
        "Leder",
        "Moderator",
        "Stortinget",
        "Regjeringen",
        "Kommunen",
        "Presidenten",
        # Nynorsk and short party names the role module does not know
        "Høgre",
        "Raudt",
        "Venstre",
        "Arbeidarpartiet",
        "Framstegspartiet",
        "Kristeleg",
        "Miljøpartiet",
    ]
)


@dataclass(frozen=True, slots=True)
class ParticipantRef:
    """What the pseudonymiser needs to know about one participant."""

    id: int
    label: str
    display_name: str
    role_group: str
    case: str | None = None
    transcript: int | None = None  # the transcript the participant speaks in


@dataclass(frozen=True, slots=True)
class ScopedText:
    """A corpus text with the transcript and municipality it belongs to."""

    text: str
    transcript: int | None = None
    case: str | None = None


@dataclass(slots=True, eq=False)
class Person:
    pseudonym: str
    real: str
    tokens: set[str] = field(default_factory=set)  # folded name tokens
    participant: bool = False
    case: str | None = None  # folded municipality: a participant's, or a local [Person n]'s
    transcripts: set[int] = field(default_factory=set)
    surname: str | None = None  # folded last name of a participant


Scope = tuple[int | None, str | None]  # (transcript id, folded municipality)


@lru_cache(maxsize=131072)
def fold(word: str) -> str:
    """The matching form of a word: NFC, Æ/Ø/Å as AE/O/A, accents dropped, casefolded, "aa" as
    "a" ("André", "ANDRE" -> "andre"; "Bråten", "Braaten" -> "braten")."""
    s = unicodedata.normalize("NFC", word).translate(_NORDIC)
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return s.casefold().replace("aa", "a")


def _written(word: str) -> str:
    """The word as written, casefolded: accents kept ("andré" is no "andre")."""
    return unicodedata.normalize("NFC", word).casefold()


def _case_key(case: str | None) -> str | None:
    return fold(" ".join(case.split())) if case and case.strip() else None


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    """Ordinary words: the stop list, name parts that are everyday words, and the noun forms of
    the project's Norwegian pipeline when it is installed."""
    words = set(_stop_words()) | set(ORDINARY_NAME_WORDS) | set(AMBIGUOUS_GIVEN)
    table = (
        Path(__file__).resolve().parents[1]
        / "nlp/models/nb_coder_sm/coder_lemma_fixer/noun_forms.json"
    )
    try:
        forms = json.loads(table.read_text(encoding="utf-8")).get("forms", {})
        words.update(_written(w) for w in forms)
    except (OSError, ValueError, AttributeError):
        pass  # no pipeline in this build: the lists above still apply
    return frozenset(words)


@lru_cache(maxsize=1)
def _noun_forms() -> frozenset[str]:
    """Noun forms of the lexicon that are no stop words (heads of ordinary compounds)."""
    return _lexicon() - _stop_words() - ORDINARY_NAME_WORDS


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(fold(w) for w in place_words())


def _stop_words() -> frozenset[str]:
    return norwegian_stop_words()


@lru_cache(maxsize=1)
def _given() -> frozenset[str]:
    return frozenset(g.casefold() for g in GIVEN_NAMES)


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(s.casefold() for s in SURNAMES)


def _capitalised(tok: str) -> bool:
    """Title case, not an acronym ("NATO", "FNs", "NATO-øvelsen" are no names)."""
    return tok[:1].isupper() and not (len(tok) > 1 and tok[1].isupper())


def _suspended(text: str, end: int) -> bool:
    """A word cut before a hyphen and a space: the first half of "Sjø- og Luftfartsmuseum"."""
    return text[end : end + 1] == "-"


def _bases(tok: str) -> list[tuple[str, str]]:
    """(base, suffix) readings of a token: itself, and without a possessive ending."""
    out = [(tok, "")]
    for suf in _POSSESSIVE:
        if tok.endswith(suf) and len(tok) - len(suf) >= 2:
            out.append((tok[: -len(suf)], "s" if suf.endswith("s") else ""))
    return out


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n" or text[i] in _SENTENCE_END


_TITLE_RE = re.compile("(?:" + "|".join(sorted(TITLE_ENDINGS, key=len, reverse=True)) + ")$")
_ORG_RE = re.compile("(?:" + "|".join(sorted(ORG_ENDINGS, key=len, reverse=True)) + ")$")


@lru_cache(maxsize=65536)
def _is_title(word: str) -> bool:
    return _TITLE_RE.search(word.casefold()) is not None


@lru_cache(maxsize=65536)
def _is_org_word(word: str) -> bool:
    return _ORG_RE.search(word.casefold()) is not None


@lru_cache(maxsize=65536)
def _from_party_or_role(tok: str) -> bool:
    """Words that are roles or parties, never names (labels like "Ordfører", "(FrP)")."""
    if tok.casefold() in _NOT_NAME_WORDS:
        return True
    try:
        from coder.ingest.roles import infer_role, is_party
    except ImportError:  # the ingest package is always there; this only guards odd builds
        return False
    if is_party(tok):
        return True
    return infer_role(tok)[1] is not None


def _is_place(word: str) -> bool:
    """A municipality, county, region or country, also in the genitive ("Moldes")."""
    return any(fold(b) in _places() for b, _ in _bases(word))


def _place_compound(word: str) -> bool:
    """A compound of a place and an ordinary word: "Arendalskonferansen", "Stordbuen"."""
    key = fold(word)
    for i in range(3, len(key) - 3):
        if key[:i] in _places():
            rest = key[i + 1 :] if key[i] in "se" else key[i:]
            if len(rest) >= 4 and rest in _lexicon():
                return True
    return False


def name_tokens_of(name: str) -> list[str]:
    """The name-like words of a label or display name ("Kari Nordmann (Ap)" -> Kari, Nordmann)."""
    name = re.sub(r"\([^)]*\)", " ", name)
    out: list[str] = []
    for m in _TOKEN.finditer(name):
        tok = m.group()
        if len(tok) < 2 or not _capitalised(tok) or _from_party_or_role(tok):
            continue
        out.append(tok)
        if "-" in tok:
            out.extend(p for p in tok.split("-") if len(p) >= 2 and _capitalised(p))
    return out


def person_tokens_of(name: str) -> list[str]:
    """The name words of a participant's label or name. A role description ("Plan- og
    utviklingssjef", "Leder Fag og utvikling") gives only known given names and surnames
    and the words right after a given name ("Rådmann Kari Nordmann" -> Kari, Nordmann)."""
    toks = name_tokens_of(name)
    try:
        from coder.ingest.roles import infer_role
    except ImportError:  # the ingest package is always there; this only guards odd builds
        return toks
    if not toks or infer_role(name)[1] is None:
        return toks
    out: list[str] = []
    for tok in toks:
        key = tok.casefold()
        if key in _given() or key in _surnames() or (out and out[-1].casefold() in _given()):
            out.append(tok)
    return out


class Pseudonymiser:
    """Replaces person names consistently; build it over the whole corpus, then apply it to each
    text in its scope (`text(t, transcript=..., case=...)`)."""

    def __init__(
        self,
        participants: Sequence[ParticipantRef],
        corpus: Iterable[str | ScopedText] = (),
        *,
        entities: EntityFinder | None = None,
        ner_texts: Sequence[str | ScopedText] = (),
    ) -> None:
        self._people: list[Person] = []
        self._by_participant: dict[int, Person] = {}
        self._by_token: dict[str, list[Person]] = {}
        self._names: set[str] = set()  # folded tokens known to be names in this corpus
        self._participant_keys: set[str] = set()
        self._counters: dict[str, int] = {}
        self._strong: set[str] | None = None
        self._lower_words: set[str] = set()
        self._cap_words: set[str] = set()
        self._common: dict[str, int] = {}  # lower-case words written apart from any name
        self._after_place: set[str] = set()  # words written after "i" or "på": "på Eikefjord"
        self._ner: dict[str, set[str]] = {}  # text -> folded tokens of its PER entities
        self._add_participants(participants)
        docs = [d if isinstance(d, ScopedText) else ScopedText(d) for d in corpus]
        for d in docs:
            self._count_words(d.text)
        if entities is not None and ner_texts:
            scoped = [d if isinstance(d, ScopedText) else ScopedText(d) for d in ner_texts]
            self._add_entities(entities([d.text for d in scoped]), scoped)
        for d in docs:
            self._discover(d.text, (d.transcript, _case_key(d.case)))

    def _count_words(self, text: str) -> None:
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        keys = self._participant_keys
        for i, (start, _e, word) in enumerate(toks):
            (self._lower_words if word[:1].islower() else self._cap_words).add(word.casefold())
            if i and toks[i - 1][2] in _PLACE_PREPOSITIONS and text[toks[i - 1][1] : start] == " ":
                self._after_place.add(fold(word))
            if not word[:1].islower():
                continue
            near = (i and fold(toks[i - 1][2]) in keys) or (
                i + 1 < len(toks) and fold(toks[i + 1][2]) in keys
            )
            if not near:
                w = _written(word)
                self._common[w] = self._common.get(w, 0) + 1

    def _ordinary(self, word: str) -> bool:
        """An everyday word as written (accents kept): listed, or written in lower case apart
        from any name at least twice in the corpus."""
        w = _written(word)
        return w in _lexicon() or self._common.get(w, 0) >= 2

    def _add_entities(
        self, found: list[list[tuple[str, str]] | list[str]], texts: Sequence[ScopedText]
    ) -> None:
        """Persons from the tagger's PER entities, trusted by majority over the corpus: a word
        tagged PER once and a place or organisation elsewhere ("Ukraina") is no person."""
        mentions: list[tuple[str, bool, int]] = []
        for n, ents in enumerate(found):
            for ent in ents:
                text, label = (ent, "PER") if isinstance(ent, str) else ent
                mentions.append((" ".join(text.split()), label in _PER_LABELS, n))
        votes: dict[str, list[int]] = {}
        for text, is_per, _n in mentions:
            for key in {text.casefold(), *(t.casefold() for t in _TOKEN.findall(text))}:
                tally = votes.setdefault(key, [0, 0])
                tally[0 if is_per else 1] += 1

        def trusted(key: str) -> bool:
            per, other = votes.get(key, [0, 0])
            return per >= other

        for text, is_per, n in mentions:
            if not is_per or not trusted(text.casefold()):
                continue
            toks = [t for t in self._entity_tokens(text) if trusted(t.casefold())]
            if toks:
                doc = texts[n] if n < len(texts) else ScopedText("")
                self._ner.setdefault(doc.text, set()).update(fold(t) for t in toks)
                self._person_for(toks, " ".join(toks), (doc.transcript, _case_key(doc.case)))

    def _entity_tokens(self, entity: str) -> list[str]:
        """The name words of a PER entity; a lone word that the corpus also writes in lower
        case ("Det", "Staten") is more likely the tagger's slip than a name, and a place
        ("Ukraina", "Sola") is no person unless a participant carries it."""
        if any(_is_org_word(t) for t in _TOKEN.findall(entity)):
            return []  # "Kristeleg Folkeparti", "Sola Museum": an organisation, mis-tagged
        toks = [
            self._canonical(_head(t))
            for t in _TOKEN.findall(entity)
            if _capitalised(t)
            and len(t) >= 2
            and not _from_party_or_role(t)
            and not _is_title(t)
            and not _is_org_word(t)
        ]
        if toks and toks[-1].endswith("s") and toks[-1][:-1].casefold() in self._cap_words:
            toks[-1] = toks[-1][:-1]  # "Fredriksens" when "Fredriksen" occurs: the genitive
        toks = [
            t
            for t in toks
            if fold(t) in self._participant_keys or not (_is_place(t) or _place_compound(t))
        ]
        if len(toks) == 1:
            word = toks[0].casefold()
            known = word in _given() or word in _surnames() or fold(word) in self._names
            if not known and (word in self._lower_words or word in _stop_words()):
                return []
            if fold(word) not in self._participant_keys and self._ordinary(toks[0]):
                return []  # "Plan", "By": an everyday word the tagger took for a name
            if not known and self._compound_noun(toks[0]):
                return []  # "Prosjektetableringsstøtte", "Havpanelet": an ordinary compound
            if not known and fold(word) in self._after_place:
                return []  # "på Eikefjord", "i Sunndalsøra": a place the lists do not hold
        return [t for t in toks if t.casefold() not in _stop_words() or t.casefold() in _given()]

    def _compound_noun(self, word: str) -> bool:
        """A long compound whose head is an everyday noun of six letters or more that is no
        usual ending of a surname: "Forsvarsmateriell" (not "Lysbakken", "Salvesen")."""
        w = _written(word)
        if len(w) < 12 or w.endswith(("sen", "son", "sson")):
            return False  # surnames are seldom longer ("Skjævesland", "Haltbrekken")
        nouns = _noun_forms()
        for i in range(3, len(w) - 5):
            head = w[i:]
            if head in nouns and not {head, head[:-1], head[:-2]} & ORDINARY_NAME_WORDS:
                return True
        return False

    # -- building ----------------------------------------------------------------------------
    def _next_label(self, role: str, case: str | None) -> str:
        key = f"{role}|{case or ''}"
        self._counters[key] = self._counters.get(key, 0) + 1
        n = self._counters[key]
        return f"[{role} {n}, {case}]" if case else f"[{role} {n}]"

    def _index(self, person: Person, tokens: Iterable[str]) -> None:
        self._strong = None
        for t in tokens:
            key = fold(t)
            person.tokens.add(key)
            self._names.add(key)
            bucket = self._by_token.setdefault(key, [])
            if person not in bucket:
                bucket.append(person)

    def _add_participants(self, participants: Sequence[ParticipantRef]) -> None:
        seen: dict[tuple[str, str], Person] = {}
        ordered = sorted(participants, key=lambda p: ((p.case or "").casefold(), p.id))
        for p in ordered:
            shown = p.display_name or p.label
            key = ((p.case or "").casefold(), " ".join(shown.split()).casefold())
            person = seen.get(key)
            if person is None:
                role = ROLE_NAMES.get(p.role_group, ROLE_NAMES["other"])
                person = Person(
                    self._next_label(role, p.case), shown, participant=True, case=_case_key(p.case)
                )
                seen[key] = person
                self._people.append(person)
            if p.transcript is not None:
                person.transcripts.add(p.transcript)
            self._by_participant[p.id] = person
            shown_tokens = person_tokens_of(p.display_name) if p.display_name else []
            tokens = shown_tokens + person_tokens_of(p.label)
            if person.surname is None and shown_tokens:
                person.surname = fold(shown_tokens[-1] if "-" not in shown_tokens[-1]
                                      else shown_tokens[-1].split("-")[-1])  # fmt: skip
            self._index(person, tokens)
            self._participant_keys.update(fold(t) for t in tokens)

    def _person_for(self, tokens: list[str], real: str, scope: Scope) -> Person | None:
        """The person a name run found in the corpus stands for: None when it is a participant's
        name (resolved in each text's scope), else a non-participant, new or known."""
        keys = [fold(t) for t in tokens]
        if not keys:
            return None
        keyset = set(keys)
        for key in keys:
            for person in self._by_token.get(key, []):
                if person.participant and keyset <= person.tokens:
                    return None
        return self._other_person(tokens, keys, scope[1], real)

    def _other_person(
        self, tokens: list[str], keys: list[str], case: str | None, real: str
    ) -> Person:
        """A non-participant: one already known by these names or by the surname (the last
        word), in this municipality when it is local; else a new "[Person n]". A lone given
        name, or a name that is a participant's elsewhere, is local to its municipality."""
        keyset = set(keys)
        for key in reversed(keys):
            for person in self._by_token.get(key, []):
                if person.participant or (person.case is not None and person.case != case):
                    continue
                if keyset <= person.tokens or (key == keys[-1] and key not in _given_folded()):
                    self._index(person, tokens)
                    return person
        lone_given = len(keyset) == 1 and keys[0] in _given_folded()
        elsewhere = any(p.participant for k in keys for p in self._by_token.get(k, []))
        person = Person(
            self._next_label("Person", None), real, case=case if (lone_given or elsewhere) else None
        )
        self._people.append(person)
        self._index(person, tokens)
        return person

    def _canonical(self, tok: str) -> str:
        """A run word as a name token: without a possessive ending when the bare form is known."""
        for base, _ in _bases(tok):
            key = base.casefold()
            if fold(base) in self._names or key in _given() or key in _surnames():
                return base
        return tok

    def _triggers(self, text: str, toks: list[tuple[int, int, str]], i: int, listing: bool) -> bool:
        """Does the word at `i` start a name (given name, surname, after a title, in a list)?"""
        start, end, tok = toks[i]
        if not _capitalised(tok) or len(tok) < 2 or _from_party_or_role(tok):
            return False
        if _suspended(text, end):
            return False
        if fold(tok) not in self._participant_keys and (_is_place(tok) or _place_compound(tok)):
            return False
        forms = [b.casefold() for b, _ in _bases(tok)]
        parts = tok.split("-")
        if any(f in _given() or f in _surnames() for f in forms):
            alone = (
                i + 1 >= len(toks)
                or not _capitalised(toks[i + 1][2])
                or text[end : toks[i + 1][0]] not in (" ", "\u00a0")
            )
            return not (
                alone and tok.casefold() in AMBIGUOUS_GIVEN and _sentence_initial(text, start)
            )
        if len(parts) > 1 and all(_capitalised(p) for p in parts):
            return any(p.casefold() in _given() for p in parts)
        if tok.casefold() in _stop_words() or _sentence_initial(text, start):
            return False
        prev = toks[i - 1][2] if i else ""
        gap = text[toks[i - 1][1] : start] if i else ""
        after_title = bool(prev) and _is_title(prev) and gap in (" ", "\u00a0")
        return (after_title or listing) and not self._ordinary(tok)  # not "Leder Fag og ..."

    def _plain(self, tok: str) -> bool:
        """A capitalised word that could be part of a name and is no ordinary word of the corpus."""
        genitive = len(tok) > 3 and tok[-1] == "s" and tok[:-1].casefold() in self._cap_words
        return (
            _capitalised(tok)
            and not genitive
            and tok.casefold() not in _ENGLISH_SMALL
            and len(tok) >= 2
            and tok.casefold() not in self._lower_words
            and tok.casefold() not in _stop_words()
            and not _is_org_word(tok)
            and not _from_party_or_role(tok)
            and not _is_place(tok)
            and not _place_compound(tok)
        )

    def _weak_run(self, text: str, toks: list[tuple[int, int, str]], i: int) -> int | None:
        """End of a run of 2-4 unknown capitalised words inside a sentence ("..., Hersch
        Lauterpacht, var ..."): a name by shape, when none of the words is ever written in
        lower case in the corpus, nor is a role, party, institution or place word."""
        start, _end, tok = toks[i]
        if _sentence_initial(text, start) or not self._plain(tok):
            return None
        j = i + 1
        while j < len(toks) and j - i < 4:
            between = text[toks[j - 1][1] : toks[j][0]]
            if between not in (" ", "\u00a0") or not self._plain(toks[j][2]):
                break
            j += 1
        if j - i < 2 or _suspended(text, toks[j - 1][1]):
            return None
        if (
            j < len(toks)
            and text[toks[j - 1][1] : toks[j][0]] in (" ", "\u00a0")
            and _capitalised(toks[j][2])
        ):
            return None  # part of a longer capitalised title or organisation name
        return j

    def _discover(self, text: str, scope: Scope) -> None:
        """Find name runs by the given-name, surname, title, list and compound rules."""
        toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        stops = _stop_words()
        i = 0
        listing = False  # inside "representantene A B, C D og E F"
        while i < len(toks):
            start, _end, tok = toks[i]
            gap = text[toks[i - 1][1] : start] if i else ""
            in_list = listing and (gap.strip() == "," or (i and toks[i - 1][2] in _LIST_WORDS))
            weak_end = None
            if not self._triggers(text, toks, i, in_list):
                weak_end = self._weak_run(text, toks, i)
            if weak_end is not None:
                run = [t for _, _, t in toks[i:weak_end]]
                self._person_for(_split_hyphens(run), " ".join(run), scope)
                i = weak_end
                continue
            if not self._triggers(text, toks, i, in_list):
                parts = tok.split("-")
                if (
                    len(parts) > 1
                    and _capitalised(parts[0])
                    and parts[1][:1].islower()
                    and any(parts[1].startswith(h) for h in PERSON_COMPOUND_HEADS)
                    and not _is_org_word(parts[0])
                    and not _from_party_or_role(parts[0])
                ):
                    self._person_for([parts[0]], parts[0], scope)
                if tok not in _LIST_WORDS:
                    listing = _is_title(tok)
                i += 1
                continue
            run = [self._canonical(_head(tok))]
            j = i + 1
            while j < len(toks) and _head(toks[j - 1][2]) == toks[j - 1][2]:
                nxt = toks[j][2]
                if run[-1] != toks[j - 1][2]:
                    break  # a genitive ends a name: "Putins Russland"
                if _suspended(text, toks[j][1]):
                    break
                between = text[toks[j - 1][1] : toks[j][0]]
                if not _joinable(between) or not _capitalised(nxt) or len(nxt) < 2:
                    break
                if nxt.casefold() in stops and nxt.casefold() not in _given():
                    break
                if _from_party_or_role(nxt):
                    break
                run.append(self._canonical(_head(nxt)))
                j += 1
            self._person_for(_split_hyphens(run), " ".join(run), scope)
            listing = listing or in_list or (i > 0 and _is_title(toks[i - 1][2]))
            i = j

    # -- applying ----------------------------------------------------------------------------
    def is_name(self, word: str) -> bool:
        """True when `word` (any case, accents or none) is a name token known in this corpus.
        Deliberately broad, for word lists without context (distinctive terms): "berg" counts
        when someone is called Berg, since a dropped term costs less than a leaked name."""
        return any(fold(b) in self._names for b, _ in _bases(word))

    def participant(self, participant_id: int | None) -> str | None:
        if participant_id is None:
            return None
        person = self._by_participant.get(participant_id)
        return person.pseudonym if person else None

    def _strong_names(self) -> set[str]:
        """Name tokens carried by participants or found in several-word names in the corpus."""
        if self._strong is None:
            self._strong = set(self._participant_keys) | {
                t for p in self._people for t in p.tokens if len(p.tokens) > 1
            }
        return self._strong

    def _candidate(self, tok: str) -> _Cand | None:
        """The token as a known name: its base, possessive suffix, hyphen tail and how much
        evidence it needs ("strong": none, "weak": some, "lower": a neighbouring name part)."""
        head = tok
        tail = ""
        parts = tok.split("-")
        match = None
        compound = len(parts) > 1 and all(p[:1].islower() for p in parts[1:])
        for base, suffix in [] if compound else _bases(tok):
            if fold(base) in self._names:
                match = (base, suffix)
                break
        if match is None and compound:
            head, tail = parts[0], "-" + "-".join(parts[1:])  # "Eikeland-rapporten"
            for base, suffix in _bases(head):
                if fold(base) in self._names:
                    match = (base, suffix)
                    break
        if match is None:
            return None
        base, suffix = match
        key = fold(base)
        special = self._ordinary(head) or self._ordinary(base) or _is_place(base)
        if _capitalised(head):
            kind = "weak" if special else "strong"
        elif head.isupper() and len(head) >= 2:
            if key not in self._strong_names() or (len(head) < 3 and not special):
                return None  # an acronym ("NAV", "KS")
            kind = "weak" if special else "strong"
        elif head[:1].islower():
            if key not in self._participant_keys:
                return None
            kind = "lower" if special else "strong"
        else:
            return None
        return _Cand(base, suffix, tail, key, kind, _is_place(base))

    def _shares_person(self, a: str, b: str) -> bool:
        return any(b in p.tokens for p in self._by_token.get(a, []))

    def _accepted(
        self, text: str, toks: list[re.Match[str]], cands: list[_Cand | None], i: int, ner: set[str]
    ) -> bool:
        c = cands[i]
        if c is None:
            return False
        if c.kind == "strong":
            return True
        for j in (i - 1, i + 1):
            if 0 <= j < len(toks) and cands[j] is not None:
                left, right = (j, i) if j < i else (i, j)
                left_c = cands[left]
                assert left_c is not None
                gap = text[toks[left].end() : toks[right].start()]
                if (
                    _joinable(gap)
                    and not left_c.suffix
                    and not left_c.tail
                    and self._shares_person(c.key, cands[j].key)  # type: ignore[union-attr]
                ):
                    return True
        if c.kind == "lower":
            return False
        if c.key in ner and not c.place:
            return True
        start = toks[i].start()
        if c.place:
            return False
        if not _sentence_initial(text, start):
            return True  # capitalised inside a sentence
        nxt = toks[i + 1].group().casefold() if i + 1 < len(toks) else ""
        gap = text[toks[i].end() : toks[i + 1].start()] if i + 1 < len(toks) else ""
        return bool(c.suffix) or (gap == " " and nxt in _SPEECH_VERBS)

    def _foreign(self, tok: str) -> bool:
        """A capitalised unknown word right after a name that makes it another person's name
        ("Olav Tryggvason"), not a place, title, role, party or institution."""
        return (
            _capitalised(tok)
            and len(tok) >= 2
            and "-" not in tok
            and not self._ordinary(tok)
            and tok.casefold() not in _ENGLISH_SMALL
            and not _is_place(tok)
            and not _place_compound(tok)
            and not _is_org_word(tok)
            and not _is_title(tok)
            and not _from_party_or_role(tok)
        )

    def text(self, text: str, *, transcript: int | None = None, case: str | None = None) -> str:
        """The text with every known name replaced by its pseudonym, resolved in the scope of
        `transcript` and `case` (the municipality) when they are given."""
        if not text or not self._names:
            return text
        scope: Scope = (transcript, _case_key(case))
        ner = self._ner.get(text, set())
        out: list[str] = []
        pos = 0
        for m in _EMAIL.finditer(text):
            out.append(self._apply(text[pos : m.start()], scope, ner))
            out.append(self._email(m.group(), scope))
            pos = m.end()
        out.append(self._apply(text[pos:], scope, ner))
        return "".join(out)

    def _email(self, address: str, scope: Scope) -> str:
        """An address built from a known name ("kari.nordmann@...") becomes that pseudonym."""
        local = address.split("@", 1)[0]
        keys = [p for p in re.split(r"[._+\-]+", local) if len(p) >= 2 and fold(p) in self._names]
        return self._resolve(keys, scope).pseudonym if keys else address

    def _apply(self, text: str, scope: Scope, ner: set[str]) -> str:
        toks = list(_TOKEN.finditer(text))
        cands = [self._candidate(m.group()) for m in toks]
        ok = [self._accepted(text, toks, cands, i, ner) for i in range(len(toks))]
        out: list[str] = []
        pos = 0
        i = 0
        while i < len(toks):
            if not ok[i]:
                i += 1
                continue
            run = [cands[i]]
            j = i + 1
            while j < len(toks) and ok[j]:
                last = run[-1]
                assert last is not None
                if last.suffix or last.tail or not _joinable(text[toks[j - 1].end() : toks[j].start()]):
                    break
                run.append(cands[j])
                j += 1
            names = [c.base for c in run if c is not None]
            last = run[-1]
            assert last is not None
            if (
                not last.suffix
                and not last.tail
                and j < len(toks)
                and text[toks[j - 1].end() : toks[j].start()] == " "
                and cands[j] is None
                and self._foreign(toks[j].group())
            ):
                names.append(toks[j].group())  # "Olav Tryggvason": someone else
                j += 1
            person = self._resolve(names, scope)
            start, end = toks[i].start(), toks[j - 1].end()
            end_text = last.suffix + last.tail if toks[j - 1].group() != names[-1] else ""
            before = _INITIAL_BEFORE.search(text, pos, start)
            if before and fold(before.group(1)) in {t[:1] for t in person.tokens}:
                start = before.start()
            after = _INITIAL_AFTER.match(text, end)
            if after and not end_text and fold(after.group(1)) in {t[:1] for t in person.tokens}:
                end = after.end() - 1  # keep the full stop: it may end the sentence too
            out.append(text[pos:start])
            out.append(person.pseudonym + end_text)
            pos = end
            i = j
        out.append(text[pos:])
        return "".join(out)

    def _resolve(self, bases: list[str], scope: Scope) -> Person:
        """Who a name run stands for in its scope: a participant of the same transcript, then of
        the same municipality; a known non-participant; a participant of another municipality
        only by a full name (with the surname); else a new "[Person n]"."""
        tokens = _split_hyphens(bases)
        keys = [fold(t) for t in tokens]
        keyset = set(keys)
        transcript, case = scope
        full: list[Person] = []
        for key in keys:
            for person in self._by_token.get(key, []):
                if keyset <= person.tokens and person not in full:
                    full.append(person)
        parts = [p for p in full if p.participant]
        if transcript is not None:
            here = [p for p in parts if transcript in p.transcripts]
            if here:
                return here[0]
        if case is not None:
            here = [p for p in parts if p.case == case]
            if here:
                return here[0]
        others = [p for p in full if not p.participant and p.case in (None, case)]
        if others:
            return others[0]
        named = [p for p in parts if len(keyset) >= 2 and p.surname in keyset]
        if named:
            return named[0]
        if transcript is None and case is None and len(parts) == 1:
            return parts[0]  # no scope given: the only participant of that name
        return self._other_person(tokens, keys, case, " ".join(bases))

    def filename(self, name: str) -> str:
        """A file name with name-like parts (any case) replaced by "anon"."""
        pieces = re.split(r"([^\w]+|_)", name)
        return "".join("anon" if len(p) >= 3 and fold(p) in self._names else p for p in pieces)

    def key(self) -> dict[str, str]:
        """pseudonym -> real name, for the separately kept key file."""
        return {p.pseudonym: p.real for p in self._people}


@dataclass(frozen=True, slots=True)
class _Cand:
    base: str
    suffix: str
    tail: str
    key: str
    kind: str
    place: bool


@lru_cache(maxsize=1)
def _given_folded() -> frozenset[str]:
    return frozenset(fold(g) for g in GIVEN_NAMES)


def _joinable(gap: str) -> bool:
    """Words of one name: a space, or a single line break ("Per\\nOlav")."""
    return gap in (" ", "\u00a0") or (gap.strip() == "" and gap.count("\n") == 1 and len(gap) <= 3)


def _head(tok: str) -> str:
    """A name before a lower-case compound tail: "Olav-gruppen" -> "Olav"."""
    parts = tok.split("-")
    if len(parts) > 1 and _capitalised(parts[0]) and all(p[:1].islower() for p in parts[1:]):
        return parts[0]
    return tok


def _split_hyphens(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for t in tokens:
        out.append(t)
        if "-" in t:
            out.extend(p for p in t.split("-") if len(p) >= 2 and _capitalised(p))
    return out


def entity_finder_from_nlp(nlp: object, *, batch_size: int = 32) -> EntityFinder:
    """PER entities from a spaCy pipeline with an entity recogniser."""

    def find(texts: Sequence[str]) -> list[list[tuple[str, str]] | list[str]]:
        return [
            [(e.text, e.label_) for e in doc.ents]
            for doc in nlp.pipe(texts, batch_size=batch_size)  # type: ignore[attr-defined]
        ]

    return find


def default_entity_finder() -> EntityFinder | None:
    """The project's Norwegian pipeline's PER entities, or None when no pipeline is available."""
    try:
        from coder import nlp as coder_nlp

        nlp = coder_nlp.load("pseudonymise")  # type: ignore[attr-defined]
    except Exception:  # no pipeline in this build: the rules above still apply
        return None
    if "ner" not in getattr(nlp, "pipe_names", ()):
        return None
    return entity_finder_from_nlp(nlp)
