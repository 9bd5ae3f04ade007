"""The suggester: codes and relations for each segment of a transcript, with scores and evidence.

Signals, each reported as evidence and combined into a score in [0, 1]:

* lexicon hits of the code (lemmas, phrases, compounds, typos), saturating with their weight;
* the guide question the interviewer last asked (fuzzy match on the question texts plus the
  lexicon of the question turn), which favours that code, its sub-items and its parent;
* the relation the passage is about (relation words near staff/support words, the speaker's
  role group, the question's relation), which favours codes of that relation (C13 for
  politicians, C14 for the ceo level, C15 for units);
* optionally what the project learned from earlier decisions (`learn.LearnedModel`) and a
  sentence-embedding similarity (`embeddings`), both opt-in.

Scores combine as a noisy-or (each signal can only add belief) followed by a relation factor.
The spaCy pipeline is a parameter: the caller decides which model runs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from spacy.attrs import LEMMA, ORTH

from coder.codebook.model import Codebook
from coder.domain import CodeKind, Relation, RoleGroup
from coder.tagging.code_terms import code_text_terms
from coder.tagging.lexicon import SENTENCE_END, Hit, LexiconIndex, Word, word_entries
from coder.tagging.normalise import STOPWORDS
from coder.tagging.questions import QuestionMatcher, looks_like_question
from coder.tagging.relations import RelationScorer

# Changes whenever the tagger's behaviour does, so `coder autocode` knows that transcripts it
# suggested for earlier must be suggested for again.
TAGGER_VERSION = "2026.12.04"  # structural codes on interviewer turns; Nynorsk forms
LEX_RATE = 0.9  # lexicon weight -> belief: 1 - exp(-rate * weight)
LEX_CAP = 0.85
QUESTION_CAP = 0.7
CHILD_SHARE = 0.55  # context on a question also supports its items, somewhat less
PARENT_SHARE = 0.45
CONTEXT_DECAY = 0.93  # per answer after the question
CONTEXT_FLOOR = 0.5
QUESTION_MIN = 0.36
TIE_MARGIN = 0.04
CONTINUITY = 0.5  # weight of the previous answer's relation (same question, same topic)
PARALLEL_MARGIN = 0.08  # a version of a parallel item must lead by this much to be chosen  # combined question score below this: not a guide question
MIN_REPORTED = 0.02
# Guide codes whose question score must be exact: within this of the best, which covers the
# tie and parallel-version margins `_question` compares with.
QUESTION_NEAR = TIE_MARGIN + PARALLEL_MARGIN + 0.02
SECTION_FACTOR = 0.6
MAX_CODES = 15  # codes listed per segment (the rest score too low to be worth reading)
_RELATIONS = list(Relation)
PREFER_BLOCK = False  # set by the experiment below  # codes below this are not listed at all
SKIP_KINDS = (CodeKind.RELATION,)


@dataclass(frozen=True, slots=True)
class SegmentInput:
    """One segment to tag: its text, offsets, speaker label and role group if known."""

    text: str
    start: int = 0
    end: int = 0
    speaker: str | None = None
    role: RoleGroup | None = None
    segment_id: int | None = None


def segment_inputs(draft: Any) -> list[SegmentInput]:
    """The segments of a parsed transcript file (an ingest draft), with speaker role groups."""
    roles = {p.label: p.role_group for p in draft.participants}
    return [
        SegmentInput(
            draft.text[s.start : s.end],
            s.start,
            s.end,
            s.speaker,
            roles.get(s.speaker) if s.speaker else None,
        )
        for s in draft.segments
    ]


class CodeSuggestion(NamedTuple):
    """One suggested code (named tuples: a transcript makes thousands)."""

    code: str
    score: float
    evidence: tuple[str, ...]
    relation: Relation | None = None


class RelationScore(NamedTuple):
    relation: Relation
    score: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SegmentSuggestions:
    """What the tagger proposes for one segment (codes and relations, best first)."""

    index: int
    start: int
    end: int
    speaker: str | None
    role: RoleGroup | None
    relations: tuple[RelationScore, ...]
    codes: tuple[CodeSuggestion, ...]
    question: str | None = None  # the guide code this turn asks, for interviewer turns
    segment_id: int | None = None

    @property
    def relation(self) -> Relation | None:
        """The best relation, or None when no relation has any evidence."""
        return (
            self.relations[0].relation if self.relations and self.relations[0].score > 0 else None
        )

    def top(self, n: int | None) -> SegmentSuggestions:
        if n is None:
            return self
        return SegmentSuggestions(
            self.index,
            self.start,
            self.end,
            self.speaker,
            self.role,
            self.relations,
            self.codes[:n],
            self.question,
            self.segment_id,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.index,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "relations": [
                {"relation": r.relation.value, "score": round(r.score, 4)} for r in self.relations
            ],
            "codes": [
                {"code": c.code, "score": round(c.score, 4), "evidence": list(c.evidence)}
                for c in self.codes
            ],
        }


_MISSING: Any = object()
_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: lemma hash * _MIX ^ text hash


def _some(entry: tuple[tuple[Any, ...], Any]) -> tuple[tuple[Any, ...], Any] | None:
    """A lexicon entry, or None when the word neither starts a phrase nor matches alone."""
    return entry if entry[0] or entry[1] is not None else None


def _some_info(info: tuple[bool, Any, bool]) -> tuple[bool, Any, bool] | None:
    """Relation info, or None when the word is no staff, relation or first-person word."""
    return info if info[0] or info[1] is not None or info[2] else None


class _Words(NamedTuple):
    """A segment's words, and only the words that matter to the lexicon and the relations.

    `lex`: (word position, lexicon entry) for words that start a phrase or match alone;
    `rel`: (word position, relation info) for staff words, extra relation words and
    first-person words. Most words are in neither, so later passes touch few words.
    """

    words: list[Word]
    lex: list[tuple[int, Any]]
    rel: list[tuple[int, Any]]


@dataclass(slots=True)
class _Context:
    """The question being answered: code -> strength (0-1) and the evidence string."""

    strengths: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    relation: Relation | None = None  # set only when the question's candidates agree on one
    answers: int = 0
    last: dict[Relation, float] = field(default_factory=dict)  # previous answer's relations

    def best(self) -> tuple[str, float, Relation | None] | None:
        if not self.strengths:
            return None
        code = max(self.strengths, key=lambda c: self.strengths[c])
        return code, self.current(code), self.relation

    def current(self, code: str) -> float:
        s = self.strengths.get(code, 0.0)
        return s * max(CONTEXT_FLOOR, CONTEXT_DECAY**self.answers)


def features(words: Sequence[Word], lex: LexiconIndex) -> Counter[str]:
    """Lemma features of a segment for learning: the lexicon form when one matches, else the lemma."""
    out: Counter[str] = Counter()
    for w in words:
        if w.forms[0] in STOPWORDS or len(w.forms[0]) < 3 or not w.forms[0].isalpha():
            continue
        key = next((f for f in w.forms if f in lex.lemma_codes), None)
        if key is None:
            key = w.forms[1] if len(w.forms) > 1 else w.forms[0]
        out[key] += 1
    return out


class Suggester:
    """Proposes codes and relations for segments; holds compiled matchers (build once, reuse)."""

    def __init__(
        self,
        codebook: Codebook,
        nlp: Any,
        *,
        model: Any | None = None,
        embedder: Any | None = None,
        batch_size: int = 64,
        relation_coefficients: dict[str, float] | None = None,
        code_text: bool = True,
    ) -> None:
        self.codebook = codebook
        # how the relation evidence sources combine (fitting tries others: fit_relations.py)
        self.relation_coefficients = relation_coefficients
        self.nlp = nlp
        self.lexicon = LexiconIndex(
            codebook, text_terms=code_text_terms(codebook, nlp) if code_text else None
        )
        self.questions = QuestionMatcher(codebook)
        self.relations = RelationScorer(codebook)
        self.model = model
        self.embedder = embedder
        self.batch_size = batch_size
        self.code_ids = [c.id for c in codebook if c.kind not in SKIP_KINDS]
        self._index = {c: i for i, c in enumerate(self.code_ids)}
        self._children: dict[str, list[str]] = {
            c: [d.id for d in codebook.descendants(c) if d.id in self._index] for c in self.code_ids
        }
        self._parent = {
            c: codebook.get(c).parent
            for c in self.code_ids
            if codebook.get(c).parent in self._index
        }
        # what context on a code supports: the code, its items (less), its parent (less)
        self._context_targets: dict[str, list[tuple[str, int, float]]] = {}
        for c in self.code_ids:
            targets = [(c, 1.0)] + [(d, CHILD_SHARE) for d in self._children[c]]
            if c in self._parent:
                targets.append((self._parent[c], PARENT_SHARE))
            self._context_targets[c] = [(t, self._index[t], share) for t, share in targets]
        rels = [self.relations.relation_of(c) for c in self.code_ids]
        self._code_relation = rels  # by code index
        self._rel_list = [_RELATIONS.index(r) if r is not None else 3 for r in rels]
        # guide question codes: position among the question matcher's texts, and relation
        self._q_pos = {self._index[c]: k for k, c in enumerate(self.questions.ids)}
        self._q_of_id = {c: k for k, c in enumerate(self.questions.ids)}
        self._q_relation = [self.relations.relation_of(c) for c in self.questions.ids]
        self._q_rel = np.array([self._rel_list[self._index[c]] for c in self.questions.ids])
        self._q_ones = np.ones(len(self.questions.ids))
        self._q_ones.flags.writeable = False  # shared by every turn without relation words
        # A section with questions under it (A, B, C) is rarely the best code for a passage:
        # the guide asks for the most specific fitting question; D and E have none.
        self._level_list = [
            SECTION_FACTOR
            if codebook.get(c).kind is CodeKind.SECTION and self._children.get(c)
            else 1.0
            for c in self.code_ids
        ]
        # the guide question that stands for each relation (C13, C14, C15)
        self._relation_question: dict[Relation, str] = {
            c.relation: c.id
            for c in codebook
            if c.kind is CodeKind.QUESTION and c.relation is not None
        }
        self._tokens: dict[int, Any] = {}  # see _analyse
        self._code_vectors: np.ndarray | None = None
        if embedder is not None:
            self._code_vectors = embedder.codes(codebook, self.code_ids)

    # -- public ---------------------------------------------------------------------------

    def suggest(
        self, segments: Sequence[SegmentInput], *, top: int | None = None
    ) -> list[SegmentSuggestions]:
        """Suggestions for a transcript's segments, in order (question context runs along)."""
        return [s.top(top) for s in self.iter_suggest(segments)]

    def iter_suggest(
        self,
        segments: Iterable[SegmentInput],
        *,
        cancelled: Callable[[], bool] | None = None,
        docs: Iterable[Any] | None = None,
    ) -> Iterator[SegmentSuggestions]:
        """Stream suggestions (parsed in batches with nlp.pipe); stops early when cancelled.

        `docs` may give the segments already parsed (evaluation parses once, scores often).
        """
        ctx = _Context()
        items = list(segments)
        vectors: dict[int, np.ndarray] = {}
        if self.embedder is not None and items:
            # answers only: interviewer turns are matched against the guide, not embedded
            answers = [i for i, s in enumerate(items) if not self._is_question(s)]
            embedded = self.embedder.passages([items[i].text for i in answers])
            vectors = {i: embedded[k] for k, i in enumerate(answers)}
        if docs is None:
            docs = self._parsed(items)
        for i, (seg, doc) in enumerate(zip(items, docs, strict=True)):
            if cancelled is not None and cancelled():
                return
            yield self._one(i, seg, self._analyse(doc), ctx, vectors.get(i))

    def _parsed(self, items: Sequence[SegmentInput]) -> Iterator[Any]:
        """Docs for `items`, parsed one batch at a time and handed out after it.

        Parsing a whole batch before tagging any of it measured faster than letting the
        tagger pull docs lazily through spaCy's generator chain (see bench/bench_tagging.py),
        and memory stays at one batch of docs.
        """
        size = max(1, self.batch_size)
        for start in range(0, len(items), size):
            chunk = [s.text for s in items[start : start + size]]
            yield from list(self.nlp.pipe(chunk, batch_size=size))

    def analyse_words(self, words: Sequence[Word]) -> tuple[list[Hit], Counter[str]]:
        """Lexicon hits and learning features of a segment's words (for the learner)."""
        return self.lexicon.match_words(words), features(words, self.lexicon)

    # -- internals ------------------------------------------------------------------------

    def _analyse(self, doc: Any) -> _Words:
        """A doc's words with their lexicon and relation lookups, in one pass.

        Everything about a token that does not depend on its position is cached by its
        (text, lemma) hash pair, mixed into one 64-bit integer (a collision is as unlikely as
        one among spaCy's own 64-bit string hashes), so a repeated word costs one lookup.
        """
        strings = doc.vocab.strings
        cache = self._tokens
        new = tuple.__new__  # Word(...) without the named tuple's Python-level __new__
        words: list[Word] = []
        lex: list[Any] = []
        rel: list[Any] = []
        sent = 0
        arr = doc.to_array([ORTH, LEMMA])
        # one integer per (text, lemma) hash pair: an int key hashes faster than a tuple
        keys = (arr[:, 0] ^ (arr[:, 1] * _MIX)).tolist()
        for i, key in enumerate(keys):
            entry = cache.get(key, _MISSING)
            if entry is _MISSING:
                entry = self._token_entry(key, int(arr[i, 0]), int(arr[i, 1]), strings)
            if entry is None:
                sent += 1
                continue
            for forms, surface, lex_entry, rel_info in entry:
                if lex_entry is not None:
                    lex.append((len(words), lex_entry))
                if rel_info is not None:
                    rel.append((len(words), rel_info))
                words.append(new(Word, (forms, i, surface, sent)))
        return _Words(words, lex, rel)

    def _token_entry(self, key: int, orth: int, lemma: int, strings: Any) -> Any:
        text = strings[orth]
        if text in SENTENCE_END:
            entry = None
        else:
            entry = tuple(
                (
                    forms,
                    surface,
                    _some(self.lexicon.word_entry(forms)),
                    _some_info(self.relations.word_info(forms)),
                )
                for forms, surface in word_entries(text, strings[lemma] if lemma else "")
            )
        if len(self._tokens) < 200_000:
            self._tokens[key] = entry
        return entry

    def _is_question(self, seg: SegmentInput) -> bool:
        if seg.role is RoleGroup.INTERVIEWER:
            return True
        return seg.role is None and seg.speaker is None and looks_like_question(seg.text)

    def _lexicon_weights(
        self, hits: Sequence[Hit]
    ) -> tuple[dict[int, float], dict[str, list[Hit]]]:
        """Summed hit weight per code index (only codes with hits), and the hits per code."""
        weights: dict[int, float] = {}
        by_code: dict[str, list[Hit]] = {}
        index = self._index
        for h in hits:
            w = h.weight
            for c in h.codes:
                j = index.get(c)
                if j is None:
                    continue
                weights[j] = weights.get(j, 0.0) + w
                found = by_code.get(c)
                if found is None:
                    by_code[c] = [h]
                else:
                    found.append(h)
        return weights, by_code

    def _relation_factors(self, rel_scores: dict[Relation, float]) -> list[float]:
        """The factor of codes of each relation (in `_RELATIONS` order), then 1.0 for codes
        without a relation: the best relation keeps its codes' scores, the others' shrink."""
        top = max(rel_scores.values()) if rel_scores else 0.0
        if top <= 0:
            return [1.0] * (len(_RELATIONS) + 1)
        return [0.3 + 0.7 * (rel_scores.get(r, 0.0) / top) for r in _RELATIONS] + [1.0]

    def _question(self, seg: SegmentInput, analysed: _Words, ctx: _Context) -> str | None:
        """Update the context from an interviewer turn; the recognised guide code or None."""
        words = analysed.words
        hits = self.lexicon.match_words(words, sparse=analysed.lex)
        q_ids = self.questions.ids
        bonus = np.zeros(len(q_ids))
        lex_weights, _ = self._lexicon_weights(hits)
        q_pos = self._q_pos
        for j, w in lex_weights.items():
            k = q_pos.get(j)
            if k is not None:
                bonus[k] = 0.35 * _lexicon_belief(w)
        rel_ev = self.relations.evidence(words, hits, None, None, sparse=analysed.rel)
        rel_scores = rel_ev.scores()
        if max(rel_scores.values()) > 0:
            scale = (0.75 + 0.25 * np.array(self._relation_factors(rel_scores)))[self._q_rel]
        else:
            scale = self._q_ones
        # Only codes that can come near the best need exact fuzzy scores: the tie and
        # parallel-version margins below are what this margin must cover.
        fuzzy = (
            self.questions.near_best(
                seg.text, bonus=bonus, scale=scale, margin=QUESTION_NEAR, floor=QUESTION_MIN
            )
            / 100.0
        )
        if not len(fuzzy):
            return None
        # plain floats from here: a few comparisons over some 60 guide texts
        combined = ((fuzzy + bonus) * scale).tolist()
        top = max(combined)
        if top < QUESTION_MIN:
            return None
        # Parallel items (C13c, C14c, C15c) often tie; the block the interview is in breaks it.
        previous = {self.relations.relation_of(c) for c in ctx.strengths} - {None}
        if previous:
            close = top - TIE_MARGIN
            q_rel = self._q_relation
            for k, v in enumerate(combined):
                if v >= close and q_rel[k] in previous:
                    combined[k] = v + TIE_MARGIN / 2
            top = max(combined)
        # Equal scores keep the guide's order (a stable sort), so ties come out the same on
        # every machine, and far codes' scores never matter.
        floor = top - TIE_MARGIN
        near = [k for k, v in enumerate(combined) if v >= floor]
        ranked = sorted(near, key=lambda k: -combined[k])[:3]
        strengths: dict[str, float] = {}
        evidence: dict[str, str] = {}
        for k in ranked:
            code = q_ids[k]
            strengths[code] = min(1.0, (combined[k] - 0.25) / 0.35)
            evidence[code] = f"question:{code} ({100 * fuzzy[k]:.0f})"
        q_of_id = self._q_of_id
        strengths, evidence, relation = self._resolve_parallel(
            strengths,
            evidence,
            lambda c: combined[q_of_id[c]] if c in q_of_id else 0.0,
            previous,
        )
        ctx.relation = relation
        ctx.strengths, ctx.evidence, ctx.answers, ctx.last = strengths, evidence, 0, {}
        return max(strengths, key=lambda c: strengths[c])

    def _asked(
        self, ctx: _Context
    ) -> tuple[tuple[CodeSuggestion, ...], tuple[RelationScore, ...]]:
        """Structural suggestions for an interviewer turn: the guide question(s) it asks,
        scored by how well it matched, and that question's relation when it has one, so a
        researcher can accept "this is where C13 was asked" and the workspace can outline the
        interview by question."""
        ranked = sorted(ctx.strengths.items(), key=lambda kv: (-kv[1], self._index.get(kv[0], 0)))
        codes = tuple(
            CodeSuggestion(c, round(st, 4), (ctx.evidence[c],), self.relations.relation_of(c))
            for c, st in ranked
            if st > 0
        )
        rels: tuple[RelationScore, ...] = ()
        if ctx.relation is not None and codes:
            rels = (RelationScore(ctx.relation, codes[0].score, (codes[0].evidence[0],)),)
        return codes, rels

    def _parallel(self, code: str, rel: Relation) -> str | None:
        """The same item asked about another relation (C13c -> C14c for the ceo level)."""
        own = self._relation_question.get(self.relations.relation_of(code) or Relation.CEO)
        other = self._relation_question.get(rel)
        if own is None or other is None or not code.startswith(own):
            return None
        twin = other + code[len(own) :]
        return twin if twin in self._index else None

    def _resolve_parallel(
        self,
        strengths: dict[str, float],
        evidence: dict[str, str],
        combined: Callable[[str], float],
        previous: set[Relation | None],
    ) -> tuple[dict[str, float], dict[str, str], Relation | None]:
        """Which relation's version of a question was asked (C13c, C14c or C15c).

        A clear winner among the versions (its text or relation words match better) decides;
        otherwise the interview's current block (the previous question's relation) does;
        otherwise all versions stay open and each answer's own relation evidence picks one.
        """
        out: dict[str, float] = {}
        why: dict[str, str] = {}
        for code, st in strengths.items():
            rel = self.relations.relation_of(code)
            versions = [code]
            if rel is not None:
                twins = {r: t for r in _RELATIONS if (t := self._parallel(code, r))}
                twins[rel] = code
                ranked = sorted(twins.items(), key=lambda kv: -combined(kv[1]))
                lead = combined(ranked[0][1]) - (combined(ranked[1][1]) if len(ranked) > 1 else 0.0)
                block = next(iter(previous)) if len(previous) == 1 else None
                if len(ranked) == 1 or lead > PARALLEL_MARGIN:
                    versions = [ranked[0][1]]
                elif block in twins:
                    versions = [twins[block]]  # type: ignore[index]
                else:
                    versions = [t for _, t in ranked]
            for v in versions:
                if st > out.get(v, 0.0):
                    out[v] = st
                    why[v] = evidence[code] if v == code else f"{evidence[code]}->{v}"
        rels = {self.relations.relation_of(c) for c in out}
        return out, why, (rels.pop() if len(rels) == 1 else None)

    def _context_scores(self, ctx: _Context) -> tuple[dict[int, float], dict[str, str]]:
        """Question-context belief per code index (codes the question supports only)."""
        q: dict[int, float] = {}
        why: dict[str, str] = {}
        for code in ctx.strengths:
            s = ctx.current(code)
            ev = ctx.evidence[code]
            for c, j, share in self._context_targets[code]:
                if s * share > q.get(j, 0.0):
                    q[j] = s * share
                    why[c] = ev
        return {j: QUESTION_CAP * v for j, v in q.items()}, why

    def _one(
        self,
        i: int,
        seg: SegmentInput,
        analysed: _Words,
        ctx: _Context,
        vector: np.ndarray | None,
    ) -> SegmentSuggestions:
        if self._is_question(seg):
            asked = self._question(seg, analysed, ctx)
            codes, rels = self._asked(ctx) if asked else ((), ())
            return SegmentSuggestions(
                i, seg.start, seg.end, seg.speaker, seg.role, rels, codes, asked, seg.segment_id
            )
        words = analysed.words
        hits = self.lexicon.match_words(words, sparse=analysed.lex)
        lex_weights, by_code = self._lexicon_weights(hits)
        qctx, q_why = self._context_scores(ctx)
        ctx.answers += 1
        best_q = ctx.best()
        feats = features(words, self.lexicon) if self.model is not None else Counter()

        rel_ev = self.relations.evidence(words, hits, seg.role, best_q, sparse=analysed.rel)
        if self.model is not None:
            for rel, (w, why) in self.model.relation_scores(feats).items():
                if w > 0:
                    rel_ev.add(rel, 1.5 * w, why, "learned")
        for rel, sc in ctx.last.items():
            if sc > 0:
                rel_ev.add(rel, CONTINUITY * sc, f"previous:{rel.value}", "previous")
        rel_scores = rel_ev.scores(self.relation_coefficients)
        ctx.last = rel_scores

        # Only codes with some belief can be listed, and most segments give belief to a few
        # codes out of ~150: score those as plain floats (same formulas, same float results as
        # whole-array arithmetic) instead of a dozen array operations per segment.
        belief: dict[int, float] = {}
        for j, w in lex_weights.items():
            belief[j] = 1.0 - (1.0 - _lexicon_belief(w)) * (1.0 - qctx.get(j, 0.0))
        for j, q in qctx.items():
            if j not in lex_weights:  # as the array formula has it: 1 - (1 - q) is not always q
                belief[j] = 1.0 - (1.0 - 0.0) * (1.0 - q)
        learned_why: dict[str, list[str]] = {}
        if self.model is not None:
            learned: dict[int, float] = {}
            for code, (score, why) in self.model.code_scores(feats, hits).items():
                j = self._index.get(code)
                if j is not None:
                    learned[j] = score
                    learned_why[code] = why
            penalty = self.model.term_factors(by_code)(self.code_ids).tolist()
            for j in belief.keys() | learned.keys():
                b = belief.get(j, 0.0) * penalty[j]
                belief[j] = 1.0 - (1.0 - b) * (1.0 - learned.get(j, 0.0))
        emb: dict[int, float] = {}
        if vector is not None and self._code_vectors is not None:
            sims = self._code_vectors @ vector
            z = (sims - sims.mean()) / (sims.std() + 1e-9)
            clipped = np.clip((z - 1.0) / 3.0, 0.0, 0.6)
            emb = {int(j): float(clipped[j]) for j in np.flatnonzero(clipped)}
            for j in belief.keys() | emb.keys():
                belief[j] = 1.0 - (1.0 - belief.get(j, 0.0)) * (1.0 - emb.get(j, 0.0))
        factors = self._relation_factors(rel_scores)
        rel_index, level = self._rel_list, self._level_list
        scored = [(b * factors[rel_index[j]] * level[j], j) for j, b in belief.items()]
        # best first; equal scores keep the guide's order
        scored.sort(key=lambda sj: (-sj[0], sj[1]))

        speaker_why = {
            rel: [x for x in reasons[:2] if x.startswith("speaker:")]
            for rel, reasons in rel_ev.reasons.items()
            if rel_scores.get(rel, 0) > 0
        }
        codes: list[CodeSuggestion] = []
        new = tuple.__new__  # named tuples without their Python-level __new__
        for sc, j in scored[:MAX_CODES]:
            if sc < MIN_REPORTED:
                break
            c = self.code_ids[j]
            ev: list[str] = []
            found = by_code.get(c)
            if found:
                for h in sorted(found, key=lambda h: -h.weight) if len(found) > 1 else found:
                    e = h.evidence()
                    if e not in ev:
                        ev.append(e)
            if qctx.get(j, 0.0) > 0 and c in q_why:
                ev.append(q_why[c])
            if learned_why:
                ev.extend(learned_why.get(c, ()))
            e_sim = emb.get(j, 0.0)
            if e_sim > 0:
                ev.append(f"embedding:{e_sim:.2f}")
            rel = self._code_relation[j]
            if rel is not None and rel in speaker_why:
                ev.extend(speaker_why[rel])
            codes.append(new(CodeSuggestion, (c, round(sc, 4), tuple(ev), rel)))
        relations = tuple(
            new(RelationScore, (r, round(s, 4), tuple(rel_ev.reasons[r])))
            for r, s in sorted(rel_scores.items(), key=lambda kv: -kv[1])
        )
        return SegmentSuggestions(
            i,
            seg.start,
            seg.end,
            seg.speaker,
            seg.role,
            relations,
            tuple(codes),
            None,
            seg.segment_id,
        )


def _lexicon_belief(weight: float) -> float:
    """Summed lexicon weight -> belief, saturating at LEX_CAP."""
    return LEX_CAP * (1.0 - math.exp(-LEX_RATE * weight))


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
