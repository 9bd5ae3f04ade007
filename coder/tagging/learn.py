"""Learning from the researcher's decisions: per-code lemma profiles and lexicon term reliability.

Two small, explainable models, retrained on demand from the project's codings:

* a Rocchio classifier over tf-idf lemma features: each code (and each relation) gets the
  centroid of the segments it was accepted or coded on, minus a share of the centroid of
  segments where it was rejected; a segment's similarity to that profile becomes a score,
  explained by the lemmas that contributed most (``learned:formannskap``). It works from a
  handful of examples, where heavier models need hundreds.
* term reliability: how often a suggestion that rested on a lexicon term was accepted versus
  rejected; terms the researcher keeps rejecting for a code lose weight for that code.

The model is plain JSON so it can live in the project database (settings table).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coder.domain import Relation
from coder.tagging.lexicon import Hit

MAX_TERMS = 300  # terms kept per profile
NEG_SHARE = 0.5
SIM_SCALE = 0.3  # cosine similarity that counts as a full match
MAX_LEARNED = 0.8
MIN_FACTOR = 0.3
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Example:
    """One decided segment: its lemma features and what the researcher said about it."""

    features: Mapping[str, int]
    accepted: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()
    relation: Relation | None = None
    accepted_terms: tuple[tuple[str, str], ...] = ()  # (code, lexicon term) of accepted suggestions
    rejected_terms: tuple[tuple[str, str], ...] = ()


def _unit(vec: Mapping[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {k: v / norm for k, v in vec.items()} if norm else {}


def _prune(vec: Mapping[str, float]) -> dict[str, float]:
    top = sorted(vec.items(), key=lambda kv: -abs(kv[1]))[:MAX_TERMS]
    return {k: round(v, 5) for k, v in top if abs(v) > 1e-6}


@dataclass(slots=True)
class Profile:
    n: int = 0
    pos: dict[str, float] = field(default_factory=dict)
    neg: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class LearnedModel:
    """Lemma profiles per code and relation, and term reliability per (code, term)."""

    idf: dict[str, float] = field(default_factory=dict)
    default_idf: float = 1.0
    codes: dict[str, Profile] = field(default_factory=dict)
    relations: dict[Relation, Profile] = field(default_factory=dict)
    terms: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # (acc, rej)
    examples: int = 0

    # -- scoring --------------------------------------------------------------------------

    def vector(self, feats: Mapping[str, int]) -> dict[str, float]:
        return _unit(
            {t: (1.0 + math.log(c)) * self.idf.get(t, self.default_idf) for t, c in feats.items()}
        )

    def _score(self, v: Mapping[str, float], prof: Profile) -> tuple[float, list[str]]:
        contrib = {t: w * prof.pos[t] for t, w in v.items() if t in prof.pos}
        sim = sum(contrib.values())
        sim -= NEG_SHARE * sum(w * prof.neg.get(t, 0.0) for t, w in v.items())
        if sim <= 0:
            return 0.0, []
        confidence = prof.n / (prof.n + 2.0)
        score = MAX_LEARNED * confidence * min(1.0, sim / SIM_SCALE)
        why = [f"learned:{t}" for t, _ in sorted(contrib.items(), key=lambda kv: -kv[1])[:3]]
        return score, why

    def code_scores(
        self, feats: Mapping[str, int], hits: Sequence[Hit] = ()
    ) -> dict[str, tuple[float, list[str]]]:
        """Learned score and reasons per code with a profile (codes never decided are absent)."""
        if not feats or not self.codes:
            return {}
        v = self.vector(feats)
        out: dict[str, tuple[float, list[str]]] = {}
        for code, prof in self.codes.items():
            if prof.n:
                sc, why = self._score(v, prof)
                if sc > 0:
                    out[code] = (sc, why)
        return out

    def relation_scores(self, feats: Mapping[str, int]) -> dict[Relation, tuple[float, str]]:
        if not feats or not self.relations:
            return {}
        v = self.vector(feats)
        out: dict[Relation, tuple[float, str]] = {}
        for rel, prof in self.relations.items():
            sc, why = self._score(v, prof)
            if sc > 0:
                out[rel] = (sc, why[0] if why else "learned")
        return out

    def term_factor(self, code: str, term: str) -> float:
        acc, rej = self.terms.get((code, term), (0, 0))
        if not rej:
            return 1.0
        return max(MIN_FACTOR, (acc + 1.0) / (acc + rej + 1.0))

    def term_factors(self, by_code: Mapping[str, Sequence[Hit]]) -> Any:
        """A function code_ids -> factor array: lexicon belief kept for reliable terms only."""

        def factors(code_ids: Sequence[str]) -> np.ndarray:
            out = np.ones(len(code_ids))
            if not self.terms:
                return out
            for j, c in enumerate(code_ids):
                hits = by_code.get(c)
                if hits:
                    out[j] = max(self.term_factor(c, h.term) for h in hits)
            return out

        return factors

    # -- persistence ----------------------------------------------------------------------

    def to_json(self) -> str:
        def prof(p: Profile) -> dict[str, Any]:
            return {"n": p.n, "pos": p.pos, "neg": p.neg}

        return json.dumps(
            {
                "version": FORMAT_VERSION,
                "examples": self.examples,
                "default_idf": self.default_idf,
                "idf": {k: round(v, 4) for k, v in self.idf.items()},
                "codes": {c: prof(p) for c, p in self.codes.items()},
                "relations": {r.value: prof(p) for r, p in self.relations.items()},
                "terms": [[c, t, a, r] for (c, t), (a, r) in sorted(self.terms.items())],
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> LearnedModel:
        data = json.loads(text)
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported learned-model version {data.get('version')!r}")

        def prof(d: Mapping[str, Any]) -> Profile:
            return Profile(int(d["n"]), dict(d["pos"]), dict(d["neg"]))

        return cls(
            idf=dict(data["idf"]),
            default_idf=float(data["default_idf"]),
            codes={c: prof(p) for c, p in data["codes"].items()},
            relations={Relation(r): prof(p) for r, p in data["relations"].items()},
            terms={(c, t): (int(a), int(r)) for c, t, a, r in data["terms"]},
            examples=int(data["examples"]),
        )


def train(examples: Iterable[Example]) -> LearnedModel:
    """Fit profiles and term reliability from decided segments (deterministic)."""
    data = [e for e in examples if e.features or e.accepted or e.rejected]
    n = len(data)
    df: Counter[str] = Counter()
    for e in data:
        df.update(set(e.features))
    idf = {t: math.log((n + 1) / (c + 1)) + 1.0 for t, c in df.items()}
    model = LearnedModel(idf=idf, default_idf=math.log(n + 1) + 1.0, examples=n)
    vecs = [model.vector(e.features) for e in data]

    def centroid(members: list[dict[str, float]]) -> dict[str, float]:
        acc: dict[str, float] = defaultdict(float)
        for v in members:
            for t, w in v.items():
                acc[t] += w / len(members)
        return _prune(acc)

    pos: dict[str, list[dict[str, float]]] = defaultdict(list)
    neg: dict[str, list[dict[str, float]]] = defaultdict(list)
    rel_pos: dict[Relation, list[dict[str, float]]] = defaultdict(list)
    terms: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for e, v in zip(data, vecs, strict=True):
        for c in e.accepted:
            pos[c].append(v)
        for c in e.rejected - e.accepted:
            neg[c].append(v)
        if e.relation is not None:
            rel_pos[e.relation].append(v)
        for key in e.accepted_terms:
            terms[key][0] += 1
        for key in e.rejected_terms:
            terms[key][1] += 1
    for c in set(pos) | set(neg):
        model.codes[c] = Profile(
            len(pos.get(c, [])),
            centroid(pos[c]) if pos.get(c) else {},
            centroid(neg[c]) if neg.get(c) else {},
        )
    for rel, members in rel_pos.items():
        others = [v for r, m in rel_pos.items() if r is not rel for v in m]
        model.relations[rel] = Profile(
            len(members), centroid(members), centroid(others) if others else {}
        )
    model.terms = {k: (a, r) for k, (a, r) in terms.items()}
    return model


def evidence_terms(evidence: Iterable[str]) -> list[str]:
    """The lexicon terms a suggestion's evidence names (``lemma:x``, ``text:x``, ``compound:y~x`` -> x)."""
    out: list[str] = []
    for e in evidence:
        kind, _, rest = e.partition(":")
        if kind in ("lemma", "phrase", "text"):
            out.append(rest)
        elif kind in ("compound", "fuzzy"):
            out.append(rest.split("~")[-1])
    return out
