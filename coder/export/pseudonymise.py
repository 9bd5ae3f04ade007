"""Pseudonymisation of exports: person names become consistent role labels or "[Person n]".

Who counts as a person: every participant (labels and display names, each first, middle and last
name separately), every PER entity the Norwegian pipeline finds, and name runs found by rules
that hold when the NER is unsure: a known given name or common surname, a capitalised word after
a title ("utenriksminister Lange", "representantene A, B og C"), and the person in
"Solberg-regjeringen"; capitalised words following such a word belong to the same name. A name
found anywhere in the corpus is replaced everywhere, in inflected and possessive forms too
("Karis", "Kari's", "Fredriksens" -> "[Person 1]s"). Participants become
"[Politiker 2, Flora]"; anyone else "[Person 3]". Place, party and institution names stay.
The key (pseudonym -> real name) is kept apart from every export.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from coder.analysis.stopwords import norwegian_stop_words
from coder.export.names_nb import (
    AMBIGUOUS_GIVEN,
    GIVEN_NAMES,
    ORG_ENDINGS,
    PERSON_COMPOUND_HEADS,
    SURNAMES,
    TITLE_ENDINGS,
)

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

_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.UNICODE)
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


@dataclass(slots=True)
class Person:
    pseudonym: str
    real: str
    tokens: set[str] = field(default_factory=set)  # casefolded name tokens


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


class Pseudonymiser:
    """Replaces person names consistently; build it over the whole corpus, then apply it."""

    def __init__(
        self,
        participants: Sequence[ParticipantRef],
        corpus: Iterable[str] = (),
        *,
        entities: EntityFinder | None = None,
        ner_texts: Sequence[str] = (),
    ) -> None:
        self._people: list[Person] = []
        self._by_participant: dict[int, Person] = {}
        self._by_token: dict[str, list[Person]] = {}
        self._names: set[str] = set()  # casefolded tokens known to be names in this corpus
        self._counters: dict[str, int] = {}
        self._strong: set[str] | None = None
        self._lower_words: set[str] = set()
        self._cap_words: set[str] = set()
        self._add_participants(participants)
        texts = list(corpus)
        for t in texts:
            for m in _TOKEN.finditer(t):
                word = m.group()
                (self._lower_words if word[:1].islower() else self._cap_words).add(word.casefold())
        if entities is not None and ner_texts:
            self._add_entities(entities(list(ner_texts)))
        for text in texts:
            self._discover(text)

    def _add_entities(self, found: list[list[tuple[str, str]] | list[str]]) -> None:
        """Persons from the tagger's PER entities, trusted by majority over the corpus: a word
        tagged PER once and a place or organisation elsewhere ("Ukraina") is no person."""
        mentions: list[tuple[str, bool]] = []
        for ents in found:
            for ent in ents:
                text, label = (ent, "PER") if isinstance(ent, str) else ent
                mentions.append((" ".join(text.split()), label in _PER_LABELS))
        votes: dict[str, list[int]] = {}
        for text, is_per in mentions:
            for key in {text.casefold(), *(t.casefold() for t in _TOKEN.findall(text))}:
                tally = votes.setdefault(key, [0, 0])
                tally[0 if is_per else 1] += 1

        def trusted(key: str) -> bool:
            per, other = votes.get(key, [0, 0])
            return per >= other

        for text, is_per in mentions:
            if not is_per or not trusted(text.casefold()):
                continue
            toks = [t for t in self._entity_tokens(text) if trusted(t.casefold())]
            if toks:
                self._person_for(toks, " ".join(toks))

    def _entity_tokens(self, entity: str) -> list[str]:
        """The name words of a PER entity; a lone word that the corpus also writes in lower
        case ("Det", "Staten") is more likely the tagger's slip than a name."""
        if any(_is_org_word(t) for t in _TOKEN.findall(entity)):
            return []  # "Kristeleg Folkeparti", "Sola Museum": an organisation, mis-tagged
        toks = [
            self._canonical(t)
            for t in _TOKEN.findall(entity)
            if _capitalised(t)
            and len(t) >= 2
            and not _from_party_or_role(t)
            and not _is_title(t)
            and not _is_org_word(t)
        ]
        if toks and toks[-1].endswith("s") and toks[-1][:-1].casefold() in self._cap_words:
            toks[-1] = toks[-1][:-1]  # "Fredriksens" when "Fredriksen" occurs: the genitive
        if len(toks) == 1:
            word = toks[0].casefold()
            known = word in _given() or word in _surnames() or word in self._names
            if not known and (word in self._lower_words or word in _stop_words()):
                return []
        return [t for t in toks if t.casefold() not in _stop_words() or t.casefold() in _given()]

    # -- building ----------------------------------------------------------------------------
    def _next_label(self, role: str, case: str | None) -> str:
        key = f"{role}|{case or ''}"
        self._counters[key] = self._counters.get(key, 0) + 1
        n = self._counters[key]
        return f"[{role} {n}, {case}]" if case else f"[{role} {n}]"

    def _index(self, person: Person, tokens: Iterable[str]) -> None:
        self._strong = None
        for t in tokens:
            key = t.casefold()
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
                person = Person(self._next_label(role, p.case), shown)
                seen[key] = person
                self._people.append(person)
            self._by_participant[p.id] = person
            self._index(person, name_tokens_of(p.display_name) + name_tokens_of(p.label))

    def _person_for(self, tokens: list[str], real: str) -> Person:
        folded = [t.casefold() for t in tokens]
        # A surname (the last word) identifies a person best; a lone given name falls back to
        # whoever carries it first.
        for key in reversed(folded):
            for person in self._by_token.get(key, []):
                if set(folded) <= person.tokens or key == folded[-1]:
                    self._index(person, tokens)
                    return person
        person = Person(self._next_label("Person", None), real)
        self._people.append(person)
        self._index(person, tokens)
        return person

    def _canonical(self, tok: str) -> str:
        """A run word as a name token: without a possessive ending when the bare form is known."""
        for base, _ in _bases(tok):
            key = base.casefold()
            if key in self._names or key in _given() or key in _surnames():
                return base
        return tok

    def _triggers(self, text: str, toks: list[tuple[int, int, str]], i: int, listing: bool) -> bool:
        """Does the word at `i` start a name (given name, surname, after a title, in a list)?"""
        start, end, tok = toks[i]
        if not _capitalised(tok) or len(tok) < 2 or _from_party_or_role(tok):
            return False
        if _suspended(text, end):
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
        return after_title or listing

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
        )

    def _weak_run(self, text: str, toks: list[tuple[int, int, str]], i: int) -> int | None:
        """End of a run of 2-4 unknown capitalised words inside a sentence ("..., Hersch
        Lauterpacht, var ..."): a name by shape, when none of the words is ever written in
        lower case in the corpus, nor is a role, party or institution word."""
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

    def _discover(self, text: str) -> None:
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
                self._person_for(_split_hyphens(run), " ".join(run))
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
                    self._person_for([parts[0]], parts[0])
                if tok not in _LIST_WORDS:
                    listing = _is_title(tok)
                i += 1
                continue
            run = [self._canonical(tok)]
            j = i + 1
            while j < len(toks):
                nxt = toks[j][2]
                if run[-1] != toks[j - 1][2]:
                    break  # a genitive ends a name: "Putins Russland"
                if _suspended(text, toks[j][1]):
                    break
                between = text[toks[j - 1][1] : toks[j][0]]
                if between not in (" ", "\u00a0") or not _capitalised(nxt) or len(nxt) < 2:
                    break
                if nxt.casefold() in stops and nxt.casefold() not in _given():
                    break
                if _from_party_or_role(nxt):
                    break
                run.append(self._canonical(nxt))
                j += 1
            self._person_for(_split_hyphens(run), " ".join(run))
            listing = listing or in_list or (i > 0 and _is_title(toks[i - 1][2]))
            i = j

    # -- applying ----------------------------------------------------------------------------
    def is_name(self, word: str) -> bool:
        """True when `word` (any case) is a name token known in this corpus."""
        return any(b.casefold() in self._names for b, _ in _bases(word))

    def participant(self, participant_id: int | None) -> str | None:
        if participant_id is None:
            return None
        person = self._by_participant.get(participant_id)
        return person.pseudonym if person else None

    def _match(self, tok: str) -> tuple[str, str] | None:
        """(base, possessive suffix) when `tok` is a known name in some form."""
        for base, suffix in _bases(tok):
            if base.casefold() in self._names:
                return base, suffix
        return None

    def _hit(self, tok: str) -> tuple[str, str] | None:
        """A known name as written (title case), or a participant's name in capitals ("KARI")."""
        if _capitalised(tok):
            return self._match(tok)
        if len(tok) >= 3 and tok.isupper() and tok.casefold() in self._strong_names():
            return tok, ""
        return None

    def _resolve(self, bases: list[str]) -> Person:
        folded = [b.casefold() for b in bases]
        for key in reversed(folded):
            people = self._by_token.get(key, [])
            for person in people:
                if set(folded) <= person.tokens:
                    return person
            if people:
                return people[0]
        return self._person_for(bases, " ".join(bases))

    def text(self, text: str) -> str:
        """The text with every known name replaced by its pseudonym."""
        if not text or not self._names:
            return text
        toks = list(_TOKEN.finditer(text))
        out: list[str] = []
        pos = 0
        i = 0
        while i < len(toks):
            m = toks[i]
            tok = m.group()
            hit = self._hit(tok)
            if hit is None:
                parts = tok.split("-")
                if len(parts) > 1 and _capitalised(parts[0]):
                    # "Solberg-regjeringen", "Jan-Henrik": replace the name parts inside.
                    replaced = [self._part(p) for p in parts]
                    if any(r != p for r, p in zip(replaced, parts, strict=True)):
                        out.append(text[pos : m.start()])
                        out.append(_merge_parts(replaced))
                        pos = m.end()
                i += 1
                continue
            run = [hit]
            j = i + 1
            while j < len(toks):
                between = text[toks[j - 1].end() : toks[j].start()]
                nxt = toks[j].group()
                nhit = self._hit(nxt) if between in (" ", "\u00a0") else None
                if nhit is None or run[-1][1]:
                    break
                run.append(nhit)
                j += 1
            if (
                len(run) == 1
                and tok.casefold() in AMBIGUOUS_GIVEN
                and tok.casefold() not in self._strong_names()
                and _sentence_initial(text, m.start())
            ):
                i += 1
                continue
            person = self._resolve(_split_hyphens([b for b, _ in run]))
            out.append(text[pos : m.start()])
            out.append(person.pseudonym + run[-1][1])
            pos = toks[j - 1].end()
            i = j
        out.append(text[pos:])
        return "".join(out)

    def _strong_names(self) -> set[str]:
        """Name tokens carried by participants or found in several-word names in the corpus."""
        if self._strong is None:
            self._strong = {t for p in self._people for t in p.tokens if len(p.tokens) > 1}
        return self._strong

    def _part(self, part: str) -> str:
        if not _capitalised(part):
            return part
        hit = self._match(part)
        if hit is None:
            return part
        return self._resolve([hit[0]]).pseudonym + hit[1]

    def filename(self, name: str) -> str:
        """A file name with name-like parts (any case) replaced by "anon"."""
        pieces = re.split(r"([^\w]+|_)", name)
        return "".join("anon" if len(p) >= 3 and p.casefold() in self._names else p for p in pieces)

    def key(self) -> dict[str, str]:
        """pseudonym -> real name, for the separately kept key file."""
        return {p.pseudonym: p.real for p in self._people}


def _split_hyphens(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for t in tokens:
        out.append(t)
        if "-" in t:
            out.extend(p for p in t.split("-") if len(p) >= 2 and _capitalised(p))
    return out


def _merge_parts(parts: list[str]) -> str:
    return "-".join(parts)


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
