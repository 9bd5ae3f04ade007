"""Codebook use cases: the project's codebook as stored (with edits and themes), loading a file into it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from coder.codebook.loader import load_codebook
from coder.codebook.model import Codebook, CodeDef, Lexicon
from coder.domain import CodeInfo, CodeKind, Relation
from coder.errors import InputError, UsageError
from coder.store.codes import CodeRepo
from coder.store.db import Store
from coder.store.models import Code


def _code_def(row: Code) -> CodeDef:
    lex = row.lexicon or {}
    return CodeDef(
        id=row.id,
        parent=row.parent_id,
        kind=CodeKind(row.kind),
        label=row.label,
        text=row.text or "",
        description=row.description or "",
        color=row.color,
        relation=Relation(row.relation) if row.relation else None,
        lexicon=Lexicon(tuple(lex.get("lemmas", [])), tuple(lex.get("phrases", []))),
        ordinal=row.ordinal,
    )


def project_codebook(store: Store) -> Codebook:
    """The codebook as it stands in the project database, themes and edits included."""
    from sqlalchemy import select

    with store.session() as s:
        repo = CodeRepo(s)
        rows = s.scalars(select(Code).order_by(Code.ordinal, Code.id)).all()
        name = repo.setting("codebook.name") or "codebook"
        version = repo.setting("codebook.version") or "1"
        source = repo.setting("codebook.source") or ""
        defs = [_code_def(r) for r in rows]
    # Parents first: the codebook model expects a tree it can walk.
    by_id = {d.id: d for d in defs}
    ordered: list[CodeDef] = []
    seen: set[str] = set()

    def visit(d: CodeDef) -> None:
        if d.id in seen:
            return
        if d.parent and d.parent in by_id:
            visit(by_id[d.parent])
        seen.add(d.id)
        ordered.append(d)

    for d in defs:
        visit(d)
    return Codebook(name=name, version=version, source=source, language="nb", codes=tuple(ordered))


def load_codebook_file(path: Path) -> Codebook:
    """A codebook from YAML/JSON, or REFI-QDA .qdc."""
    if path.suffix.lower() == ".qdc":
        try:
            from coder.export.refi_codebook import read_qdc
        except ImportError as exc:
            raise InputError(
                "REFI-QDA codebooks are not supported in this build", path=path
            ) from exc
        return read_qdc(path)
    return load_codebook(path)


def load_codebook_into_store(store: Store, path: Path) -> tuple[int, int]:
    """Merge a codebook file into the project: new codes are added, existing ones updated.

    Codes missing from the file are kept, since codings may point at them. Returns (added, updated).
    """
    codebook = load_codebook_file(path)
    with store.session() as s:
        repo = CodeRepo(s)
        result = repo.sync_codebook(
            codebook, keep_existing_details=path.suffix.lower() in (".qdc", ".qdpx")
        )
        repo.set_setting("codebook.source", getattr(codebook, "source", "") or str(path))
        return result


# -- editing the project's codebook (the Codebook screen and `coder codebook` commands) ------------

_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "ae", "Ø": "o", "Å": "a"})
THEME_COLOR = "#b07aa1"


def theme_slug(label: str) -> str:
    """`T.<slug>` ids: lowercase ASCII words joined by dashes (æøå folded)."""
    folded = unicodedata.normalize("NFKD", label.translate(_FOLD))
    ascii_only = folded.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    return slug[:60].rstrip("-")


def _check_fields(fields: dict[str, object]) -> None:
    color = fields.get("color")
    if color is not None and not _HEX_COLOR.match(str(color)):
        raise UsageError(f"colour {color!r} is not of the form #rrggbb")
    label = fields.get("label")
    if label is not None and not str(label).strip():
        raise UsageError("a code needs a label")


def add_theme(
    store: Store,
    label: str,
    *,
    parent_id: str | None = None,
    slug: str | None = None,
    description: str = "",
    color: str = THEME_COLOR,
    relation: Relation | None = None,
    lemmas: list[str] | None = None,
    phrases: list[str] | None = None,
) -> CodeInfo:
    """Add an emergent theme `T.<slug>` (kind theme) under any node, or at the top level."""
    _check_fields({"label": label, "color": color})
    slug = theme_slug(slug or label)
    if not slug:
        raise UsageError(f"cannot make an id from {label!r}; give a slug with letters or digits")
    with store.session() as s:
        repo = CodeRepo(s)
        info = repo.add(
            f"T.{slug}",
            label.strip(),
            parent_id=parent_id,
            kind=CodeKind.THEME,
            description=description,
            color=color,
            relation=relation,
            lemmas=lemmas,
            phrases=phrases,
        )
        return info


def edit_code(store: Store, code_id: str, **fields: Any) -> CodeInfo:
    """Change a code's label, description, colour, text, relation or lexicon (lemmas, phrases)."""
    _check_fields(fields)
    if "label" in fields:
        fields["label"] = str(fields["label"]).strip()
    with store.session() as s:
        repo = CodeRepo(s)
        info = repo.edit(code_id, **fields)
        return info


def move_code(store: Store, code_id: str, new_parent_id: str | None) -> CodeInfo:
    """Put a code (with its subtree and codings) under another parent."""
    with store.session() as s:
        repo = CodeRepo(s)
        info = repo.move(code_id, new_parent_id)
        return info


def merge_codes(store: Store, source_id: str, target_id: str) -> int:
    """Fold `source_id` into `target_id`: its codings, memos and children move; nothing is lost.

    The whole merge is one transaction: it happens completely or not at all. Returns the number of
    codings moved or folded into the target.
    """
    with store.session() as s:
        repo = CodeRepo(s)
        moved = repo.merge(source_id, target_id)
        return moved


def code_lexicon(store: Store, code_id: str) -> dict[str, list[str]]:
    """A code's lexicon as {"lemmas": [...], "phrases": [...]} (for editing)."""
    with store.session() as s:
        return CodeRepo(s).lexicon(code_id)
