"""Relation evidence: which of politicians, ceo, units a passage is about, and why.

Three sources, each explained in the evidence: relation words (the REL.* lexicons, matched
like any lexicon), counted more when they stand near a staff/support word because the study
asks who stab/støtte interacts with; the speaker's role group (a politician mostly talks about
the politicians' side, the more so when speaking as "vi" or "jeg"); and the guide question
being answered (C13 is about politicians).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from coder.codebook.model import Codebook
from coder.domain import CodeKind, Relation, RoleGroup
from coder.tagging.lexicon import Hit, Word

# Words that name stab/støtte or its functions: a relation word next to one of these is
# about the interaction the study examines ("økonomi ringer rektorene", "via rådmannen").
STAFF_WORDS = frozenset(
    [
        "stab",
        "støtte",
        "stabs",
        "støttefunksjon",
        "stabsfunksjon",
        "støtteenhet",
        "stabsenhet",
        "rådhusenhet",
        "økonomi",
        "økonomiavdeling",
        "økonomisjef",
        "økonomikontor",
        "økonomirådgiver",
        "personal",
        "personalavdeling",
        "personalsjef",
        "personalrådgiver",
        "personalkontor",
        "lønn",
        "ikt",
        "it",
        "arkiv",
        "sekretariat",
        "servicetorg",
        "tjenestetorg",
        "plan",
        "plankontor",
        "rådgiver",
        "controller",
        "sentraladministrasjon",
        "administrasjon",
        "fellestjeneste",
    ]
)
STAFF_PREFIXES = (
    "stab",
    "støtte",
    "økonomi",
    "personal",
    "lønn",
    "ikt",
    "rådhus",
    "service",
    "utvikling",
    "fellestjeneste",
    "sentraladministrasjon",
    "sekretariat",
    "arkiv",
)
FIRST_PERSON = frozenset(["vi", "oss", "vår", "vårt", "våre", "jeg", "meg", "min", "mitt", "mine"])
_WE = frozenset(["vi", "oss"])
_I_OR_WE = frozenset(["vi", "oss", "jeg", "meg"])
_ARTICLES = frozenset(["en", "et", "ei"])
OWN_SIDE_WEIGHT = 1.0  # at three or more first-person words (see evidence())
NEAR = 6  # tokens either side
QUESTION_WEIGHT = 1.6  # evidence from the guide question being answered (times its strength)
SPEAKER_WEIGHT = 1.3  # scales SPEAKER_PRIOR
NEAR_BOOST = 1.5
EXTRA_WEIGHT = 0.4  # an EXTRA_TERMS word, against a REL lexicon word's hit weight
SPEAKER_PRIOR: dict[RoleGroup, tuple[Relation, float]] = {
    RoleGroup.POLITICIAN: (Relation.POLITICIANS, 0.9),
    RoleGroup.CEO_LEVEL: (Relation.CEO, 0.9),
    RoleGroup.UNIT_LEADER: (Relation.UNITS, 0.9),
}
# Phrases people use for each side that the codebook's REL lexicons may not list.
EXTRA_TERMS: dict[Relation, tuple[str, ...]] = {
    # not "valg" alone: as often a choice as an election
    Relation.POLITICIANS: (
        "politikk",
        "bystyrerepresentant",
        "valgkamp",
        "valgperiode",
        "partigruppe",
    ),
    # "ledelsen" alone is the administrative leadership ("politisk ledelse" is a phrase of
    # the politicians' lexicon and is matched first)
    Relation.CEO: (
        "rådmannsgruppe",
        "kommunaldirektør",
        "direktør",
        "toppleder",
        "ledelse",
        "ledermøte",
    ),
    Relation.UNITS: (
        "enhet",
        "virksomhet",
        "tjeneste",
        "skole",
        "barnehage",
        "rektor",
        "styrer",
        "sykehjem",
        "pleie",
        "helse",
        "institusjon",
        "hjemmetjeneste",
        "hjemmesykepleie",
    ),
}
# Heads that only count as the whole word: "arbeidsgiverpolitikk", "lønnspolitikk" are policy
# areas of the administration, not the politicians.
WHOLE_WORD_TERMS = frozenset(["politikk"])
# Relation words that also name staff units or everyday things ("rådhusenheten", "vi bruker").
WEAK_TERMS: dict[str, float] = {"enhet": 0.35, "bruker": 0.3, "ansatt": 0.5, "institusjon": 0.6}
# Relation implied by a code's own `relation` field or its ancestors'.
RELATION_CODE_PREFIX = "REL."


def is_staff_compound(form: str) -> bool:
    """A compound whose first part names stab/støtte (``økonomienheten``, ``støtteenhetene``)."""
    low = form.lower()
    return any(low.startswith(w) and len(low) > len(w) + 2 for w in STAFF_PREFIXES)


# Where relation evidence comes from. Each source's weights are kept apart so that they can be
# combined with one coefficient per source (RELATION_COEFFICIENTS; fitted on the gold set by
# `python -m coder.tagging.fit_relations`, which prints the cross-validated accuracy).
SOURCES = (
    "lexicon",  # relation words of the codebook's REL lexicons
    "near",  # extra weight of relation words standing near a staff/support word
    "word",  # relation words the REL lexicons lack (EXTRA_TERMS)
    "speaker",  # the speaker's role group
    "own",  # the speaker talks as "vi"/"jeg"
    "question",  # the guide question being answered
    "previous",  # the previous answer's relation (same question, same topic)
    "learned",  # the project's learned model (decisions)
    "block",  # the interview is in this relation's block (C13, C14, C15), however long ago
    "self",  # the speaker names their own side: "vi politikere", "jeg som rektor"
)
# Fitted by `python -m coder.tagging.fit_relations` (L2 1.0) on the gold set in tests/tagging/gold,
# each segment both in its interview and alone (no speaker, no question). Leave-one-transcript-
# out accuracy: 0.910 in context, 0.511 alone (hand-set weights, all 1.0: 0.904 and 0.505 on the
# data they were set on). The word sources share one coefficient; "learned" is not fitted.
RELATION_COEFFICIENTS: dict[str, float] = {
    "lexicon": 1.231,
    "near": 1.231,
    "word": 1.231,
    "speaker": 2.035,
    "own": 0.926,
    "question": 1.44,
    "previous": 3.583,
    "learned": 1.0,
    "block": 0.297,
    "self": 1.905,
}


# The relations in their defined order, as a tuple: iterating the enum itself is slow.
RELATIONS: tuple[Relation, ...] = tuple(Relation)


@dataclass(slots=True)
class RelationEvidence:
    """Evidence per relation and source, with the reasons."""

    parts: dict[str, dict[Relation, float]] = field(default_factory=dict)
    reasons: dict[Relation, list[str]] = field(default_factory=lambda: {r: [] for r in RELATIONS})

    def add(self, rel: Relation, w: float, reason: str, source: str = "lexicon") -> None:
        part = self.parts.get(source)
        if part is None:
            part = self.parts[source] = dict.fromkeys(RELATIONS, 0.0)
        part[rel] += w
        if reason and reason not in self.reasons[rel]:
            self.reasons[rel].append(reason)

    def weights(self, coef: dict[str, float] | None = None) -> dict[Relation, float]:
        """The combined weight per relation (never below zero)."""
        coef = RELATION_COEFFICIENTS if coef is None else coef
        out = dict.fromkeys(RELATIONS, 0.0)
        for source, part in self.parts.items():
            c = coef.get(source, 0.0)
            for rel, w in part.items():
                out[rel] += c * w
        return {r: max(0.0, w) for r, w in out.items()}

    def scores(self, coef: dict[str, float] | None = None) -> dict[Relation, float]:
        """Scores in [0, 1]: evidence share, damped when there is little evidence overall."""
        weight = self.weights(coef)
        total = sum(weight.values())
        if total <= 0:
            return dict.fromkeys(RELATIONS, 0.0)
        confidence = total / (total + 0.6)
        return {r: confidence * w / total for r, w in weight.items()}


class RelationScorer:
    """Relation evidence for a segment from lexicon hits, the speaker and the question asked."""

    def __init__(self, codebook: Codebook) -> None:
        self.code_relation: dict[str, Relation] = {}
        self.rel_code: dict[str, Relation] = {}
        for code in codebook:
            rel = code.relation
            if rel is None:
                for anc in codebook.ancestors(code.id):
                    if anc.relation is not None:
                        rel = anc.relation
                        break
            if rel is not None:
                self.code_relation[code.id] = rel
                if code.kind is CodeKind.RELATION:
                    self.rel_code[code.id] = rel
        self._extra_cache: dict[str, Relation | None] = {}
        self._rels_cache: dict[tuple[str, ...], tuple[Relation, ...]] = {}
        self._word_cache: dict[tuple[str, ...], tuple[bool, tuple[Relation, str] | None, bool]] = {}
        self.extra: dict[str, Relation] = {}
        for rel, terms in EXTRA_TERMS.items():
            for t in terms:
                self.extra[t] = rel

    def _extra_relation(self, form: str) -> Relation | None:
        """The relation of an extra relation word, or of a compound ending in one (cached)."""
        try:
            return self._extra_cache[form]
        except KeyError:
            pass
        rel = self.extra.get(form)
        if rel is None and is_staff_compound(form):
            rel = None
        elif rel is None:
            rel = next(
                (
                    r
                    for t, r in self.extra.items()
                    if len(t) >= 5 and t not in WHOLE_WORD_TERMS and form.endswith(t)
                ),
                None,
            )
        if len(self._extra_cache) < 200_000:
            self._extra_cache[form] = rel
        return rel

    def word_info(self, forms: tuple[str, ...]) -> tuple[bool, tuple[Relation, str] | None, bool]:
        """Whether a word names stab/støtte, and its extra relation word (cached per forms)."""
        staff = any(f in STAFF_WORDS for f in forms[:3])
        extra = None
        for f in forms[:4]:
            rel = self._extra_relation(f)
            if rel is not None:
                extra = (rel, f)
                break
        info = (staff, extra, forms[0] in FIRST_PERSON)
        if len(self._word_cache) < 200_000:
            self._word_cache[forms] = info
        return info

    def _relations_of(self, codes: tuple[str, ...]) -> tuple[Relation, ...]:
        """The relations whose relation codes are among `codes` (cached per codes tuple)."""
        found = self._rels_cache.get(codes)
        if found is None:
            named = {self.rel_code[c] for c in codes if c in self.rel_code}
            found = self._rels_cache[codes] = tuple(r for r in RELATIONS if r in named)
        return found

    def relation_of(self, code_id: str) -> Relation | None:
        return self.code_relation.get(code_id)

    def evidence(
        self,
        words: Sequence[Word],
        hits: Sequence[Hit],
        role: RoleGroup | None,
        question: tuple[str, float, Relation | None] | None,
        *,
        sparse: Sequence[tuple[int, tuple[bool, tuple[Relation, str] | None, bool]]] | None = None,
    ) -> RelationEvidence:
        """Evidence per relation; `sparse` may list (position, `word_info(forms)`) for just
        the staff, relation and first-person words, already looked up."""
        ev = RelationEvidence()
        if sparse is None:
            cache = self._word_cache
            sparse = [
                (i, info)
                for i, w in enumerate(words)
                if any(info := (cache.get(w.forms) or self.word_info(w.forms)))
            ]
        staff_pos = [(words[i].index, words[i].sent) for i, info in sparse if info[0]]
        sent_of: dict[int, int] = {}

        def near(start: int, end: int) -> bool:
            if not staff_pos:
                return False
            if not sent_of:
                sent_of.update((w.index, w.sent) for w in words)
            sent = sent_of.get(start, -1)
            return any(
                start - NEAR <= p < end + NEAR and not start <= p < end and s == sent
                for p, s in staff_pos
            )

        # "vi politikere", "oss kommunalsjefene", "jeg som rektor", "vi er fritidspolitikere":
        # a speaker who names their own side says whose relation the passage is about, also
        # when nobody knows who is speaking (a quote, a paragraph with no speaker label)
        first_person = {words[i].index for i, info in sparse if info[2]}
        form_at: dict[int, str] = {}

        def self_named(start: int) -> bool:
            if not first_person or first_person.isdisjoint((start - 1, start - 2, start - 3)):
                return False
            if not form_at:
                form_at.update((w.index, w.forms[0]) for w in words)
            p1, p2, p3 = (form_at.get(start - k, "") for k in (1, 2, 3))
            return (
                p1 in _WE
                or (p1 in ("i", "som", "er") and p2 in _I_OR_WE)
                or (p1 in _ARTICLES and p2 == "er" and p3 in _I_OR_WE)
            )

        matched: set[int] = set()
        for h in hits:
            rels = self._relations_of(h.codes)
            if not rels:
                continue
            if h.kind == "compound" and is_staff_compound(h.surface):
                matched.update(range(h.start, h.end))
                continue  # "økonomienheten", "støtteenhetene": a staff unit, not a service unit
            matched.update(range(h.start, h.end))
            is_near = near(h.start, h.end)
            reason = f"near-staff:{h.term}" if is_near else h.evidence()
            for rel in rels:
                w = h.weight * WEAK_TERMS.get(h.term, 1.0) / max(1, len(rels))
                ev.add(rel, w, reason)
                if is_near:
                    ev.add(rel, (NEAR_BOOST - 1.0) * w, reason, "near")
            if len(rels) == 1 and self_named(h.start):
                ev.add(next(iter(rels)), 1.0, f"self:{h.term}", "self")
        # Relation words the REL lexicons lack, as heads of compounds too ("hjemmetjenesten").
        for i, (_, extra, _) in sparse:
            w = words[i]
            if extra is None or w.index in matched:
                continue
            rel, f = extra
            ev.add(rel, EXTRA_WEIGHT, f"word:{f}", "word")
            if self_named(w.index):
                ev.add(rel, 1.0, f"self:{f}", "self")
            if near(w.index, w.index + 1):
                ev.add(rel, (NEAR_BOOST - 1.0) * EXTRA_WEIGHT, f"word:{f}", "near")
        if role in SPEAKER_PRIOR:
            rel, w = SPEAKER_PRIOR[role]
            ev.add(rel, SPEAKER_WEIGHT * w, f"speaker:{role.value}", "speaker")
            # Speaking as "vi"/"jeg", a speaker describes their own side's dealings with
            # stab/støtte: the more they do, the more the passage is about that relation.
            own = sum(1 for _, info in sparse if info[2])
            if own:
                share = OWN_SIDE_WEIGHT * min(1.0, own / 3)
                ev.add(rel, share, f"own-side:{role.value}", "own")
        if question is not None:
            code_id, strength, rel = question
            if rel is not None:
                ev.add(rel, QUESTION_WEIGHT * strength, f"question:{code_id}", "question")
                ev.add(rel, 1.0, "", "block")
        return ev
