"""A rule layer after the statistical lemmatizer: one case convention and compound-aware nouns.

Norwegian writes compounds as one word (``virksomhetslederne``) and the statistical
lemmatizer has seen few of this domain's compounds. The fixer keeps the model's answer
when it is a known noun lemma and otherwise analyses the word as modifier + head: the head
is either a noun form observed in the training corpus (``ledelsen`` -> ``ledelse``) or a
known noun lemma plus an inflection ending observed there (``sjef`` + ``ene``); the longest
such head wins and the modifier is kept as written. It also fixes one convention for
every pipeline: lemmas are lowercase except for proper nouns.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

FACTORY = "coder_lemma_fixer"
TABLE_FILE = "noun_forms.json"
MIN_HEAD = 3  # shortest compound head we trust
MIN_MODIFIER = 2  # shortest first part of a compound


class LemmaFixer:
    """Normalises case and lemmatizes unknown noun compounds through their known heads."""

    def __init__(self, name: str = FACTORY) -> None:
        self.name = name
        self.forms: dict[str, str] = {}  # lowercase noun form -> lemma
        self.lemmas: set[str] = set()
        self.endings: tuple[str, ...] = ()  # inflection endings, longest first

    def set_table(self, forms: dict[str, str], endings: Iterable[str] = ()) -> None:
        self.forms = dict(forms)
        self.lemmas = set(forms.values())
        self.endings = tuple(sorted(set(endings), key=lambda e: (-len(e), e)))

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if token.pos_ == "PROPN":
                continue
            lemma = token.lemma_ or token.text
            if token.pos_ == "NOUN" and self.forms:
                lemma = self.noun_lemma(token.text.lower(), lemma.lower())
            token.lemma_ = lemma.lower()
        return doc

    def noun_lemma(self, form: str, predicted: str) -> str:
        """The lemma of a (lowercased) noun form, given the statistical prediction."""
        known = self.forms.get(form)
        if known is not None:
            return known
        if predicted in self.lemmas:
            return predicted
        for start in range(len(form) - MIN_HEAD + 1):
            if start and start < MIN_MODIFIER:
                continue
            rest = form[start:]
            head = self.forms.get(rest) if start else None
            if head is not None:
                return form[:start] + head
            for ending in self.endings:
                stem = rest[: len(rest) - len(ending)]
                if rest.endswith(ending) and len(stem) >= MIN_HEAD and stem in self.lemmas:
                    return form[:start] + stem
        return predicted

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        table = {"endings": list(self.endings), "forms": self.forms}
        data = json.dumps(table, ensure_ascii=False, sort_keys=True, indent=0)
        (path / TABLE_FILE).write_text(data, encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> LemmaFixer:
        table = Path(path) / TABLE_FILE
        if table.is_file():
            data = json.loads(table.read_text(encoding="utf-8"))
            self.set_table(data["forms"], data.get("endings", ()))
        return self


@Language.factory(
    FACTORY,
    assigns=["token.lemma"],
    requires=["token.lemma", "token.pos"],
)
def make_lemma_fixer(nlp: Language, name: str) -> LemmaFixer:
    return LemmaFixer(name)


def build_noun_table(docs: Iterable[Any], min_count: int = 1) -> dict[str, str]:
    """Unambiguous lowercase noun form -> lemma pairs from gold Docs (the most frequent
    lemma, kept only when it covers at least 90 % of the form's uses)."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        for tok in doc:
            if tok.pos_ == "NOUN" and tok.text.isalpha():
                counts[tok.text.lower()][tok.lemma_.lower()] += 1
    table: dict[str, str] = {}
    for form, lemmas in counts.items():
        lemma, n = lemmas.most_common(1)[0]
        if n >= min_count and n >= 0.9 * sum(lemmas.values()):
            table[form] = lemma
    return table


def inflection_endings(forms: dict[str, str], min_count: int = 50, max_len: int = 4) -> list[str]:
    """Endings that turn a noun lemma into one of its forms, frequent in the table
    (``en``, ``ene``, ``er``, ``s`` ...); the empty ending is always included."""
    counts: Counter[str] = Counter()
    for form, lemma in forms.items():
        if form.startswith(lemma) and len(form) - len(lemma) <= max_len:
            counts[form[len(lemma) :]] += 1
    return sorted({"", *(e for e, n in counts.items() if n >= min_count)})
