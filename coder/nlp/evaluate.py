"""Scoring a pipeline on NDT-format files: lemma, UPOS, UAS/LAS, sentences, entities, speed."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy

from coder.nlp.ndt import docs_from_files, ndt_files


@dataclass(frozen=True)
class Scores:
    """Dev-set style figures as fractions 0-1; speed in words per CPU-second."""

    lemma_acc: float
    upos_acc: float
    uas: float
    las: float
    sents_f: float
    ents_f: float
    per_f: float
    words_per_second: float
    words: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _aligned(ragged: Any, i: int) -> list[int]:
    item = ragged[i]
    return [int(x) for x in numpy.asarray(getattr(item, "dataXd", item)).ravel()]


def _lemma_accuracy(examples: list[Any]) -> float:
    """Share of gold words whose one-to-one aligned prediction has the gold lemma.

    Compared case-insensitively: coder lowercases lemmas except for proper nouns, while
    NDT also capitalises a few others; the case of a lemma carries no meaning here.
    """
    right = total = 0
    for eg in examples:
        for gold in eg.reference:
            total += 1
            pred_idx = _aligned(eg.alignment.y2x, gold.i)
            if len(pred_idx) != 1 or len(_aligned(eg.alignment.x2y, int(pred_idx[0]))) != 1:
                continue
            pred = eg.predicted[int(pred_idx[0])]
            right += pred.lemma_.lower() == gold.lemma_.lower()
    return right / total if total else 0.0


def evaluate_folder(nlp: Any, folder: Path, batch_size: int = 64) -> Scores:
    """Run ``nlp`` on the raw text of every document in ``folder`` and score it against
    the gold annotation (tokenization differences are aligned, as spaCy does)."""
    from spacy.training import Example

    refs = list(docs_from_files(nlp.vocab, ndt_files(folder)))
    examples = [Example(nlp.make_doc(ref.text), ref) for ref in refs]
    start = time.process_time()  # CPU time: a busy shared machine does not distort it
    docs = list(nlp.pipe((eg.predicted for eg in examples), batch_size=batch_size))
    seconds = time.process_time() - start
    for eg, doc in zip(examples, docs, strict=True):
        eg.predicted = doc
    from spacy.scorer import Scorer

    scores = Scorer(nlp).score(examples)
    words = sum(len(eg.predicted) for eg in examples)
    per = (scores.get("ents_per_type") or {}).get("PER", {})
    return Scores(
        lemma_acc=_lemma_accuracy(examples),
        upos_acc=float(scores.get("pos_acc") or 0.0),
        uas=float(scores.get("dep_uas") or 0.0),
        las=float(scores.get("dep_las") or 0.0),
        sents_f=float(scores.get("sents_f") or 0.0),
        ents_f=float(scores.get("ents_f") or 0.0),
        per_f=float(per.get("f") or 0.0),
        words_per_second=words / seconds if seconds else 0.0,
        words=words,
    )
