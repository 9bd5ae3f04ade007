"""Lemma-aware full-text search over the project's transcripts, with keyword-in-context hits.

A query's words match any inflected form of the same word: tokens are compared by a lemma key.
The key comes from the Norwegian spaCy pipeline (`coder.nlp.load("lemma")`) when it can be
loaded, else from a small suffix-stripping normaliser, so search works without the model.
Tokenised segments are cached per transcript (a transcript's text never changes: a changed file
becomes a new transcript), so repeated queries over the whole corpus cost only the matching.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from coder.domain import CodingStatus, RoleGroup, SegmentInfo
from coder.errors import UsageError
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo

WORD_RE = re.compile(r"\w+", re.UNICODE)
CONTEXT_CHARS = 48

# Inflection endings of Bokmål nouns, verbs and adjectives, longest first. Stripping them maps
# politiker/politikeren/politikerne/politikernes to one key; it over-merges a little (leder and
# ledelse stay apart, led- and lede- merge), which suits a search box.
_SUFFIXES = (
    "ernes",
    "erens",
    "enes",
    "erne",
    "eren",
    "ende",
    "ene",
    "ane",
    "ens",
    "ets",
    "ere",
    "est",
    "ers",
    "en",
    "et",
    "er",
    "ar",
    "te",
    "de",
    "e",
    "a",
    "s",
)
MIN_STEM = 3

Tokenised = list[tuple[int, int, tuple[str, ...]]]  # (start, end, keys) in the segment text
Lemmatizer = Callable[[Sequence[str]], list[Tokenised]]


def normalise_word(word: str) -> str:
    """A crude lemma key: lowercase, inflection endings stripped until none is left (3+ letters).

    Stripping repeatedly keeps stems ending in an ending-like part consistent:
    virksomheten -> virksomhet -> virksomh, and virksomhet -> virksomh.
    """
    w = word.lower()
    if not w.isalpha():
        return w
    for _ in range(3):
        for suf in _SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= MIN_STEM:
                w = w[: -len(suf)]
                break
        else:
            break
    return w


def stem_lemmatize(texts: Sequence[str]) -> list[Tokenised]:
    """Tokenise and key each text with the suffix-stripping normaliser (no model needed)."""
    return [
        [(m.start(), m.end(), (normalise_word(m.group()),)) for m in WORD_RE.finditer(t)]
        for t in texts
    ]


def surface_tokenize(texts: Sequence[str]) -> list[Tokenised]:
    """Tokens keyed by their lowercase form (exact search)."""
    return [
        [(m.start(), m.end(), (m.group().lower(),)) for m in WORD_RE.finditer(t)] for t in texts
    ]


def _model_lemmatizer() -> Lemmatizer | None:
    """The pipeline's lemmatizer wrapped as a Lemmatizer, or None when no model can be loaded."""
    try:
        from coder.nlp import lemma_key, load

        nlp = load("lemma")
    except Exception:  # noqa: BLE001 - no pipeline (or none installed yet): use the normaliser
        return None

    def lemmatize(texts: Sequence[str]) -> list[Tokenised]:
        out: list[Tokenised] = []
        for doc in nlp.pipe(texts, batch_size=64):
            toks: Tokenised = []
            for tok in doc:
                if not any(ch.isalnum() for ch in tok.text):
                    continue
                # The model's lemma, and the normalised form as written: a lone query word gets
                # a poorer lemma than the same word in a sentence, so either may match.
                keys = {normalise_word(lemma_key(tok)), normalise_word(tok.text)}
                toks.append((tok.idx, tok.idx + len(tok.text), tuple(sorted(keys))))
            out.append(toks)
        return out

    return lemmatize


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One match, with its keyword-in-context: `left` + `match` + `right` (whitespace folded)."""

    transcript_id: int
    transcript_title: str
    case_name: str | None
    segment_id: int
    ordinal: int
    speaker: str | None
    role_group: RoleGroup | None
    start: int  # offsets of the match in the transcript text
    end: int
    left: str
    match: str
    right: str
    code_ids: tuple[str, ...] = ()  # accepted codes on the segment

    @property
    def kwic(self) -> str:
        return f"{self.left}{self.match}{self.right}"


@dataclass(frozen=True, slots=True)
class _Term:
    keys: frozenset[str]
    prefix: bool  # "politik*": any key starting with one of `keys`


class _Index:
    """Tokenised segments per transcript, for one lemmatizer; safe to share between threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: dict[tuple[str, str, int, str], list[tuple[SegmentInfo, Tokenised]]] = {}
        self.model: Lemmatizer | None = None
        self.model_tried = False


_INDEX = _Index()
_lemmatizer_override: Lemmatizer | None = None


def set_lemmatizer(fn: Lemmatizer | None) -> None:
    """Use `fn` for lemma keys (None: the model if loadable, else the normaliser); clears caches."""
    global _lemmatizer_override
    with _INDEX.lock:
        _lemmatizer_override = fn
        _INDEX.entries.clear()


def clear_cache() -> None:
    with _INDEX.lock:
        _INDEX.entries.clear()


def active_lemmatizer() -> tuple[str, Lemmatizer]:
    """(name, function) of the lemmatizer search uses now."""
    if _lemmatizer_override is not None:
        return getattr(_lemmatizer_override, "__name__", "custom"), _lemmatizer_override
    if not _INDEX.model_tried:
        _INDEX.model = _model_lemmatizer()
        _INDEX.model_tried = True
    if _INDEX.model is not None:
        return "model", _INDEX.model
    return "stem", stem_lemmatize


def _parse_query(query: str, keys: Callable[[str], frozenset[str]]) -> list[_Term]:
    terms: list[_Term] = []
    for raw in query.split():
        prefix = raw.endswith("*")
        for m in WORD_RE.finditer(raw):
            word = m.group()
            terms.append(_Term(frozenset({word.lower()}) if prefix else keys(word), prefix))
    return terms


def _query_keys(name: str, fn: Lemmatizer) -> Callable[[str], frozenset[str]]:
    if name == "surface":
        return lambda word: frozenset({word.lower()})

    def keys(word: str) -> frozenset[str]:
        toks = fn([word])[0]
        return frozenset(toks[0][2]) if toks else frozenset({word.lower()})

    return keys


def _tokenised(
    store: Store, name: str, fn: Lemmatizer, transcript_ids: Iterable[tuple[int, str]]
) -> dict[int, list[tuple[SegmentInfo, Tokenised]]]:
    pairs = list(transcript_ids)
    shas = dict(pairs)
    out: dict[int, list[tuple[SegmentInfo, Tokenised]]] = {}
    missing: list[int] = []
    for tid, sha in pairs:
        entry = _INDEX.entries.get((store.url, name, tid, sha))
        if entry is None:
            missing.append(tid)
        else:
            out[tid] = entry
    if missing:
        with store.session() as s:
            repo = TranscriptRepo(s)
            segs = {tid: repo.segments(tid) for tid in missing}
        for tid, seglist in segs.items():
            toks = fn([seg.text for seg in seglist])
            entry = list(zip(seglist, toks, strict=True))
            with _INDEX.lock:
                _INDEX.entries[(store.url, name, tid, shas[tid])] = entry
            out[tid] = entry
    return out


def _fold(text: str) -> str:
    return " ".join(text.split())


def _kwic(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    left = _fold(text[max(0, start - width * 2) : start])[-width:]
    right = _fold(text[end : end + width * 2])[:width]
    if start > 0 and text[start - 1].isspace():
        left = left + " " if not left.endswith(" ") else left
    if end < len(text) and text[end].isspace():
        right = " " + right.lstrip()
    return left, _fold(text[start:end]), right


def _matches(tokens: Tokenised, terms: list[_Term]) -> Iterable[tuple[int, int]]:
    n = len(terms)
    for i in range(len(tokens) - n + 1):
        ok = True
        for j, term in enumerate(terms):
            keys = tokens[i + j][2]
            if term.prefix:
                hit = any(k.startswith(p) for k in keys for p in term.keys)
            else:
                hit = not term.keys.isdisjoint(keys)
            if not hit:
                ok = False
                break
        if ok:
            yield tokens[i][0], tokens[i + n - 1][1]


def _coded_segments(store: Store, code: str) -> set[int]:
    """Segments with an accepted coding of `code` or any code below it."""
    from sqlalchemy import select

    from coder.store.codes import CodeRepo
    from coder.store.models import Coding

    with store.session() as s:
        codes = CodeRepo(s)
        codes.row(code)  # unknown code: NotFoundError with a hint
        wanted = descendants({c.id: c.parent_id for c in codes.list()}, code) | {code}
        rows = s.scalars(
            select(Coding.segment_id).where(
                Coding.code_id.in_(sorted(wanted)),
                Coding.status == CodingStatus.ACCEPTED.value,
            )
        ).all()
    return set(rows)


def descendants(parents: dict[str, str | None], code_id: str) -> set[str]:
    """Every code below `code_id` in a {code: parent} map."""
    children: dict[str | None, list[str]] = {}
    for cid, parent in parents.items():
        children.setdefault(parent, []).append(cid)
    out: set[str] = set()
    stack = [code_id]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in out:
                out.add(child)
                stack.append(child)
    return out


def search_segments(
    store: Store,
    query: str,
    *,
    case: str | None = None,
    role_group: RoleGroup | str | None = None,
    code: str | None = None,
    lemma: bool = True,
    limit: int = 500,
    context: int = CONTEXT_CHARS,
) -> list[SearchHit]:
    """Segments whose words match `query` (all words, in order, as a phrase), as KWIC hits.

    `lemma`: match inflected forms (politikerne finds politiker, politikeren); a word ending in
    `*` matches as a prefix. Filters: municipality name, role group, accepted code (with the
    codes below it). At most `limit` hits, in transcript order.
    """
    if not query.strip():
        raise UsageError("empty search query")
    group = RoleGroup(role_group) if role_group else None
    name, fn = active_lemmatizer() if lemma else ("surface", surface_tokenize)
    terms = _parse_query(query, _query_keys(name, fn))
    if not terms:
        raise UsageError(f"no words to search for in {query!r}")
    with store.session() as s:
        repo = TranscriptRepo(s)
        transcripts = repo.list_transcripts(case=case)
    coded = _coded_segments(store, code) if code else None
    index = _tokenised(store, name, fn, [(t.id, t.sha256) for t in transcripts])
    hits: list[SearchHit] = []
    for t in transcripts:
        for seg, toks in index.get(t.id, []):
            if group is not None and seg.role_group is not group:
                continue
            if coded is not None and seg.id not in coded:
                continue
            for start, end in _matches(toks, terms):
                left, match, right = _kwic(seg.text, start, end, context)
                hits.append(
                    SearchHit(
                        transcript_id=t.id,
                        transcript_title=t.title,
                        case_name=t.case_name,
                        segment_id=seg.id,
                        ordinal=seg.ordinal,
                        speaker=seg.speaker,
                        role_group=seg.role_group,
                        start=seg.start + start,
                        end=seg.start + end,
                        left=left,
                        match=match,
                        right=right,
                    )
                )
                if len(hits) >= limit:
                    return _with_codes(store, hits)
    return _with_codes(store, hits)


def _with_codes(store: Store, hits: list[SearchHit]) -> list[SearchHit]:
    if not hits:
        return hits
    with store.session() as s:
        codings = CodingRepo(s).for_segments(
            {h.segment_id for h in hits}, statuses=[CodingStatus.ACCEPTED]
        )
    by_seg: dict[int, set[str]] = {}
    for c in codings:
        by_seg.setdefault(c.segment_id, set()).add(c.code_id)
    return [replace(h, code_ids=tuple(sorted(by_seg.get(h.segment_id, ())))) for h in hits]
