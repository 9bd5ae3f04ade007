"""Repository for the codebook in the database: sync from a codebook file, edit, move, merge."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from coder.domain import CodeInfo, CodeKind, CodingStatus, Relation
from coder.errors import ConflictError, NotFoundError, UsageError
from coder.store.convert import code_info
from coder.store.models import Code, Coding, Memo, Setting


class LexiconLike(Protocol):
    lemmas: tuple[str, ...]
    phrases: tuple[str, ...]


class CodeDefLike(Protocol):
    id: str
    parent: str | None
    kind: Any
    label: str
    text: str
    description: str
    color: str
    relation: Any
    lexicon: LexiconLike
    ordinal: int


class CodebookLike(Protocol):
    name: str
    version: str
    codes: tuple[CodeDefLike, ...]


def _value(x: Any) -> Any:
    return getattr(x, "value", x)


class CodeRepo:
    def __init__(self, session: Session) -> None:
        self.s = session

    def sync_codebook(
        self, codebook: CodebookLike, *, keep_existing_details: bool = False
    ) -> tuple[int, int]:
        """Insert new codes and update existing ones from a codebook; never deletes (codings stay).

        With `keep_existing_details`, empty text, description and lexicon in the incoming
        codebook leave the stored ones alone (formats such as REFI-QDA .qdc cannot carry them).
        Returns (added, updated).
        """
        added = updated = 0
        existing = {c.id: c for c in self.s.scalars(select(Code)).all()}
        for d in codebook.codes:
            fields = {
                "parent_id": d.parent,
                "kind": _value(d.kind),
                "label": d.label,
                "text": d.text or "",
                "description": d.description or "",
                "color": d.color,
                "relation": _value(d.relation) if d.relation else None,
                "lexicon": {"lemmas": list(d.lexicon.lemmas), "phrases": list(d.lexicon.phrases)},
                "ordinal": d.ordinal,
            }
            row = existing.get(d.id)
            if row is not None and keep_existing_details:
                for key in ("text", "description"):
                    if not fields[key]:
                        fields[key] = getattr(row, key)
                if not (d.lexicon.lemmas or d.lexicon.phrases):
                    fields["lexicon"] = row.lexicon
            if row is None:
                self.s.add(Code(id=d.id, **fields))
                added += 1
            elif any(getattr(row, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(row, k, v)
                updated += 1
            self.s.flush()
        self.set_setting("codebook.name", codebook.name)
        self.set_setting("codebook.version", str(codebook.version))
        return added, updated

    def set_setting(self, key: str, value: str) -> None:
        row = self.s.get(Setting, key)
        if row is None:
            self.s.add(Setting(key=key, value=value))
        else:
            row.value = value

    def setting(self, key: str) -> str | None:
        row = self.s.get(Setting, key)
        return row.value if row else None

    def is_empty(self) -> bool:
        return (self.s.scalar(select(func.count()).select_from(Code)) or 0) == 0

    def list(self) -> list[CodeInfo]:
        rows = self.s.scalars(select(Code).order_by(Code.ordinal, Code.id)).all()
        return [code_info(r) for r in rows]

    def row(self, code_id: str) -> Code:
        row = self.s.get(Code, code_id)
        if row is None:
            ids = [c for c in self.s.scalars(select(Code.id)).all()]
            hint = _closest(code_id, ids)
            raise NotFoundError(
                f"unknown code id {code_id!r}" + (f" (did you mean {hint!r}?)" if hint else "")
            )
        return row

    def get(self, code_id: str) -> CodeInfo:
        return code_info(self.row(code_id))

    def lexicon(self, code_id: str) -> dict[str, list[str]]:
        lex = self.row(code_id).lexicon or {}
        return {"lemmas": list(lex.get("lemmas", [])), "phrases": list(lex.get("phrases", []))}

    def counts(self, status: CodingStatus = CodingStatus.ACCEPTED) -> dict[str, int]:
        rows = self.s.execute(
            select(Coding.code_id, func.count())
            .where(Coding.status == status.value)
            .group_by(Coding.code_id)
        ).all()
        return {code: n for code, n in rows}

    def add(
        self,
        code_id: str,
        label: str,
        *,
        parent_id: str | None = None,
        kind: CodeKind = CodeKind.THEME,
        description: str = "",
        color: str = "#b07aa1",
        relation: Relation | None = None,
        lemmas: list[str] | None = None,
        phrases: list[str] | None = None,
    ) -> CodeInfo:
        if self.s.get(Code, code_id) is not None:
            raise ConflictError(f"code id {code_id!r} exists already")
        if parent_id is not None:
            self.row(parent_id)
        max_ord = self.s.scalar(select(func.max(Code.ordinal))) or 0
        row = Code(
            id=code_id,
            parent_id=parent_id,
            kind=kind.value,
            label=label,
            description=description,
            color=color,
            relation=relation.value if relation else None,
            lexicon={"lemmas": lemmas or [], "phrases": phrases or []},
            ordinal=max_ord + 1,
        )
        self.s.add(row)
        self.s.flush()
        return code_info(row)

    def edit(self, code_id: str, **fields: Any) -> CodeInfo:
        """Change label, description, color, text, relation or lexicon (lemmas/phrases)."""
        row = self.row(code_id)
        allowed = {"label", "description", "color", "text", "relation", "lemmas", "phrases"}
        unknown = set(fields) - allowed
        if unknown:
            raise UsageError(f"cannot edit {', '.join(sorted(unknown))} of a code")
        lex = dict(row.lexicon or {})
        for key, value in fields.items():
            if key in ("lemmas", "phrases"):
                lex[key] = list(value)
            elif key == "relation":
                row.relation = _value(value) if value else None
            else:
                setattr(row, key, value)
        row.lexicon = lex
        self.s.flush()
        return code_info(row)

    def _descendant_ids(self, code_id: str) -> set[str]:
        children: dict[str | None, list[str]] = {}
        for cid, parent in self.s.execute(select(Code.id, Code.parent_id)).all():
            children.setdefault(parent, []).append(cid)
        out: set[str] = set()
        stack = [code_id]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out

    def move(self, code_id: str, new_parent_id: str | None) -> CodeInfo:
        row = self.row(code_id)
        if new_parent_id is not None:
            self.row(new_parent_id)
            if new_parent_id == code_id or new_parent_id in self._descendant_ids(code_id):
                raise UsageError(
                    f"cannot move {code_id!r} under its own descendant {new_parent_id!r}"
                )
        row.parent_id = new_parent_id
        self.s.flush()
        return code_info(row)

    def merge(self, source_id: str, target_id: str) -> int:
        """Move every coding, memo and child of `source_id` to `target_id`, then delete the source.

        A coding that would duplicate one already on the target (same segment, coder and span)
        is folded into it: the stronger status wins (accepted > suggested > rejected).
        Returns the number of codings moved or folded.
        """
        if source_id == target_id:
            raise UsageError("cannot merge a code into itself")
        self.row(source_id)
        self.row(target_id)
        if target_id in self._descendant_ids(source_id):
            raise UsageError(f"cannot merge {source_id!r} into its own descendant {target_id!r}")
        rank = {"accepted": 2, "suggested": 1, "rejected": 0}
        moved = 0
        for c in self.s.scalars(select(Coding).where(Coding.code_id == source_id)).all():
            twin = self.s.scalar(
                select(Coding).where(
                    Coding.segment_id == c.segment_id,
                    Coding.code_id == target_id,
                    Coding.coder == c.coder,
                    Coding.span_key == c.span_key,
                )
            )
            if twin is None:
                c.code_id = target_id
            else:
                if rank[c.status] > rank[twin.status]:
                    twin.status = c.status
                    twin.origin = c.origin
                    twin.relation = c.relation or twin.relation
                self.s.execute(update(Memo).where(Memo.coding_id == c.id).values(coding_id=twin.id))
                self.s.delete(c)
            moved += 1
        self.s.flush()
        self.s.execute(update(Memo).where(Memo.code_id == source_id).values(code_id=target_id))
        self.s.execute(update(Code).where(Code.parent_id == source_id).values(parent_id=target_id))
        self.s.execute(delete(Code).where(Code.id == source_id))
        self.s.flush()
        return moved


def _closest(word: str, choices: list[str]) -> str | None:
    from rapidfuzz import process

    best = process.extractOne(word, choices, score_cutoff=70)
    return best[0] if best else None
