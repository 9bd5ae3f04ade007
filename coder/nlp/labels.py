"""Entity-label adapter: pipelines that call people something else are mapped to ``PER``.

Pseudonymisation looks only for ``PER``; the NorNE-trained pipelines already use it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

PERSON_LABEL = "PER"
PERSON_ALIASES = frozenset({"PERSON", "PRS", "per", "person"})


@Language.component("coder_person_label", assigns=["doc.ents"], requires=["doc.ents"])
def person_label(doc: Doc) -> Doc:
    """Relabel person entities to PER, leaving every other entity untouched."""
    if any(ent.label_ in PERSON_ALIASES for ent in doc.ents):
        doc.ents = [
            Span(doc, e.start, e.end, label=PERSON_LABEL) if e.label_ in PERSON_ALIASES else e
            for e in doc.ents
        ]
    return doc


NAME_CONSISTENCY = "coder_person_names"
_MIN_NAME = 3  # shorter capitalised tokens ("Ap", "B") are too often not names


def _name_parts(doc: Doc) -> set[str]:
    """Capitalised words of the doc's PER entities ("Karl Ove Knausgård" -> three parts)."""
    return {
        t.text
        for e in doc.ents
        if e.label_ == PERSON_LABEL
        for t in e
        if t.is_alpha and len(t.text) >= _MIN_NAME and t.text[0].isupper()
    }


@Language.component(NAME_CONSISTENCY, assigns=["doc.ents"], requires=["doc.ents"])
def person_names(doc: Doc) -> Doc:
    """One name, one label within a document.

    A person named in full once ("Per Borten") is often named again by one part of the name
    ("Borten", "Bortens tabbe") where the statistical NER misses it or calls it a place. Such a
    token is made PER when it is capitalised and stands alone or as a one-word entity of
    another label; words inside a longer non-person entity ("Haukeland Universitetssykehus")
    stay as they are. Pseudonymisation depends on catching these repeats.
    """
    names = _name_parts(doc)
    if not names:
        return doc
    ents = list(doc.ents)
    owner: dict[int, Span] = {i: e for e in ents for i in range(e.start, e.end)}
    found: list[int] = []
    for t in doc:
        text = t.text
        if not text[:1].isupper() or not t.is_alpha:
            continue
        if text not in names and not (text.endswith("s") and text[:-1] in names):
            continue  # neither the name nor its genitive ("Bortens")
        ent = owner.get(t.i)
        if ent is None or (ent.label_ != PERSON_LABEL and len(ent) == 1):
            found.append(t.i)
    if not found:
        return doc
    new = {i: Span(doc, i, i + 1, label=PERSON_LABEL) for i in found}
    kept = [e for e in ents if not (len(e) == 1 and e.start in new)]
    doc.ents = sorted([*kept, *new.values()], key=lambda e: e.start)
    return doc
