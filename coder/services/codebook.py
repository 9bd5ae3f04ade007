"""Codebook use cases: the project's codebook as stored (with edits and themes), loading a file into it."""

from __future__ import annotations

from pathlib import Path

from coder.codebook.loader import load_codebook
from coder.codebook.model import Codebook, CodeDef, Lexicon
from coder.domain import CodeKind, Relation
from coder.errors import InputError
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
