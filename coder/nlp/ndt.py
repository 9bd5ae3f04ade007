"""Reading NDT CoNLL files (with NorNE ``name=`` column) and turning them into spaCy Docs.

One reader serves training (DocBin conversion) and evaluation, so both see the same
tags, lemmas, trees and entities.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from coder.errors import InputError
from coder.nlp.tagmap import to_morph, to_upos

ENTITY_LABELS = ("PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV", "MISC")
NDT_SUFFIXES = (".conll", ".conllu", ".conllx")

NO_SPACE_BEFORE = frozenset(",.:;!?)]}%…»")
NO_SPACE_AFTER = frozenset("([{«")
QUOTES = frozenset({'"', "'"})


@dataclass(frozen=True)
class NdtToken:
    """One annotated word of an NDT sentence."""

    form: str
    lemma: str
    tag: str
    feats: tuple[str, ...]
    head: int  # 1-based; 0 is the root
    deprel: str
    iob: str  # "O", "B-PER", "I-PER", ...


Sentence = list[NdtToken]


def _clean_lemma(lemma: str, form: str) -> str:
    # NDT marks punctuation lemmas with a leading "$" ("$," for ","); the word is the lemma.
    if lemma.startswith("$") and len(lemma) > 1:
        return lemma[1:]
    if lemma in ("", "_"):
        return form
    return lemma


def _parse_line(line: str, path: Path, lineno: int) -> tuple[int, NdtToken]:
    cols = line.split("\t")
    if len(cols) < 8:
        raise InputError(
            f"expected 10 tab-separated columns, found {len(cols)}", path=path, line=lineno
        )
    try:
        index = int(cols[0])
        head = int(cols[6])
    except ValueError:
        raise InputError("token id and head must be integers", path=path, line=lineno) from None
    iob = "O"
    misc = cols[9] if len(cols) > 9 else "_"
    for part in misc.split("|"):
        if part.startswith("name="):
            iob = part[5:]
    if iob != "O" and (iob[:2] not in ("B-", "I-") or len(iob) < 3):
        raise InputError(f"bad entity tag {iob!r}", path=path, line=lineno)
    feats = tuple(f for f in cols[5].split("|") if f and f != "_")
    form = cols[1]
    if not form:
        raise InputError("empty word form", path=path, line=lineno)
    return index, NdtToken(form, _clean_lemma(cols[2], form), cols[3], feats, head, cols[7], iob)


def read_ndt_file(path: Path) -> list[Sentence]:
    """All sentences of one file; raises InputError naming the file and line on bad input."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read NDT file ({exc.__class__.__name__})", path=path) from None
    sentences: list[Sentence] = []
    current: Sentence = []
    start_line = 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if current:
                _check_heads(current, path, start_line)
                sentences.append(current)
                current = []
            continue
        if line.startswith("#"):
            continue
        index, token = _parse_line(line, path, lineno)
        if not current:
            start_line = lineno
        if index != len(current) + 1:
            raise InputError(f"token id {index} out of sequence", path=path, line=lineno)
        current.append(token)
    if current:
        _check_heads(current, path, start_line)
        sentences.append(current)
    return sentences


def _check_heads(sent: Sentence, path: Path, line: int) -> None:
    for tok in sent:
        if not 0 <= tok.head <= len(sent):
            raise InputError(f"head {tok.head} outside the sentence", path=path, line=line)


def ndt_files(folder: Path) -> list[Path]:
    """The NDT files of a folder, sorted; InputError if there are none."""
    if not folder.is_dir():
        raise InputError("not a folder", path=folder)
    files = sorted(p for p in folder.iterdir() if p.suffix in NDT_SUFFIXES and p.is_file())
    if not files:
        raise InputError("no .conll files in folder", path=folder)
    return files


def guess_spaces(forms: list[str]) -> list[bool]:
    """Whitespace after each word, guessed from punctuation (NDT does not record it)."""
    spaces = [True] * len(forms)
    open_quote = False
    for i, form in enumerate(forms):
        if form in QUOTES:
            if open_quote:
                if i > 0:
                    spaces[i - 1] = False
            else:
                spaces[i] = False
            open_quote = not open_quote
        elif form in NO_SPACE_BEFORE and i > 0:
            spaces[i - 1] = False
        elif form in NO_SPACE_AFTER:
            spaces[i] = False
    if spaces:
        spaces[-1] = True
    return spaces


def sentences_to_doc(vocab, sentences: list[Sentence]):  # noqa: ANN001, ANN201
    """One spaCy Doc holding several sentences with all gold annotation layers."""
    from spacy.tokens import Doc, Span

    words: list[str] = []
    spaces: list[bool] = []
    lemmas: list[str] = []
    tags: list[str] = []
    pos: list[str] = []
    morphs: list[str] = []
    heads: list[int] = []
    deps: list[str] = []
    sent_starts: list[bool] = []
    ents: list[tuple[str, int, int]] = []
    for sent in sentences:
        offset = len(words)
        verb_parents = {t.head for t in sent if t.deprel == "INFV"}
        words.extend(t.form for t in sent)
        spaces.extend(guess_spaces([t.form for t in sent]))
        for i, tok in enumerate(sent, start=1):
            upos = to_upos(tok.tag, list(tok.feats), tok.form, tok.lemma, i in verb_parents)
            lemmas.append(tok.lemma)
            tags.append(tok.tag)
            pos.append(upos)
            morphs.append(to_morph(list(tok.feats), upos))
            heads.append(offset + (tok.head - 1 if tok.head else i - 1))
            deps.append("ROOT" if tok.head == 0 else tok.deprel)
            sent_starts.append(i == 1)
        ents.extend(_entity_spans(sent, offset))
    doc = Doc(
        vocab,
        words=words,
        spaces=spaces,
        lemmas=lemmas,
        tags=tags,
        pos=pos,
        morphs=morphs,
        heads=heads,
        deps=deps,
        sent_starts=sent_starts,
    )
    doc.ents = [Span(doc, start, end, label=label) for label, start, end in ents]
    return doc


def _entity_spans(sent: Sentence, offset: int) -> Iterator[tuple[str, int, int]]:
    label: str | None = None
    start = 0
    for i, tok in enumerate(sent):
        prefix, _, tag = tok.iob.partition("-")
        continues = prefix == "I" and label == tag
        if label is not None and not continues:
            yield label, offset + start, offset + i
            label = None
        if prefix in ("B", "I") and not continues:
            label, start = tag, i
    if label is not None:
        yield label, offset + start, offset + len(sent)


def docs_from_files(vocab, files: Iterable[Path], sents_per_doc: int = 10):  # noqa: ANN001, ANN201
    """Docs of up to ``sents_per_doc`` consecutive sentences, never crossing files."""
    for path in files:
        sentences = read_ndt_file(path)
        for start in range(0, len(sentences), sents_per_doc):
            yield sentences_to_doc(vocab, sentences[start : start + sents_per_doc])


def convert_folder(src: Path, dest: Path, sents_per_doc: int = 10) -> tuple[int, int]:
    """Write a .spacy DocBin for all NDT files in ``src``; returns (docs, words)."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("nb")
    docbin = DocBin(store_user_data=False)
    n_docs = n_words = 0
    for doc in docs_from_files(nlp.vocab, ndt_files(src), sents_per_doc):
        docbin.add(doc)
        n_docs += 1
        n_words += len(doc)
    dest.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(dest)
    return n_docs, n_words
