"""Turning a trained spaCy folder into the shipped pipeline: rule layer, meta, no junk."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from coder import __version__

log = logging.getLogger(__name__)

LICENSE_NOTE = (
    "Weights trained on the Norwegian Dependency Treebank with NorNE entity "
    "annotations; the annotations are CC0 1.0 (National Library of Norway, LTG/UiO, "
    "Schibsted). The corpus texts are third-party works and are not shipped."
)
STANDARD_NAMES = {"nob": "Bokmål", "nno": "Nynorsk"}


def _source(standard: str) -> dict[str, str]:
    return {
        "name": f"Norwegian Dependency Treebank (NDT) 1.0, {STANDARD_NAMES[standard]}, "
        "with NorNE named entities",
        "url": "https://www.nb.no/sprakbanken/en/resource-catalogue/oai-nb-no-sbr-10/",
        "license": "CC0 1.0 (annotations)",
        "author": "Språkbanken, National Library of Norway; LTG, University of Oslo",
    }


SOURCES = [_source("nob")]


def standards_of(train_dir: Path | None) -> tuple[str, ...]:
    """The written standards in a training folder: files named ``nob-*``/``nno-*`` (the joint
    layout of scripts/joint_corpus.py) say which; a plain NDT folder is Bokmål."""
    if train_dir is None or not train_dir.is_dir():
        return ("nob",)
    found = tuple(s for s in STANDARD_NAMES if any(train_dir.glob(f"{s}-*")))
    return found or ("nob",)


def package_pipeline(
    best: Path,
    dest: Path,
    dev_dir: Path | None = None,
    train_dir: Path | None = None,
    ner_from: Path | None = None,
) -> Path:
    """Write ``dest`` from the trained folder ``best``: the NER weights from ``ner_from``
    (its best checkpoint) if given, the lemma rule layer (its table from ``train_dir``),
    senter disabled (the parser splits sentences), and meta with dev scores."""
    import spacy

    import coder.nlp.lemmas  # noqa: F401 - registers the factory
    from coder.nlp.lemmas import FACTORY, build_noun_table, inflection_endings
    from coder.nlp.ndt import docs_from_files, ndt_files

    nlp = spacy.load(best)
    if ner_from is not None:
        nlp.get_pipe("ner").from_disk(ner_from, exclude=["vocab"])
    standards = standards_of(train_dir)
    names = " and ".join(STANDARD_NAMES[x] for x in standards)
    training_data = f"NDT {names} train split with NorNE entities"
    if FACTORY not in nlp.pipe_names:
        fixer = nlp.add_pipe(FACTORY, name=FACTORY, after="lemmatizer")
        if train_dir is not None:
            docs = list(docs_from_files(nlp.vocab, ndt_files(train_dir)))
            forms = build_noun_table(docs)
            fixer.set_table(forms, inflection_endings(forms))
            sents = sum(len(list(d.sents)) for d in docs)
            words = sum(len(d) for d in docs)
            training_data += f" ({train_dir.name}/: {sents:,} sentences, {words:,} words)"
    if "senter" in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.disable_pipe("senter")
    meta: dict[str, Any] = dict(nlp.meta)
    meta.update(
        {
            "name": "coder_sm",
            "version": __version__,
            "description": f"Norwegian ({names}) pipeline for coder: tagging, morphology, "
            "lemmas, dependencies, sentences and NorNE entities (CNN, CPU).",
            "author": "coder developers",
            "license": LICENSE_NOTE,
            "sources": [_source(x) for x in standards],
            "training_data": training_data,
        }
    )
    if dev_dir is not None and dev_dir.is_dir():
        from coder.nlp.evaluate import evaluate_folder

        # scored as coder.nlp.load() serves it: with the name-consistency adapter
        from coder.nlp.labels import NAME_CONSISTENCY

        nlp.add_pipe(NAME_CONSISTENCY, last=True)
        scores = evaluate_folder(nlp, dev_dir)
        nlp.remove_pipe(NAME_CONSISTENCY)
        meta["performance"] = {k: round(v, 4) for k, v in scores.as_dict().items()}
        meta["performance"]["evaluated_on"] = (
            f"NDT {names} {dev_dir.name}/ split, as loaded by coder.nlp.load()"
        )
    nlp.meta.clear()
    nlp.meta.update(meta)
    if dest.exists():
        shutil.rmtree(dest)
    nlp.to_disk(dest)
    _clean_config(dest / "config.cfg")
    return dest


def _clean_config(path: Path) -> None:
    """Drop paths and training-only callbacks so the folder loads anywhere."""
    from spacy.util import load_config

    cfg = load_config(path, interpolate=False)
    for key in ("train", "dev"):
        cfg["paths"][key] = None
    cfg["training"]["before_update"] = None
    cfg["training"]["logger"] = {"@loggers": "spacy.ConsoleLogger.v1", "progress_bar": False}
    cfg.to_disk(path)
