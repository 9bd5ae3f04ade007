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
OWN_SIDE_WEIGHT = 1.0  # at three or more first-person words (see evidence())
NEAR = 6  # tokens either side
QUESTION_WEIGHT = 1.6  # evidence from the guide question being answered (times its strength)
SPEAKER_WEIGHT = 1.3  # scales SPEAKER_PRIOR
NEAR_BOOST = 1.5
SPEAKER_PRIOR: dict[RoleGroup, tuple[Relation, float]] = {
    RoleGroup.POLITICIAN: (Relation.POLITICIANS, 0.9),
    RoleGroup.CEO_LEVEL: (Relation.CEO, 0.9),
    RoleGroup.UNIT_LEADER: (Relation.UNITS, 0.9),
}
# Phrases people use for each side that the codebook's REL lexicons may not list.
EXTRA_TERMS: dict[Relation, tuple[str, ...]] = {
    Relation.POLITICIANS: ("politikk", "bystyrerepresentant", "valg", "partigruppe"),
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
# Relation words that also name staff units or everyday things ("rådhusenheten", "vi bruker").
WEAK_TERMS: dict[str, float] = {"enhet": 0.35, "bruker": 0.3, "ansatt": 0.5, "institusjon": 0.6}
# Relation implied by a code's own `relation` field or its ancestors'.
RELATION_CODE_PREFIX = "REL."


def is_staff_compound(form: str) -> bool:
    """A compound whose first part names stab/støtte (``økonomienheten``, ``støtteenhetene``)."""
    low = form.lower()
    return any(low.startswith(w) and len(low) > len(w) + 2 for w in STAFF_PREFIXES)


@dataclass(slots=True)
class RelationEvidence:
    """Accumulated evidence per relation, with the reasons."""

    weight: dict[Relation, float] = field(default_factory=lambda: dict.fromkeys(Relation, 0.0))
    reasons: dict[Relation, list[str]] = field(default_factory=lambda: {r: [] for r in Relation})

    def add(self, rel: Relation, w: float, reason: str) -> None:
        self.weight[rel] += w
        if reason not in self.reasons[rel]:
            self.reasons[rel].append(reason)

    def scores(self) -> dict[Relation, float]:
        """Scores in [0, 1]: evidence share, damped when there is little evidence overall."""
        total = sum(self.weight.values())
        if total <= 0:
            return dict.fromkeys(Relation, 0.0)
        confidence = total / (total + 0.6)
        return {r: confidence * w / total for r, w in self.weight.items()}


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
            rel = next((r for t, r in self.extra.items() if len(t) >= 5 and form.endswith(t)), None)
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
        sent_of = {w.index: w.sent for w in words} if staff_pos else {}

        def near(start: int, end: int) -> bool:
            if not staff_pos:
                return False
            sent = sent_of.get(start, -1)
            return any(
                start - NEAR <= p < end + NEAR and not start <= p < end and s == sent
                for p, s in staff_pos
            )

        matched: set[int] = set()
        for h in hits:
            rels = {self.rel_code[c] for c in h.codes if c in self.rel_code}
            if not rels:
                continue
            if h.kind == "compound" and is_staff_compound(h.surface):
                matched.update(range(h.start, h.end))
                continue  # "økonomienheten", "støtteenhetene": a staff unit, not a service unit
            matched.update(range(h.start, h.end))
            for rel in rels:
                w = h.weight * WEAK_TERMS.get(h.term, 1.0) / max(1, len(rels))
                reason = h.evidence()
                if near(h.start, h.end):
                    w *= NEAR_BOOST
                    reason = f"near-staff:{h.term}"
                ev.add(rel, w, reason)
        # Relation words the REL lexicons lack, as heads of compounds too ("hjemmetjenesten").
        for i, (_, extra, _) in sparse:
            w = words[i]
            if extra is None or w.index in matched:
                continue
            rel, f = extra
            weight = 0.4 * (NEAR_BOOST if near(w.index, w.index + 1) else 1.0)
            ev.add(rel, weight, f"word:{f}")
        if role in SPEAKER_PRIOR:
            rel, w = SPEAKER_PRIOR[role]
            ev.add(rel, SPEAKER_WEIGHT * w, f"speaker:{role.value}")
            # Speaking as "vi"/"jeg", a speaker describes their own side's dealings with
            # stab/støtte: the more they do, the more the passage is about that relation.
            own = sum(1 for _, info in sparse if info[2])
            if own:
                ev.add(rel, OWN_SIDE_WEIGHT * min(1.0, own / 3), f"own-side:{role.value}")
        if question is not None:
            code_id, strength, rel = question
            if rel is not None:
                ev.add(rel, QUESTION_WEIGHT * strength, f"question:{code_id}")
        return ev
