"""Scoring the tagger against gold annotations, beside a naive keyword-count baseline.

Gold comes in two shapes, both JSON lines in one folder:

* ``<transcript-stem>.jsonl``: one line per informant turn of a transcript in the transcripts
  folder, ``{file, speaker, quote, relation, codes}``; ``quote`` is the start of the turn's text.
  The whole transcript is tagged (so question context runs as in real use) and turns are
  aligned to gold lines by speaker and quote.
* ``extra.jsonl``: self-contained passages ``{id, question, speaker, role, text, relation,
  codes}``; each is tagged as a two-turn exchange (the interviewer's question, if any, then the
  answer).

Rules. Relation: top-1 accuracy over gold turns that name a relation, and precision/recall/F1
per relation taking the best-scoring relation as the prediction. Codes, top-3 hit rate:
*strict* - one of the three best suggested codes is a gold code; *lenient* - one of them is a
gold code, or its ancestor or descendant within the same guide question (``C13d`` or ``C13``
for gold ``C13d.i``; but not the sibling ``C13c`` nor the section ``C``); sections without
questions (D, E) must match exactly. Every gold line is put in the dev or test split by a hash
of its key (one in three goes to test), so figures on test were not looked at while tuning.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder.codebook.model import Codebook
from coder.domain import CodeKind, Relation, RoleGroup
from coder.errors import InputError
from coder.tagging.learn import Example, LearnedModel, evidence_terms, train
from coder.tagging.lexicon import doc_words
from coder.tagging.suggest import (
    SegmentInput,
    SegmentSuggestions,
    Suggester,
    features,
    segment_inputs,
)

EXTRA_FILE = "extra.jsonl"
PROSE_FILE = "prose.jsonl"
# dev/test: the fitting set, split by hash; unseen: written apart from the lexicons and
# coefficients and never fitted on (tests/tagging/gold-unseen)
SPLITS = ("dev", "test", "unseen")
TOP_K = 3
STORE_MIN = 0.3  # autocode's default --min-score
STORE_MAX = 5  # autocode's default --max-codes (coder.services.autocode.MAX_CODES)
CURVE_POINTS = (0, 10, 25, 50, 100, 150)
CURVE_SEED = 13


@dataclass(frozen=True, slots=True)
class GoldLabel:
    key: str
    relation: Relation | None
    codes: tuple[str, ...]
    split: str  # dev | test (by hash), or the line's own split ("unseen")
    question: str | None = None  # for an interviewer turn: the guide question it asks


@dataclass(slots=True)
class GoldTranscript:
    """A transcript (or a passage) to tag, and the gold labels of some of its segments."""

    name: str
    segments: list[SegmentInput]
    gold: dict[int, GoldLabel] = field(default_factory=dict)


def split_of(key: str) -> str:
    return "test" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def _norm(text: str) -> str:
    return " ".join(text.split())


def _label(line: dict[str, Any], key: str, where: str) -> GoldLabel:
    rel = line.get("relation")
    try:
        relation = Relation(rel) if rel else None
    except ValueError:
        raise InputError(f"unknown relation {rel!r}", path=where) from None
    split = line.get("split") or split_of(key)
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r} (one of {', '.join(SPLITS)})", path=where)
    asks = line.get("asks") or None  # an interviewer turn's guide question
    return GoldLabel(key, relation, tuple(line.get("codes") or ()), split, asks)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip():
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg}", path=path, line=n) from None
    return out


def _paragraphs(text: str) -> list[str]:
    """Non-empty, non-heading paragraphs of a Markdown text, each joined into one line."""
    out: list[str] = []
    for block in text.split("\n\n"):
        para = _norm(block)
        if para and not para.startswith("#"):
            out.append(para)
    return out


def _prose_items(
    path: Path, lines: list[dict[str, Any]], shared: Path | None, warnings: list[str]
) -> list[GoldTranscript]:
    """Real report paragraphs labelled by relation: each tagged alone (no speaker, no question).

    The text is read from ``shared`` (the study's own material is not copied into the gold
    folder); the line's first words check that the paragraph is the one labelled."""
    items: list[GoldTranscript] = []
    cache: dict[str, list[str]] = {}
    for n, line in enumerate(lines, 1):
        source = line["source"]
        if shared is None or not (shared / source).is_file():
            warnings.append(f"{path.name}:{n}: {source} not found (give --shared)")
            continue
        paras = cache.setdefault(source, _paragraphs((shared / source).read_text("utf-8")))
        k = int(line["paragraph"]) - 1
        if not 0 <= k < len(paras) or not paras[k].startswith(_norm(line["first_words"])):
            warnings.append(f"{path.name}:{n}: paragraph {k + 1} does not start as labelled")
            continue
        key = f"prose:{source}:{k + 1}"
        seg = SegmentInput(paras[k])
        items.append(GoldTranscript(key, [seg], {0: _label(line, key, f"{path}:{n}")}))
    return items


def load_gold(
    gold_dir: Path, transcripts_dir: Path, shared: Path | None = None
) -> tuple[list[GoldTranscript], list[str]]:
    """Gold transcripts and passages, plus warnings (gold lines that matched no turn)."""
    from coder.ingest import read_transcript

    items: list[GoldTranscript] = []
    warnings: list[str] = []
    for path in sorted(gold_dir.glob("*.jsonl")):
        lines = _read_jsonl(path)
        if path.name == PROSE_FILE:
            items.extend(_prose_items(path, lines, shared, warnings))
            continue
        if path.name == EXTRA_FILE:
            for n, line in enumerate(lines, 1):
                key = f"extra:{line.get('id', n)}"
                segs: list[SegmentInput] = []
                if line.get("question"):
                    segs.append(
                        SegmentInput(line["question"], speaker="I", role=RoleGroup.INTERVIEWER)
                    )
                role = RoleGroup(line["role"]) if line.get("role") else None
                segs.append(SegmentInput(line["text"], speaker=line.get("speaker"), role=role))
                items.append(
                    GoldTranscript(key, segs, {len(segs) - 1: _label(line, key, f"{path}:{n}")})
                )
            continue
        if not lines:
            continue
        source = transcripts_dir / lines[0]["file"]
        segs = segment_inputs(read_transcript(source))
        gt = GoldTranscript(source.name, segs)
        cursor = 0
        for n, line in enumerate(lines, 1):
            quote = _norm(line["quote"])
            for i in range(cursor, len(segs)):
                if segs[i].speaker == line["speaker"] and _norm(segs[i].text).startswith(quote):
                    gt.gold[i] = _label(line, f"{source.name}:{i}", f"{path}:{n}")
                    cursor = i + 1
                    break
            else:
                warnings.append(
                    f"{path.name}:{n}: no turn of {line['speaker']} starts {quote[:30]!r}"
                )
        items.append(gt)
    return items, warnings


# -- metrics ------------------------------------------------------------------------------


def lenient_match(codebook: Codebook, suggested: str, gold: str) -> bool:
    """Same code, or ancestor/descendant of it within the same guide question (see module doc)."""
    if suggested == gold:
        return True
    if suggested not in codebook or gold not in codebook:
        return False
    s, g = codebook.get(suggested), codebook.get(gold)
    if CodeKind.SECTION in (s.kind, g.kind):
        return False
    related = suggested in {a.id for a in codebook.ancestors(gold)} or gold in {
        a.id for a in codebook.ancestors(suggested)
    }
    return (
        related
        and codebook.rollup(suggested, "question").id == codebook.rollup(gold, "question").id
    )


def same_question(codebook: Codebook, suggested: str, gold: str) -> bool:
    """The same guide question (C13 for C13, C13c or C13d.i), or the same code where the
    guide has no numbered question (sections D and E, the section heads)."""
    if suggested == gold:
        return True
    if suggested not in codebook or gold not in codebook:
        return False
    return codebook.rollup(suggested, "question").id == codebook.rollup(gold, "question").id


@dataclass(slots=True)
class Scores:
    """Counts for one system on one split; `summary()` turns them into rates."""

    n_rel: int = 0
    rel_correct: int = 0
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    n_codes: int = 0
    top3_lenient: int = 0
    top3_strict: int = 0
    top1_strict: int = 0
    # what autocode would store with its defaults (score >= STORE_MIN, best STORE_MAX)
    stored: int = 0
    stored_right: int = 0
    gold_codes: int = 0
    gold_stored: int = 0
    # interviewer turns: the guide question asked (top suggestion, at question level)
    n_questions: int = 0
    question_top1: int = 0

    def add(
        self,
        codebook: Codebook,
        gold: GoldLabel,
        relation: Relation | None,
        codes: Sequence[str],
        scores: Sequence[float] | None = None,
    ) -> None:
        if gold.question is not None:
            self.n_questions += 1
            self.question_top1 += bool(codes) and same_question(codebook, codes[0], gold.question)
            return
        if gold.relation is not None:
            self.n_rel += 1
            self.rel_correct += relation is gold.relation
            if relation is gold.relation:
                self.tp[gold.relation.value] += 1
            else:
                self.fn[gold.relation.value] += 1
                if relation is not None:
                    self.fp[relation.value] += 1
        if gold.codes:
            self.n_codes += 1
            top = list(codes[:TOP_K])
            self.top3_strict += any(c in gold.codes for c in top)
            self.top3_lenient += any(lenient_match(codebook, c, g) for c in top for g in gold.codes)
            self.top1_strict += bool(top) and top[0] in gold.codes
            if scores is not None:
                kept = [c for c, sc in zip(codes, scores, strict=True) if sc >= STORE_MIN]
                kept = kept[:STORE_MAX]
                self.stored += len(kept)
                self.stored_right += sum(
                    any(lenient_match(codebook, c, g) for g in gold.codes) for c in kept
                )
                self.gold_codes += len(gold.codes)
                self.gold_stored += sum(
                    any(lenient_match(codebook, c, g) for c in kept) for g in gold.codes
                )

    def summary(self) -> dict[str, Any]:
        per: dict[str, dict[str, float]] = {}
        for rel in Relation:
            r = rel.value
            p = self.tp[r] / (self.tp[r] + self.fp[r]) if self.tp[r] + self.fp[r] else 0.0
            rc = self.tp[r] / (self.tp[r] + self.fn[r]) if self.tp[r] + self.fn[r] else 0.0
            f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
            per[r] = {"precision": round(p, 3), "recall": round(rc, 3), "f1": round(f1, 3)}
        return {
            "segments_with_relation": self.n_rel,
            "relation_top1": round(self.rel_correct / self.n_rel, 3) if self.n_rel else 0.0,
            "relations": per,
            "segments_with_codes": self.n_codes,
            "codes_top3_lenient": round(self.top3_lenient / self.n_codes, 3)
            if self.n_codes
            else 0.0,
            "codes_top3_strict": round(self.top3_strict / self.n_codes, 3) if self.n_codes else 0.0,
            "codes_top1_strict": round(self.top1_strict / self.n_codes, 3) if self.n_codes else 0.0,
            "stored_per_segment": round(self.stored / self.n_codes, 2) if self.n_codes else 0.0,
            "stored_precision": round(self.stored_right / self.stored, 3) if self.stored else 0.0,
            "stored_recall": round(self.gold_stored / self.gold_codes, 3)
            if self.gold_codes
            else 0.0,
            "interviewer_turns": self.n_questions,
            "question_top1": round(self.question_top1 / self.n_questions, 3)
            if self.n_questions
            else 0.0,
        }


# -- the naive baseline -------------------------------------------------------------------


class KeywordBaseline:
    """Counts exact lexicon words: relation = most relation words, codes = most lexicon hits."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.order = {c.id: i for i, c in enumerate(codebook)}
        self.word_codes: dict[str, list[str]] = {}
        self.rel_words: dict[str, Relation] = {}
        for c in codebook:
            for lemma in c.lexicon.lemmas:
                if c.kind is CodeKind.RELATION and c.relation is not None:
                    self.rel_words[lemma.lower()] = c.relation
                else:
                    self.word_codes.setdefault(lemma.lower(), []).append(c.id)

    def predict(self, doc: Any) -> tuple[Relation | None, list[str]]:
        rel_count: Counter[Relation] = Counter()
        code_count: Counter[str] = Counter()
        for tok in doc:
            keys = {tok.lower_, tok.lemma_.lower()} - {""}
            for k in keys:
                if k in self.rel_words:
                    rel_count[self.rel_words[k]] += 1
                    break
            for k in keys:
                if k in self.word_codes:
                    code_count.update(self.word_codes[k])
                    break
        relation = rel_count.most_common(1)[0][0] if rel_count else None
        codes = sorted(code_count, key=lambda c: (-code_count[c], self.order[c]))
        return relation, codes


# -- running ------------------------------------------------------------------------------


@dataclass(slots=True)
class Parsed:
    """Gold items with their docs parsed once (scoring runs many times in the learning curve)."""

    items: list[GoldTranscript]
    docs: list[list[Any]]


def parse_gold(nlp: Any, items: Sequence[GoldTranscript]) -> Parsed:
    flat = [s.text for it in items for s in it.segments]
    parsed = list(nlp.pipe(flat, batch_size=64))
    docs: list[list[Any]] = []
    k = 0
    for it in items:
        docs.append(parsed[k : k + len(it.segments)])
        k += len(it.segments)
    return Parsed(list(items), docs)


def run_suggester(
    suggester: Suggester, parsed: Parsed
) -> dict[str, tuple[GoldLabel, SegmentSuggestions]]:
    out: dict[str, tuple[GoldLabel, SegmentSuggestions]] = {}
    for it, docs in zip(parsed.items, parsed.docs, strict=True):
        sugg = list(suggester.iter_suggest(it.segments, docs=docs))
        for i, label in it.gold.items():
            out[label.key] = (label, sugg[i])
    return out


def score_runs(
    codebook: Codebook,
    results: Iterable[tuple[GoldLabel, SegmentSuggestions]],
    *,
    keep: Callable[[GoldLabel], bool] = lambda _g: True,
) -> Scores:
    sc = Scores()
    for label, s in results:
        if keep(label):
            sc.add(
                codebook, label, s.relation, [c.code for c in s.codes], [c.score for c in s.codes]
            )
    return sc


def baseline_scores(codebook: Codebook, parsed: Parsed) -> dict[str, Scores]:
    base = KeywordBaseline(codebook)
    out = {split: Scores() for split in SPLITS}
    for it, docs in zip(parsed.items, parsed.docs, strict=True):
        for i, label in it.gold.items():
            rel, codes = base.predict(docs[i])
            out[label.split].add(codebook, label, rel, codes)
    return out


def simulated_examples(
    suggester: Suggester,
    parsed: Parsed,
    results: dict[str, tuple[GoldLabel, SegmentSuggestions]],
    keys: Sequence[str],
) -> list[Example]:
    """Decisions a researcher would make on these segments: accept gold, reject wrong top-3."""
    where: dict[str, tuple[int, int]] = {}
    for t, it in enumerate(parsed.items):
        for i, label in it.gold.items():
            where[label.key] = (t, i)
    examples: list[Example] = []
    for key in keys:
        label, sugg = results[key]
        t, i = where[key]
        words = doc_words(parsed.docs[t][i])
        feats = features(words, suggester.lexicon)
        top = sugg.codes[:TOP_K]
        acc_terms = tuple(
            (c.code, term)
            for c in top
            if c.code in label.codes
            for term in evidence_terms(c.evidence)
        )
        rej_terms = tuple(
            (c.code, term)
            for c in top
            if c.code not in label.codes
            for term in evidence_terms(c.evidence)
        )
        examples.append(
            Example(
                feats,
                frozenset(label.codes),
                frozenset(c.code for c in top if c.code not in label.codes),
                label.relation,
                acc_terms,
                rej_terms,
            )
        )
    return examples


def learning_curve(
    codebook: Codebook,
    nlp: Any,
    parsed: Parsed,
    points: Sequence[int] = CURVE_POINTS,
    seed: int = CURVE_SEED,
) -> list[dict[str, Any]]:
    """Feed the gold labels of N segments as decisions, score on the rest, for each N."""
    plain = Suggester(codebook, nlp)
    base_results = run_suggester(plain, parsed)
    keys = sorted(base_results)
    random.Random(seed).shuffle(keys)
    rows: list[dict[str, Any]] = []
    for n in points:
        if n >= len(keys):
            break
        model: LearnedModel | None = None
        if n:
            model = train(simulated_examples(plain, parsed, base_results, keys[:n]))
        held = set(keys[n:])
        sugg = Suggester(codebook, nlp, model=model) if model is not None else plain
        results = run_suggester(sugg, parsed) if model is not None else base_results
        sc = score_runs(
            codebook, results.values(), keep=lambda g, held=held: g.key in held
        ).summary()
        rows.append(
            {
                "decided_segments": n,
                "scored_segments": len(held),
                "relation_top1": sc["relation_top1"],
                "codes_top3_lenient": sc["codes_top3_lenient"],
                "codes_top3_strict": sc["codes_top3_strict"],
                "codes_top1_strict": sc["codes_top1_strict"],
            }
        )
    return rows


def evaluate(
    codebook: Codebook,
    nlp: Any,
    gold_dir: Path,
    transcripts_dir: Path,
    *,
    pipeline_name: str = "",
    curve: bool = True,
    embedder: Any | None = None,
    shared: Path | None = None,
) -> dict[str, Any]:
    """The full report: system and baseline per split, optional embeddings, learning curve."""
    items, warnings = load_gold(gold_dir, transcripts_dir, shared)
    parsed = parse_gold(nlp, items)
    results = run_suggester(Suggester(codebook, nlp), parsed)
    report: dict[str, Any] = {
        "pipeline": pipeline_name,
        "gold_segments": len(results),
        "warnings": warnings,
        "system": {},
        "baseline": {},
    }
    base = baseline_scores(codebook, parsed)
    present = {label.split for label, _ in results.values()}
    report["splits"] = [s for s in SPLITS if s in present]
    for split in report["splits"]:
        report["system"][split] = score_runs(
            codebook, results.values(), keep=lambda g, s=split: g.split == s
        ).summary()
        report["baseline"][split] = base[split].summary()
    report["system"]["all"] = score_runs(codebook, results.values()).summary()
    if embedder is not None:
        emb_results = run_suggester(Suggester(codebook, nlp, embedder=embedder), parsed)
        report["embeddings"] = {
            split: score_runs(
                codebook, emb_results.values(), keep=lambda g, s=split: g.split == s
            ).summary()
            for split in report["splits"]
        }
    if curve and "dev" in present:
        report["learning_curve"] = learning_curve(codebook, nlp, parsed)
    return report


def format_report(report: dict[str, Any]) -> str:
    """The report as aligned plain text for the terminal."""
    lines = [f"pipeline: {report['pipeline']}   gold segments: {report['gold_segments']}"]
    for w in report["warnings"]:
        lines.append(f"warning: {w}")
    systems = [("system", report["system"]), ("baseline", report["baseline"])]
    if "embeddings" in report:
        systems.append(("system+emb", report["embeddings"]))
    for split in report.get("splits", ("dev", "test")):
        lines.append("")
        lines.append(f"== {split} ==")
        lines.append(
            f"{'':12}{'rel top1':>9}{'P pol':>7}{'R pol':>7}{'F1 pol':>7}{'P ceo':>7}{'R ceo':>7}"
            f"{'F1 ceo':>7}{'P unit':>7}{'R unit':>7}{'F1 unit':>8}{'top3 len':>9}{'top3 str':>9}"
            f"{'top1 str':>9}"
        )
        for name, data in systems:
            s = data[split]
            r = s["relations"]
            cells = [
                f"{s['relation_top1']:>9.3f}",
                *(
                    f"{r[rel][m]:>7.3f}"
                    for rel in ("politicians", "ceo", "units")
                    for m in ("precision", "recall", "f1")
                ),
                f"{s['codes_top3_lenient']:>9.3f}",
                f"{s['codes_top3_strict']:>9.3f}",
                f"{s['codes_top1_strict']:>9.3f}",
            ]
            lines.append(
                f"{name:12}"
                + "".join(cells)
                + f"   (n={s['segments_with_relation']}/{s['segments_with_codes']})"
            )
        s = report["system"][split]
        if s.get("interviewer_turns"):
            lines.append(
                f"{'':12}interviewer turns: guide question top-1 {s['question_top1']:.3f} "
                f"(n={s['interviewer_turns']})"
            )
        if s.get("stored_per_segment"):
            lines.append(
                f"{'':12}autocode defaults (score >= {STORE_MIN}, best {STORE_MAX}): "
                f"{s['stored_per_segment']:.2f} stored per segment, precision "
                f"{s['stored_precision']:.3f}, recall {s['stored_recall']:.3f} (lenient)"
            )
    if report.get("learning_curve"):
        lines.append("")
        lines.append("== learning from decisions (gold labels of N segments fed as decisions) ==")
        lines.append(
            f"{'N':>5}{'scored':>8}{'rel top1':>10}{'top3 len':>10}{'top3 str':>10}{'top1 str':>10}"
        )
        for row in report["learning_curve"]:
            lines.append(
                f"{row['decided_segments']:>5}{row['scored_segments']:>8}{row['relation_top1']:>10.3f}"
                f"{row['codes_top3_lenient']:>10.3f}{row['codes_top3_strict']:>10.3f}"
                f"{row['codes_top1_strict']:>10.3f}"
            )
    return "\n".join(lines)
