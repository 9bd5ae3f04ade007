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
