"""``coder nlp``: show, evaluate and (re)train the Norwegian spaCy pipeline."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer

from coder.errors import CoderError, UsageError

app = typer.Typer(
    help="Norwegian NLP pipeline: which one is used, how good it is, how to rebuild it.",
    no_args_is_help=True,
)

PERCENT_KEYS = (
    ("lemma_acc", "lemma accuracy"),
    ("upos_acc", "UPOS accuracy"),
    ("uas", "UAS"),
    ("las", "LAS"),
    ("sents_f", "sentence F"),
    ("ents_f", "NER F"),
    ("per_f", "PER F"),
)


@app.command()
def info(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Show the pipeline in use (CODER_SPACY_MODEL, nb_core_news_*, or the shipped one)."""
    from coder.nlp import pipeline_info

    data = pipeline_info()
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
        return
    for key in ("name", "source", "path", "version", "spacy_version"):
        typer.echo(f"{key:13} {data.get(key)}")
    typer.echo(f"{'components':13} {', '.join(data['components'])}")
    for key, value in (data.get("scores") or {}).items():
        typer.echo(f"{'score':13} {key} = {_show(key, value)}")


def _show(key: str, value: Any) -> str:
    if isinstance(value, float) and key != "words_per_second" and 0.0 <= value <= 1.0:
        return f"{100 * value:.2f}"
    if isinstance(value, float):
        return f"{value:,.0f}"
    return str(value)


@app.command()
def evaluate(
    folder: Annotated[Path, typer.Argument(help="Folder of NDT-format .conll files.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    model: Annotated[
        str | None, typer.Option(help="Pipeline name or folder instead of the default.")
    ] = None,
) -> None:
    """Score the pipeline on gold NDT files: lemma, UPOS, UAS, LAS, sentences, NER, PER."""
    from coder.nlp.evaluate import evaluate_folder
    from coder.nlp.ndt import ndt_files

    ndt_files(folder)  # fail fast, before loading a model
    nlp = _load_for_evaluation(model)
    scores = evaluate_folder(nlp, folder).as_dict()
    if as_json:
        out = {k: round(float(scores[k]), 4) for k, _ in PERCENT_KEYS}
        out["words_per_second"] = round(float(scores["words_per_second"]), 1)
        typer.echo(json.dumps(out))
        return
    for key, label in PERCENT_KEYS:
        typer.echo(f"{label:15} {100 * scores[key]:6.2f}")
    typer.echo(f"{'words/second':15} {scores['words_per_second']:8.0f}  ({scores['words']} words)")


def _load_for_evaluation(model: str | None) -> Any:
    if model is None:
        from coder.nlp import load

        return load()
    import os

    from coder.nlp import ENV_VAR, clear_cache, load

    old = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = model
    try:
        clear_cache()
        return load()
    finally:
        if old is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = old


@app.command()
def train(
    corpus: Annotated[
        Path | None,
        typer.Option(help="NDT corpus folder with train/ and dev/ (default: $CODER_NDT_CORPUS)."),
    ] = None,
    output: Annotated[
        Path, typer.Option(help="Work folder for converted data, checkpoints and result.")
    ] = Path("training"),
    max_minutes: Annotated[
        float, typer.Option(help="Stop training after this many minutes (0 = no limit).")
    ] = 75.0,
    ship: Annotated[
        bool, typer.Option(help="Copy the result into coder/nlp/models/nb_coder_sm.")
    ] = False,
) -> None:
    """Rebuild nb_coder_sm from the corpus on one CPU thread (the shipped one: ~75 min).

    Writes OUTPUT/corpus/*.spacy, OUTPUT/run/model-best and the packaged OUTPUT/nb_coder_sm.
    """
    from coder.nlp.loader import SHIPPED_PATH
    from coder.nlp.train import default_corpus, train_pipeline

    corpus = corpus or default_corpus()
    if corpus is None:
        raise UsageError("no corpus found; pass --corpus DIR (NDT with train/ and dev/)")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = train_pipeline(corpus, output, max_minutes=max_minutes)
    typer.echo(f"pipeline written to {result}")
    if ship:
        if SHIPPED_PATH.exists():
            shutil.rmtree(SHIPPED_PATH)
        shutil.copytree(result, SHIPPED_PATH)
        typer.echo(f"copied to {SHIPPED_PATH}")


def main() -> None:
    """Run this group alone, printing user errors as one line."""
    try:
        app(standalone_mode=False)
    except CoderError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None


if __name__ == "__main__":
    main()
