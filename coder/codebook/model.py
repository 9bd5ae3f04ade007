"""The codebook model: immutable code definitions in a tree, with navigation and roll-up."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from coder.domain import CodeInfo, CodeKind, Relation
from coder.errors import NotFoundError, UsageError

Level = Literal["section", "question", "item"]

# Depth of each structural kind in the guide: summaries roll codings up to one of these.
LEVEL_RANK: dict[str, int] = {"section": 0, "question": 1, "item": 2}


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Words that suggest a code: lemmas match token lemmas, phrases match word sequences."""

    lemmas: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lemmas or self.phrases)

    def __len__(self) -> int:
        return len(self.lemmas) + len(self.phrases)


@dataclass(frozen=True, slots=True)
class CodeDef:
    """One code: a section, question or item of the guide, a relation, or a theme.

    `ordinal` is the code's position in the codebook file, so sorting by it restores the
    guide's order; `relation` ties the C13/C14/C15 subtrees and the REL codes to a Relation.
    """

    id: str
    parent: str | None
    kind: CodeKind
    label: str
    text: str = ""
    description: str = ""
    color: str = "#888888"
    relation: Relation | None = None
    lexicon: Lexicon = field(default_factory=Lexicon)
    ordinal: int = 0

    def to_info(self) -> CodeInfo:
        """The domain dataclass services hand out (lexicon flattened to lemmas then phrases)."""
        return CodeInfo(
            id=self.id,
            parent_id=self.parent,
            kind=self.kind,
            label=self.label,
            text=self.text,
            description=self.description,
            color=self.color,
            lexicon=self.lexicon.lemmas + self.lexicon.phrases,
            relation=self.relation,
            ordinal=self.ordinal,
        )


@dataclass(frozen=True, slots=True)
class Codebook:
    """A validated set of codes in document order; lookups are by id (build via the loader)."""

    name: str
    version: str
    source: str
    language: str
    codes: tuple[CodeDef, ...]
    _by_id: Mapping[str, CodeDef] = field(init=False, repr=False, compare=False, hash=False)
    _children: Mapping[str | None, tuple[CodeDef, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        by_id = {c.id: c for c in self.codes}
        kids: dict[str | None, list[CodeDef]] = {}
        for code in self.codes:
            kids.setdefault(code.parent, []).append(code)
        ordered = {k: tuple(sorted(v, key=lambda c: c.ordinal)) for k, v in kids.items()}
        # Read-only views: the default codebook is shared process-wide.
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))
        object.__setattr__(self, "_children", MappingProxyType(ordered))

    # -- lookup ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[CodeDef]:
        return iter(self.codes)

    def __contains__(self, code_id: object) -> bool:
        try:
            return code_id in self._by_id
        except TypeError:  # unhashable: certainly not an id
            return False

    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.codes)

    def get(self, code_id: str) -> CodeDef:
        """The code with this id; an unknown id raises NotFoundError with a close-match hint."""
        try:
            return self._by_id[code_id]
        except (KeyError, TypeError):
            raise NotFoundError(self._unknown_message(code_id)) from None

    def _unknown_message(self, code_id: object) -> str:
        message = f"unknown code id {str(code_id)!r}"
        hint = self._closest_id(str(code_id))
        return f"{message} (did you mean {hint!r}?)" if hint else message

    def _closest_id(self, wanted: str) -> str | None:
        folded = {c.id.casefold(): c.id for c in self.codes}
        if wanted.casefold() in folded:
            return folded[wanted.casefold()]
        try:
            from rapidfuzz import fuzz, process

            best = process.extractOne(wanted, self.ids(), scorer=fuzz.ratio, score_cutoff=60)
            return best[0] if best else None
        except ImportError:  # rapidfuzz is a dependency, but a hint is not worth a crash
            close = difflib.get_close_matches(wanted, self.ids(), n=1, cutoff=0.6)
            return close[0] if close else None

    # -- tree navigation ------------------------------------------------------------------

    def roots(self) -> tuple[CodeDef, ...]:
        """Codes without a parent (sections, relations, top-level themes), in document order."""
        return self._children.get(None, ())

    def children(self, code_id: str) -> tuple[CodeDef, ...]:
        self.get(code_id)
        return self._children.get(code_id, ())

    def ancestors(self, code_id: str) -> tuple[CodeDef, ...]:
        """Parent first, root last."""
        chain: list[CodeDef] = []
        code = self.get(code_id)
        while code.parent is not None:
            code = self._by_id[code.parent]
            chain.append(code)
        return tuple(chain)

    def descendants(self, code_id: str) -> tuple[CodeDef, ...]:
        """All codes below this one, depth-first in document order (the code itself excluded)."""
        self.get(code_id)
        out: list[CodeDef] = []
        stack = list(reversed(self._children.get(code_id, ())))
        while stack:
            code = stack.pop()
            out.append(code)
            stack.extend(reversed(self._children.get(code.id, ())))
        return tuple(out)

    def iter_tree(self) -> Iterator[tuple[CodeDef, int]]:
        """Every code with its depth (roots at 0), depth-first in document order."""
        stack = [(c, 0) for c in reversed(self.roots())]
        while stack:
            code, depth = stack.pop()
            yield code, depth
            stack.extend((c, depth + 1) for c in reversed(self._children.get(code.id, ())))

    def questions(self) -> tuple[CodeDef, ...]:
        return tuple(c for c in self.codes if c.kind is CodeKind.QUESTION)

    def sections(self) -> tuple[CodeDef, ...]:
        return tuple(c for c in self.codes if c.kind is CodeKind.SECTION)

    def relations(self) -> tuple[CodeDef, ...]:
        return tuple(c for c in self.codes if c.kind is CodeKind.RELATION)

    def code_for_relation(self, relation: Relation) -> CodeDef | None:
        """The relation code (kind relation) standing for one of the three relations."""
        for code in self.relations():
            if code.relation is relation:
                return code
        return None

    # -- roll-up for summaries ------------------------------------------------------------

    def level_of(self, code_id: str) -> str:
        """The code's kind: section, question or item in the guide; relation or theme otherwise."""
        return self.get(code_id).kind.value

    def rollup(self, code_id: str, level: Level | str) -> CodeDef:
        """The code that counts for this one in a summary at `level`.

        The outermost ancestor-or-self of that kind; a code that sits above the level (D and E
        have no questions) counts as itself or its deepest structural ancestor, and relation or
        theme codes outside the guide's tree count as themselves.
        """
        if level not in LEVEL_RANK:
            raise UsageError(f"level must be one of {', '.join(LEVEL_RANK)}, not {level!r}")
        rank = LEVEL_RANK[level]
        code = self.get(code_id)
        chain = [*reversed(self.ancestors(code_id)), code]  # root first
        structural = [c for c in chain if c.kind.value in LEVEL_RANK]
        for c in structural:
            if LEVEL_RANK[c.kind.value] == rank:
                return c
        shallower = [c for c in structural if LEVEL_RANK[c.kind.value] < rank]
        return shallower[-1] if shallower else code

    # -- conversion -----------------------------------------------------------------------

    def code_infos(self) -> tuple[CodeInfo, ...]:
        return tuple(c.to_info() for c in self.codes)
