"""Finding, loading and caching the spaCy pipeline the rest of coder uses.

Order: ``CODER_SPACY_MODEL`` (package name or path), then the first installed of
nb_core_news_lg/md/sm, then the pipeline shipped in ``coder/nlp/models``. Pipelines are
loaded lazily and cached per component set, with every other component excluded, and
all of them give the same attributes: ``token.lemma_`` (lowercase, proper nouns keep
their case), ``token.pos_`` (Universal POS), ``doc.sents`` and entities labelled ``PER``.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coder.errors import CoderError

log = logging.getLogger(__name__)

ENV_VAR = "CODER_SPACY_MODEL"
INSTALLED_CANDIDATES = ("nb_core_news_lg", "nb_core_news_md", "nb_core_news_sm")
SHIPPED_PATH = Path(__file__).parent / "models" / "nb_coder_sm"

# What callers may ask for; each maps to token/doc attributes a component must assign.
CAPABILITIES: dict[str, tuple[str, ...]] = {
    "lemma": ("token.lemma",),
    "pos": ("token.pos",),
    "tag": ("token.tag",),
    "morph": ("token.morph",),
    "sents": ("token.is_sent_start",),
    "deps": ("token.dep",),
    "ents": ("doc.ents",),
}
PURPOSES: dict[str, frozenset[str]] = {
    "tagging": frozenset({"lemma", "pos", "sents"}),
    "pseudonymise": frozenset({"ents"}),
    "parse": frozenset({"lemma", "pos", "morph", "deps", "sents"}),
    "all": frozenset(CAPABILITIES),
}


class ModelNotFoundError(CoderError):
    """No usable spaCy pipeline could be loaded."""


@dataclass(frozen=True)
class Source:
    """Where a pipeline comes from: an installed package name or a folder."""

    name: str
    kind: str  # "env", "installed", "shipped"
    path: Path | None = None

    @property
    def target(self) -> str | Path:
        return self.path if self.path is not None else self.name


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    source: Source | None = None
    cache: dict[frozenset[str], Any] = field(default_factory=dict)


_STATE = _State()


def _is_package(name: str) -> bool:
    import spacy.util

    return bool(spacy.util.is_package(name)) and importlib.util.find_spec(name) is not None


def candidate_sources() -> list[Source]:
    """Pipelines to try, in order of preference."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        path = Path(env).expanduser()
        if path.exists() or os.sep in env or env.startswith("."):
            return [Source(str(path), "env", path)]
        return [Source(env, "env")]
    found = [Source(name, "installed") for name in INSTALLED_CANDIDATES if _is_package(name)]
    return [*found, Source("nb_coder_sm", "shipped", SHIPPED_PATH)]


def _register_components() -> None:
    # Importing registers coder's spaCy factories (the shipped pipeline needs them).
    import coder.nlp.labels  # noqa: F401
    import coder.nlp.lemmas  # noqa: F401


def _load_any(target: str | Path, **kwargs: Any) -> Any:
    import spacy

    from coder.nlp.ops import fast_cpu_ops, tune_allocator

    _register_components()
    tune_allocator()
    with fast_cpu_ops():
        return spacy.load(target, **kwargs)


def _needed_components(nlp: Any, wanted: frozenset[str]) -> list[str]:
    """Names of the components (and their encoders) that provide the wanted capabilities."""
    metas = {name: nlp.get_pipe_meta(name) for name in nlp.component_names}
    chosen: set[str] = set()
    for cap in sorted(wanted):
        attrs = CAPABILITIES[cap]
        providers = [n for n, m in metas.items() if set(attrs) & set(m.assigns)]
        if cap == "sents":
            # a sentence splitter is much faster than the parser; use the parser only if
            # it is wanted anyway or there is no splitter
            senters = [n for n in providers if metas[n].factory in ("senter", "sentencizer")]
            if senters and "deps" not in wanted:
                providers = senters[:1]
            else:
                providers = [n for n in providers if metas[n].factory == "parser"] or providers
        elif cap == "lemma":
            providers = [n for n in providers if metas[n].factory != "attribute_ruler"] or providers
        chosen.update(providers)
    # pull in what chosen components require (e.g. a rule lemmatizer needs POS)
    changed = True
    while changed:
        changed = False
        for name in list(chosen):
            for attr in metas[name].requires:
                if any(attr in metas[c].assigns for c in chosen if c != name):
                    continue
                extra = [
                    n
                    for n, m in metas.items()
                    if attr in m.assigns and n != name and m.factory not in ("senter", "parser")
                ]
                if extra and extra[0] not in chosen:
                    chosen.add(extra[0])
                    changed = True
    # shared encoders the chosen components listen to
    for name in nlp.component_names:
        pipe = nlp.get_pipe(name)
        listeners = getattr(pipe, "listening_components", None) or []
        if set(listeners) & chosen:
            chosen.add(name)
    return [n for n in nlp.component_names if n in chosen]


def _normalise(nlp: Any) -> Any:
    """Append coder's adapters so every pipeline gives the same conventions."""
    from coder.nlp.labels import NAME_CONSISTENCY, PERSON_ALIASES, PERSON_LABEL
    from coder.nlp.lemmas import FACTORY

    factories = [nlp.get_pipe_meta(n).factory for n in nlp.pipe_names]
    lemmatizes = any("token.lemma" in nlp.get_pipe_meta(n).assigns for n in nlp.pipe_names)
    if lemmatizes and FACTORY not in factories:
        fixer = nlp.add_pipe(FACTORY, name=FACTORY, last=True)
        shipped_table = SHIPPED_PATH / FACTORY
        if shipped_table.is_dir():  # the compound rules also help other pipelines
            fixer.from_disk(shipped_table)
    if "ner" in nlp.pipe_names:
        labels = set(getattr(nlp.get_pipe("ner"), "labels", ()))
        if labels & PERSON_ALIASES and PERSON_LABEL not in labels:
            nlp.add_pipe("coder_person_label", last=True)
        if NAME_CONSISTENCY not in factories:
            nlp.add_pipe(NAME_CONSISTENCY, last=True)
    return nlp


def resolve_components(components: Iterable[str] | str | None) -> frozenset[str]:
    """Capabilities for a purpose name ("tagging", "pseudonymise", "parse", "all") or a list
    of capability names; None means everything."""
    if components is None:
        return PURPOSES["all"]
    if isinstance(components, str):
        if components in PURPOSES:
            return PURPOSES[components]
        components = [components]
    wanted = frozenset(components)
    unknown = sorted(wanted - set(CAPABILITIES))
    if unknown:
        raise CoderError(
            f"unknown NLP capability {', '.join(unknown)}; use {', '.join(CAPABILITIES)} "
            f"or a purpose: {', '.join(PURPOSES)}"
        )
    return wanted


def _pick_source() -> tuple[Source, Any]:
    errors: list[str] = []
    for src in candidate_sources():
        try:
            nlp = _load_any(src.target)
        except Exception as exc:  # noqa: BLE001 - any load failure means "try the next one"
            errors.append(f"{src.name}: {exc.__class__.__name__}")
            log.warning("could not load spaCy pipeline %s (%s)", src.name, exc.__class__.__name__)
            if src.kind == "env":
                raise ModelNotFoundError(
                    f"cannot load spaCy pipeline {src.name!r} named by {ENV_VAR} "
                    f"({exc.__class__.__name__}: {str(exc).splitlines()[0][:160]})"
                ) from None
            continue
        return src, nlp
    raise ModelNotFoundError(
        "no Norwegian spaCy pipeline could be loaded (tried "
        + "; ".join(errors)
        + f"); install nb_core_news_sm or set {ENV_VAR}"
    )


def load(components: Iterable[str] | str | None = None) -> Any:
    """The spaCy pipeline for the given capabilities or purpose, loaded once and cached.

    ``components`` is a purpose ("tagging", "pseudonymise", "parse", "all"), or capability
    names from ``CAPABILITIES``; None loads everything the pipeline has.
    """
    wanted = resolve_components(components)
    with _STATE.lock:
        if wanted in _STATE.cache:
            return _STATE.cache[wanted]
        if _STATE.source is None:
            src, full = _pick_source()
            _STATE.source = src
            _STATE.cache[PURPOSES["all"]] = _normalise(_select(full, full.component_names))
            log.info("loaded spaCy pipeline %s (%s)", src.name, src.kind)
        full = _STATE.cache[PURPOSES["all"]]
        if wanted not in _STATE.cache:
            names = _needed_components(full, wanted)
            try:
                nlp = _load_any(
                    _STATE.source.target,
                    exclude=[n for n in full.component_names if n not in names],
                )
            except Exception as exc:  # noqa: BLE001
                raise ModelNotFoundError(
                    f"cannot load spaCy pipeline {_STATE.source.name!r} ({exc.__class__.__name__})"
                ) from None
            _STATE.cache[wanted] = _normalise(_select(nlp, names))
        return _STATE.cache[wanted]


def _select(nlp: Any, names: Iterable[str]) -> Any:
    keep = set(names)
    for name in nlp.component_names:
        if name in keep:
            if name in nlp.disabled:
                nlp.enable_pipe(name)
        elif name not in nlp.disabled:
            nlp.disable_pipe(name)
    if "parser" in nlp.pipe_names:
        for name in nlp.pipe_names:
            if nlp.get_pipe_meta(name).factory == "senter":
                nlp.disable_pipe(name)  # the parser sets sentences itself
    return nlp


def loaded_source() -> Source | None:
    """Which pipeline `load` picked, or None if nothing is loaded yet."""
    return _STATE.source


def clear_cache() -> None:
    """Forget loaded pipelines (tests; after changing CODER_SPACY_MODEL)."""
    with _STATE.lock:
        _STATE.source = None
        _STATE.cache.clear()
