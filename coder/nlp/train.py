"""The training recipe: NDT corpus -> DocBin -> spaCy training -> packaged pipeline folder.

`coder nlp train` calls `train_pipeline`; the same steps reproduce the shipped
``coder/nlp/models/nb_coder_sm`` from the corpus.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coder.errors import InputError, UsageError

log = logging.getLogger(__name__)

CONFIG_PATH = Path(__file__).parent / "config" / "nb_coder_sm.cfg"
PIPELINE_NAME = "nb_coder_sm"
LAST_EVAL = "last-eval"
NER_BEST = "ner-best"


class TimeUp(Exception):
    """Raised inside the training loop when the time budget is spent."""


def make_time_limit(max_minutes: float) -> Callable[[Any, dict[str, Any]], None]:
    """A before_update callback that stops training after ``max_minutes`` (0 = no limit)."""
    started: list[float] = []

    def check(nlp: Any, args: dict[str, Any]) -> None:
        if not started:
            started.append(time.monotonic())
        if max_minutes and time.monotonic() - started[0] > max_minutes * 60:
            raise TimeUp(f"time budget of {max_minutes} minutes spent at step {args['step']}")

    return check


def make_checkpoint_logger() -> Callable[..., Any]:
    """spaCy's console logger, plus per-component checkpoints after each evaluation.

    spaCy keeps one ``model-best`` by the weighted score, but the NER (its own encoder)
    overfits sooner than the shared-encoder components. After every evaluation this copies
    the just-saved ``model-last`` (averaged weights) to ``last-eval`` and, when entity F
    improved, its ``ner`` to ``ner-best``; packaging combines the two.
    """
    import shutil

    from spacy.util import registry

    console = registry.loggers.get("spacy.ConsoleLogger.v3")(progress_bar=None)

    def setup(nlp: Any, stdout: Any = None, stderr: Any = None) -> tuple[Any, Any]:
        log_step, finalize = console(nlp, stdout, stderr)
        best = [-1.0]

        def step(info: dict[str, Any] | None) -> None:
            log_step(info)
            if not info or not info.get("output_path"):
                return
            last = Path(info["output_path"])
            _replace_dir(last, last.parent / LAST_EVAL, shutil)
            ents = (info.get("other_scores") or {}).get("ents_f")
            if ents is not None and ents > best[0]:
                best[0] = ents
                _replace_dir(last / "ner", last.parent / NER_BEST, shutil)

        return step, finalize

    return setup


def _replace_dir(src: Path, dest: Path, shutil: Any) -> None:
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp)
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)


def _register() -> None:
    from spacy.util import registry

    if "coder.time_limit.v1" not in registry.callbacks:
        registry.callbacks.register("coder.time_limit.v1", func=make_time_limit)
    if "coder.checkpoint_logger.v1" not in registry.loggers:
        registry.loggers.register("coder.checkpoint_logger.v1", func=make_checkpoint_logger)


def default_corpus() -> Path | None:
    """The corpus named by CODER_NDT_CORPUS, when set and present (the product ships no corpus)."""
    env = os.environ.get("CODER_NDT_CORPUS")
    if env and Path(env).is_dir():
        return Path(env)
    return None


def convert_corpus(corpus: Path, workdir: Path) -> tuple[Path, Path]:
    """DocBins for train/ and dev/ under ``workdir/corpus``."""
    from coder.nlp.ndt import convert_folder

    paths = []
    for split in ("train", "dev"):
        src = corpus / split
        if not src.is_dir():
            raise InputError(f"corpus has no {split}/ folder", path=corpus)
        dest = workdir / "corpus" / f"{split}.spacy"
        docs, words = convert_folder(src, dest)
        log.info("converted %s: %d docs, %d words", split, docs, words)
        paths.append(dest)
    return paths[0], paths[1]


def run_training(config: Path, run_dir: Path, overrides: dict[str, Any]) -> None:
    """spaCy's training loop on one CPU thread, with coder's faster matrix products."""
    import sys

    from spacy import util
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_nlp
    from thinc.api import require_cpu

    from coder.nlp.ops import fast_cpu_ops

    _register()
    require_cpu()
    run_dir.mkdir(parents=True, exist_ok=True)
    cfg = util.load_config(config, overrides=overrides, interpolate=False)
    with fast_cpu_ops():
        nlp = init_nlp(cfg, use_gpu=-1)
        train_nlp(nlp, run_dir, use_gpu=-1, stdout=sys.stdout, stderr=sys.stderr)


def train_pipeline(
    corpus: Path,
    output: Path,
    max_minutes: float = 0,
    config: Path = CONFIG_PATH,
    overrides: dict[str, Any] | None = None,
) -> Path:
    """Convert, train and package; returns the packaged pipeline folder ``output/nb_coder_sm``."""
    if max_minutes < 0:
        raise UsageError("--max-minutes must be 0 (no limit) or positive")
    _register()
    train_path, dev_path = convert_corpus(corpus, output)
    run_dir = output / "run"
    opts: dict[str, Any] = {
        "paths.train": str(train_path),
        "paths.dev": str(dev_path),
        "training.before_update.max_minutes": max_minutes,
    }
    opts.update(overrides or {})
    try:
        run_training(config, run_dir, opts)
    except TimeUp as stop:
        log.info("%s", stop)
    last = run_dir / LAST_EVAL
    if not last.is_dir():
        raise UsageError("training stopped before the first evaluation; allow more minutes")
    from coder.nlp.package import package_pipeline

    ner = run_dir / NER_BEST
    return package_pipeline(
        last,
        output / PIPELINE_NAME,
        dev_dir=corpus / "dev",
        train_dir=corpus / "train",
        ner_from=ner if ner.is_dir() else None,
    )
