"""REFI-QDA codebooks: .qdc export and import, and the code-tree mapping shared with .qdpx.

Mapping REFI codes to ours (used by `read_qdc` and the project importer):

* A code whose name starts with one of our ids ("B5a Rådmannens rolle", "REL.ceo ...",
  "T.budsjett ...") gets that id back, with the rest of the name as its label.
* Any other code becomes a theme `T.<slug of its name>` (a numeric suffix keeps ids unique);
  foreign codes at the top of the tree are placed under one theme, `T.imported`.
* Nesting gives parents. Guide ids that the packaged interview guide knows take their kind,
  question text, relation and lexicon from it (REFI cannot carry those); name, description and
  colour come from the file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from coder.codebook.model import Codebook, CodeDef, Lexicon
from coder.domain import CodeKind, Relation
from coder.errors import CoderError, InputError, UsageError
from coder.export.files import write_bytes_atomic
from coder.export.refi_common import (
    CODEBOOK_NS,
    ORIGIN,
    code_guid,
    code_name,
    color_or_none,
    kind_for_id,
    norm_guid,
    slug,
    split_code_name,
    xml_document,
    xml_safe,
)

IMPORTED_ROOT_ID = "T.imported"
IMPORTED_ROOT_LABEL = "Importerte koder"
MAX_XML_BYTES = 64 * 1024 * 1024
MAX_ID_LEN = 100
MAX_LABEL_LEN = 300


# -- reading XML safely ----------------------------------------------------------------------------


def parse_xml(data: bytes, *, path: str | Path, member: str | None = None) -> Any:
    """Parse REFI XML without entities, DTDs or network access; errors name the file and line."""
    where = f"{member} " if member else ""
    if len(data) > MAX_XML_BYTES:
        raise InputError(f"{where}is larger than {MAX_XML_BYTES // 2**20} MB", path=path)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = f"line {exc.lineno}: " if exc.lineno else ""
        msg = str(exc.msg or exc).splitlines()[0] if str(exc.msg or exc).strip() else "invalid"
        raise InputError(f"{where}{line}XML syntax error: {msg}", path=path) from exc
    except ValueError as exc:  # e.g. unicode strings with encoding declarations, NUL bytes
        raise InputError(f"{where}cannot be read as XML: {exc}", path=path) from exc
    if root.getroottree().docinfo.doctype:
        raise InputError(f"{where}has a DOCTYPE, which REFI-QDA files never carry", path=path)
    return root


def local(el: Any) -> str:
    """An element's name without its namespace ('' for anything that is not an element)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(el: Any, name: str | None = None) -> list[Any]:
    return [c for c in el if local(c) and (name is None or local(c) == name)]


def child_text(el: Any, name: str) -> str | None:
    for c in children(el, name):
        return "".join(c.itertext())
    return None


# -- the code tree ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefiCode:
    """A Code element as read from a file."""

    guid: str
    name: str
    description: str
    color: str | None
    parent_guid: str | None
    codable: bool
    line: int | None
    note_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlannedCode:
    """A REFI code with the id, parent and kind it gets in our codebook."""

    guid: str
    id: str
    label: str
    parent_id: str | None
    kind: CodeKind
    relation: Relation | None
    description: str
    color: str | None
    foreign: bool  # True when the name carried no id of ours


def read_code_tree(codes_el: Any, *, path: str | Path, member: str) -> list[RefiCode]:
    """The Code elements under a Codes element, depth-first in document order."""
    out: list[RefiCode] = []
    seen: set[str] = set()

    def visit(el: Any, parent: str | None) -> None:
        guid = norm_guid(el.get("guid"))
        if guid is None:
            raise InputError(f"{member} line {el.sourceline}: Code without a valid guid", path=path)
        if guid in seen:
            raise InputError(
                f"{member} line {el.sourceline}: duplicate Code guid {guid}", path=path
            )
        seen.add(guid)
        name = " ".join((el.get("name") or "").split())
        if not name:
            raise InputError(f"{member} line {el.sourceline}: Code without a name", path=path)
        out.append(
            RefiCode(
                guid=guid,
                name=name,
                description=(child_text(el, "Description") or "").strip(),
                color=color_or_none(el.get("color")),
                parent_guid=parent,
                codable=(el.get("isCodable") or "true").strip().lower() in ("true", "1"),
                line=el.sourceline,
                note_refs=tuple(
                    g
                    for g in (norm_guid(r.get("targetGUID")) for r in children(el, "NoteRef"))
                    if g
                ),
            )
        )
        for child in children(el, "Code"):
            visit(child, guid)

    for el in children(codes_el, "Code"):
        visit(el, None)
    return out


def plan_codes(codes: list[RefiCode], existing: Mapping[str, str]) -> list[PlannedCode]:
    """Give every REFI code an id of ours (see the module docstring for the rules).

    `existing` maps the ids already in the target codebook to their labels: a foreign code is
    matched to an existing theme of the same id and label, so importing a file twice reuses them.
    """
    taken: set[str] = set()
    by_guid: dict[str, str] = {}
    planned: list[PlannedCode] = []
    need_root = False
    for code in codes:
        our_id, label = split_code_name(code.name)
        foreign = our_id is None or our_id in taken
        if foreign:
            label = code.name
            base = f"T.{slug(code.name)}"
            candidate, n = base, 2
            while candidate in taken or (
                candidate in existing
                and existing[candidate].casefold() != label.casefold()[:MAX_LABEL_LEN]
            ):
                candidate, n = f"{base}-{n}", n + 1
            our_id = candidate
        assert our_id is not None
        taken.add(our_id)
        by_guid[code.guid] = our_id
        parent_id = by_guid.get(code.parent_guid) if code.parent_guid else None
        if parent_id is None and foreign and our_id != IMPORTED_ROOT_ID:
            parent_id = IMPORTED_ROOT_ID
            need_root = True
        kind, relation = (CodeKind.THEME, None) if foreign else kind_for_id(our_id)
        planned.append(
            PlannedCode(
                guid=code.guid,
                id=our_id[:MAX_ID_LEN],
                label=label[:MAX_LABEL_LEN],
                parent_id=parent_id,
                kind=kind,
                relation=relation,
                description=code.description,
                color=code.color,
                foreign=foreign,
            )
        )
    if need_root and IMPORTED_ROOT_ID not in taken:
        root = PlannedCode(
            guid="",
            id=IMPORTED_ROOT_ID,
            label=IMPORTED_ROOT_LABEL,
            parent_id=None,
            kind=CodeKind.THEME,
            relation=None,
            description="Koder fra andre QDA-programmer (REFI-QDA-import).",
            color=None,
            foreign=True,
        )
        planned.insert(0, root)
    return planned


def _guide() -> Codebook | None:
    """The packaged interview guide, to restore what REFI cannot carry; None if unavailable."""
    try:
        from coder.codebook.loader import default_codebook

        return default_codebook()
    except (CoderError, OSError, ImportError):
        return None


def planned_to_codebook(
    planned: list[PlannedCode], *, name: str, source: str, version: str = "1"
) -> Codebook:
    guide = _guide()
    defs: list[CodeDef] = []
    for i, p in enumerate(planned):
        known = guide.get(p.id) if guide is not None and p.id in guide and not p.foreign else None
        defs.append(
            CodeDef(
                id=p.id,
                parent=p.parent_id,
                kind=known.kind if known else p.kind,
                label=p.label,
                text=known.text if known else "",
                description=p.description or (known.description if known else ""),
                color=p.color or (known.color if known else "#888888"),
                relation=known.relation if known else p.relation,
                lexicon=known.lexicon if known else Lexicon(),
                ordinal=i,
            )
        )
    return Codebook(name=name, version=version, source=source, language="nb", codes=tuple(defs))


# -- writing ---------------------------------------------------------------------------------------


def add_code_elements(
    parent: Any,
    codebook: Codebook,
    ns: str,
    *,
    note_refs: Mapping[str, list[str]] | None = None,
    codable: Mapping[str, bool] | None = None,
) -> int:
    """Nest Code elements for the whole codebook under `parent` (a Codes element).

    `note_refs` maps code ids to Note GUIDs (project files only: codebooks have no notes).
    Returns the number of codes written.
    """
    elements: dict[str, Any] = {}
    count = 0
    for code, _depth in codebook.iter_tree():
        holder = elements.get(code.parent) if code.parent else None
        el = etree.SubElement(holder if holder is not None else parent, f"{{{ns}}}Code")
        el.set("guid", code_guid(code.id))
        el.set("name", xml_safe(code_name(code.id, code.label)))
        el.set("isCodable", "true" if (codable or {}).get(code.id, True) else "false")
        color = color_or_none(code.color)
        if color:
            el.set("color", color)
        if code.description.strip():
            etree.SubElement(el, f"{{{ns}}}Description").text = xml_safe(code.description)
        for note in (note_refs or {}).get(code.id, []):
            etree.SubElement(el, f"{{{ns}}}NoteRef").set("targetGUID", note)
        elements[code.id] = el
        count += 1
    return count


def qdc_bytes(codebook: Codebook) -> bytes:
    """The codebook as REFI-QDA Codebook XML (Codebook-mrt2019.xsd)."""
    if len(codebook) == 0:
        raise UsageError("the codebook has no codes; a REFI-QDA codebook needs at least one")
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", ORIGIN)
    codes = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    add_code_elements(codes, codebook, CODEBOOK_NS)
    return xml_document(root)


def write_qdc(codebook: Codebook, path: Path | str, *, force: bool = False) -> Path:
    """Write the codebook as a .qdc file (atomically; refuses to overwrite without `force`)."""
    return write_bytes_atomic(path, qdc_bytes(codebook), force=force)


# -- reading ---------------------------------------------------------------------------------------


def codebook_from_qdc_bytes(
    data: bytes, *, path: str | Path, existing: Mapping[str, str] | None = None
) -> Codebook:
    """A Codebook from .qdc bytes; a .qdpx archive is accepted too (its project's codebook)."""
    member = Path(str(path)).name
    if data[:4] == b"PK\x03\x04":
        data, member = _project_xml_from_zip(data, path)
    root = parse_xml(data, path=path, member=member)
    if local(root) == "Project":
        books = children(root, "CodeBook")
        if not books:
            raise InputError(f"{member}: the project has no CodeBook", path=path)
        root = books[0]
    if local(root) != "CodeBook":
        raise InputError(
            f"{member} line {root.sourceline}: root element is <{local(root) or '?'}>, "
            "expected <CodeBook>",
            path=path,
        )
    codes_el = children(root, "Codes")
    if not codes_el:
        raise InputError(f"{member}: CodeBook has no Codes element", path=path)
    codes = read_code_tree(codes_el[0], path=path, member=member)
    if not codes:
        raise InputError(f"{member}: the codebook has no codes", path=path)
    planned = plan_codes(codes, existing or {})
    return planned_to_codebook(planned, name=Path(str(path)).stem, source=str(path))


def _project_xml_from_zip(data: bytes, path: str | Path) -> tuple[bytes, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if info.filename.lower() == "project.qde":
                    if info.file_size > MAX_XML_BYTES:
                        raise InputError("project.qde is too large", path=path)
                    return zf.read(info), info.filename
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise InputError(f"not a readable REFI-QDA archive: {exc}", path=path) from exc
    except RuntimeError as exc:  # encrypted members
        raise InputError(f"cannot read the archive: {exc}", path=path) from exc
    raise InputError("the archive has no project.qde", path=path)


def read_qdc(path: Path | str) -> Codebook:
    """Read a REFI-QDA codebook (.qdc) into a Codebook (ids restored as described above)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=p) from exc
    return codebook_from_qdc_bytes(data, path=p)
