"""REFI-QDA project archives read into plain data: every check, no database (used by refi_import).

A .qdpx is read completely and checked before anything is written: a broken archive (not a zip,
no project.qde, XML syntax error, a referenced text missing from an archive that carries source
files, positions outside the text) raises one InputError line naming the file and the place.
Text comes from sources/ in the archive (plainTextPath "internal://x.txt" or a bare relative
path) or from inline PlainTextContent; an archive exported without any source files keeps its
codebook, cases and notes and its text sources are skipped with a warning; paths outside the
archive (absolute, relative://) are never read. Selection positions are mapped into our
normalised text here (see refi_common.TextMap). Unknown and unsupported elements become warnings.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coder.domain import Relation, RoleGroup
from coder.errors import InputError
from coder.export.refi_codebook import (
    MAX_XML_BYTES,
    RefiCode,
    child_text,
    children,
    local,
    parse_xml,
    read_code_tree,
)
from coder.export.refi_common import (
    CODEPOINT,
    UTF16,
    TextMap,
    norm_guid,
    parse_xml_datetime,
    utf16_offsets,
)

MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_SOURCE_BYTES = 64 * 1024 * 1024

NON_TEXT_SOURCES = {
    "PictureSource": "picture",
    "PDFSource": "PDF",
    "AudioSource": "audio",
    "VideoSource": "video",
}
UNSUPPORTED = {"Links": "links", "Sets": "sets", "Graphs": "graphs"}


# -- what the archive holds --------------------------------------------------------------------------


@dataclass
class SourceCoding:
    guid: str
    code_guid: str
    coder: str
    created: datetime | None
    notes: list[str] = field(default_factory=list)
    relation: Relation | None = None


@dataclass
class Selection:
    guid: str
    start: int  # our offsets (already mapped)
    end: int
    codings: list[SourceCoding]
    notes: list[str]
    description: str | None
    author: str


@dataclass
class TextSource:
    guid: str
    name: str
    title: str
    text: str
    line: int | None
    selections: list[Selection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interview_date: date | None = None
    speakers: dict[str, str] = field(default_factory=dict)  # label -> role group value
    description_memo: str | None = None
    author: str = "imported"
    layout: Any = None  # our "coder layout" variable (JSON), checked by the importer
    units: str = CODEPOINT  # how the file counted its positions

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256(b"refi-qda\0" + self.guid.encode() + b"\0")
        digest.update(self.text.encode("utf-8"))
        return digest.hexdigest()


@dataclass
class CaseEntry:
    guid: str
    name: str
    description: str
    values: dict[str, str]
    sources: list[str]


@dataclass
class NoteEntry:
    guid: str
    author: str
    text: str
    created: datetime | None
    modified: datetime | None


@dataclass
class ProjectContent:
    name: str
    origin: str = ""
    codes: list[RefiCode] = field(default_factory=list)
    sources: list[TextSource] = field(default_factory=list)
    cases: list[CaseEntry] = field(default_factory=list)
    notes: dict[str, NoteEntry] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class ProjectReader:
    """Reads and checks a .qdpx archive into a ProjectContent; raises InputError, writes nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.member = "project.qde"
        self.warnings: list[str] = []
        self.skipped: Counter[str] = Counter()
        self.users: dict[str, str] = {}
        self.variables: dict[str, tuple[str, str]] = {}
        self.default_user = "imported"
        self.zf: zipfile.ZipFile | None = None
        self.members: dict[str, zipfile.ZipInfo] = {}
        self.has_source_files = False
        self.origin_units: str | None = None

    # -- archive ----------------------------------------------------------------------------------

    def fail(self, message: str, el: Any = None) -> InputError:
        where = f"{self.member} line {el.sourceline}: " if el is not None and el.sourceline else ""
        return InputError(f"{where}{message}", path=self.path)

    def open(self) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]:
        try:
            size = self.path.stat().st_size
            if size > MAX_ARCHIVE_BYTES:
                raise InputError("archive is larger than 2 GB", path=self.path)
            data = self.path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", path=self.path) from exc
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
            raise InputError(
                f"not a REFI-QDA archive (a .qdpx is a zip file): {exc}", path=self.path
            ) from exc
        members = {i.filename.replace("\\", "/").lower(): i for i in infos if not i.is_dir()}
        return zf, members

    def read_member(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
        if info.file_size > limit:
            raise InputError(
                f"{info.filename} is too large ({info.file_size} bytes)", path=self.path
            )
        try:
            with zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
            RuntimeError,
            NotImplementedError,
        ) as exc:
            raise InputError(
                f"{info.filename} cannot be read from the archive: {exc}", path=self.path
            ) from exc
        if len(data) > limit:
            raise InputError(f"{info.filename} is too large", path=self.path)
        return data

    # -- project ----------------------------------------------------------------------------------

    def read(self) -> ProjectContent:
        zf, members = self.open()
        with zf:
            qde = members.get("project.qde")
            if qde is None:
                raise InputError("the archive has no project.qde", path=self.path)
            self.member = qde.filename
            root = parse_xml(
                self.read_member(zf, qde, MAX_XML_BYTES), path=self.path, member=self.member
            )
            if local(root) != "Project":
                raise self.fail(f"root element is <{local(root) or '?'}>, expected <Project>", root)
            project = ProjectContent(
                name=(root.get("name") or self.path.stem).strip() or self.path.stem,
                origin=(root.get("origin") or "").strip(),
            )
            self.zf, self.members = zf, members
            self.origin_units = units_of_origin(root.get("origin"))
            self.has_source_files = any(
                n.startswith("sources/") and not n.endswith("/.root") for n in members
            )
            known = {
                "Users",
                "CodeBook",
                "Variables",
                "Cases",
                "Sources",
                "Notes",
                "Description",
                "NoteRef",
            } | set(UNSUPPORTED)
            self.check_children(root, known)
            for el in children(root, "Users"):
                self.read_users(el)
            self.default_user = self.user_name(root.get("creatingUserGUID"), "imported")
            for el in children(root, "CodeBook"):
                for codes_el in children(el, "Codes"):
                    project.codes.extend(
                        read_code_tree(codes_el, path=self.path, member=self.member)
                    )
            for el in children(root, "Variables"):
                self.read_variables(el)
            for el in children(root, "Cases"):
                project.cases.extend(self.read_case(c) for c in children(el, "Case"))
            for el in children(root, "Sources"):
                self.read_sources(el, project)
            for el in children(root, "Notes"):
                for note in children(el, "Note"):
                    n = self.read_note(note)
                    if n is not None:
                        project.notes[n.guid] = n
            description = (child_text(root, "Description") or "").strip()
            if description:  # the project's own description becomes a project memo
                project.notes["project-description"] = NoteEntry(
                    "project-description", self.default_user, description, None, None
                )
            for el in root:
                if local(el) in UNSUPPORTED:
                    self.skipped[UNSUPPORTED[local(el)]] += len(children(el))
        for what, n in sorted(self.skipped.items()):
            if n:  # a case without code references is nothing to report
                self.warnings.append(f"skipped {n} {what} (not supported)")
        project.warnings = self.warnings
        return project

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def check_children(self, el: Any, allowed: set[str]) -> None:
        for child in children(el):
            if local(child) not in allowed:
                self.warn(
                    f"skipped unknown element <{local(child)}> in <{local(el)}> "
                    f"({self.member} line {child.sourceline})"
                )

    def note_refs(self, el: Any) -> list[str]:
        return [g for g in (norm_guid(r.get("targetGUID")) for r in children(el, "NoteRef")) if g]

    def guid(self, el: Any) -> str:
        g = norm_guid(el.get("guid"))
        if g is None:
            raise self.fail(f"<{local(el)}> without a valid guid", el)
        return g

    def read_users(self, el: Any) -> None:
        for u in children(el, "User"):
            g = self.guid(u)
            name = (u.get("name") or u.get("id") or "").strip() or f"user-{g[:8]}"
            self.users[g] = name[:100]

    def user_name(self, guid: str | None, default: str) -> str:
        g = norm_guid(guid)
        if g is None:
            return default
        return self.users.get(g, default)

    def read_variables(self, el: Any) -> None:
        for v in children(el, "Variable"):
            self.variables[self.guid(v)] = (
                (v.get("name") or "").strip(),
                (v.get("typeOfVariable") or "Text").strip(),
            )

    def variable_values(self, el: Any) -> dict[str, str]:
        out: dict[str, str] = {}
        for vv in children(el, "VariableValue"):
            ref = children(vv, "VariableRef")
            target = norm_guid(ref[0].get("targetGUID")) if ref else None
            if target is None or target not in self.variables:
                self.warn(
                    f"skipped a variable value with an unknown variable ({self.member} line {vv.sourceline})"
                )
                continue
            name = self.variables[target][0]
            values = [c for c in children(vv) if local(c) != "VariableRef"]
            if values:
                out[name] = "".join(values[0].itertext()).strip()
        return out

    # -- cases --------------------------------------------------------------------------------------

    def read_case(self, el: Any) -> CaseEntry:
        g = self.guid(el)
        self.check_children(
            el, {"Description", "CodeRef", "VariableValue", "SourceRef", "SelectionRef"}
        )
        self.skipped["case code references"] += len(children(el, "CodeRef"))
        self.skipped["case selection references"] += len(children(el, "SelectionRef"))
        return CaseEntry(
            guid=g,
            name=((el.get("name") or "").strip() or f"case {g[:8]}")[:200],
            description=(child_text(el, "Description") or "").strip(),
            values=self.variable_values(el),
            sources=[
                t for t in (norm_guid(r.get("targetGUID")) for r in children(el, "SourceRef")) if t
            ],
        )

    # -- sources -----------------------------------------------------------------------------------

    def read_sources(self, el: Any, project: ProjectContent) -> None:
        for src in children(el):
            kind = local(src)
            if kind == "TextSource":
                source = self.read_text_source(src)
                if source is not None:
                    project.sources.append(source)
            elif kind in NON_TEXT_SOURCES:
                self.warn(
                    f"skipped {NON_TEXT_SOURCES[kind]} source {src.get('name') or self.guid(src)!r} "
                    "(only text sources are imported)"
                )
            else:
                self.warn(
                    f"skipped unknown element <{kind}> in <Sources> "
                    f"({self.member} line {src.sourceline})"
                )

    def source_text(self, el: Any, name: str) -> str | None:
        """The raw text of a TextSource or Note: inline, or from the archive; None to skip it."""
        inline = children(el, "PlainTextContent")
        if inline:
            return "".join(inline[0].itertext())
        ref = (el.get("plainTextPath") or "").strip()
        if not ref:
            raise self.fail(
                f"<{local(el)}> {name!r} has neither PlainTextContent nor plainTextPath", el
            )
        if ref.lower().startswith("internal://"):
            rel = ref[len("internal://") :]
        elif "://" in ref or ref.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", ref):
            self.warn(f"skipped {local(el)} {name!r}: its text {ref!r} is outside the archive")
            return None
        else:
            rel = ref
        rel = rel.replace("\\", "/").lstrip("/")
        if any(part == ".." for part in rel.split("/")):
            self.warn(f"skipped {local(el)} {name!r}: unsafe path {ref!r}")
            return None
        key = rel.lower() if rel.lower().startswith("sources/") else f"sources/{rel.lower()}"
        info = self.members.get(key)
        if info is None:
            if not self.has_source_files:
                self.warn(
                    f"skipped {local(el)} {name!r}: the archive was exported without its source files"
                )
                return None
            raise self.fail(f"{key} (text of {local(el)} {name!r}) is missing from the archive", el)
        assert self.zf is not None
        data = self.read_member(self.zf, info, MAX_SOURCE_BYTES)
        return self.decode(data, info.filename)

    def decode(self, data: bytes, member: str) -> str:
        try:
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                return data.decode("utf-16")
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{member} is not UTF-8 text (byte {exc.start}: {exc.reason})", path=self.path
            ) from exc

    def read_text_source(self, el: Any) -> TextSource | None:
        g = self.guid(el)
        self.check_children(
            el,
            {
                "Description",
                "PlainTextContent",
                "PlainTextSelection",
                "Coding",
                "NoteRef",
                "VariableValue",
            },
        )
        ref = (el.get("plainTextPath") or "").strip()
        name = (
            (el.get("name") or "").strip()
            or (ref.rsplit("/", 1)[-1] if ref else "")
            or f"source {g[:8]}"
        )
        raw = self.source_text(el, name)
        if raw is None:
            return None
        units = self.choose_units(el, raw, name)
        tmap = TextMap.build(raw, units)
        author = self.user_name(el.get("creatingUser"), self.default_user)
        description = (child_text(el, "Description") or "").strip()
        source = TextSource(
            guid=g,
            name=name[:500],
            title=name[:500],
            text=tmap.text,
            line=el.sourceline,
            notes=self.note_refs(el),
            author=author,
            units=units,
        )
        if description and "\n" not in description and len(description) <= 300:
            source.title = description
        elif description:
            source.description_memo = description
        for sel in children(el, "PlainTextSelection"):
            s = self.read_selection(sel, tmap, name, author)
            if s is not None:
                source.selections.append(s)
        whole = [self.read_coding(c, author) for c in children(el, "Coding")]
        if whole and tmap.raw_length > 0:
            source.selections.append(
                Selection(f"whole:{g}", 0, len(tmap.text), whole, [], None, author)
            )
        values = self.variable_values(el)
        for var, value in values.items():
            low = var.lower()
            if low == "interview date":
                try:
                    source.interview_date = date.fromisoformat(value[:10])
                except ValueError:
                    self.warn(f"source {name!r}: unreadable interview date {value!r}")
            elif low == "coder layout":
                try:
                    source.layout = json.loads(value)
                except ValueError:
                    self.warn(f"source {name!r}: unreadable coder layout; segments rebuilt")
            elif low == "speakers":
                for part in value.split(";"):
                    label, sep, role = part.rpartition("=")
                    if sep and label.strip() and role.strip() in RoleGroup._value2member_map_:
                        source.speakers[label.strip()] = role.strip()
            else:
                self.warn(f"source {name!r}: variable {var!r} is not kept")
        return source

    def choose_units(self, el: Any, raw: str, name: str) -> str:
        """How this source's positions count: the writer's convention (see positions_fit)."""
        body = raw[1:] if raw.startswith("\ufeff") else raw
        if not utf16_offsets(body):
            return CODEPOINT  # no character outside the BMP: both conventions agree
        if self.origin_units is not None:
            return self.origin_units
        pairs = []
        for sel in children(el, "PlainTextSelection"):
            try:
                pairs.append((int(sel.get("startPosition")), int(sel.get("endPosition"))))
            except (TypeError, ValueError):
                continue
        if not pairs:
            return CODEPOINT
        fit_cp = positions_fit(body, pairs, CODEPOINT)
        fit_u16 = positions_fit(body, pairs, UTF16)
        units = UTF16 if fit_u16 > fit_cp else CODEPOINT
        if max(fit_cp, fit_u16) * 2 < len(pairs):
            self.warn(
                f"source {name!r}: selection positions fit neither convention "
                f"({fit_cp} of {len(pairs)} on word boundaries as code points, {fit_u16} as "
                f"UTF-16 units); read as {'UTF-16 units' if units == UTF16 else 'code points'}"
            )
        return units

    def position(self, el: Any, attr: str) -> int:
        value = el.get(attr)
        try:
            return int((value or "").strip())
        except ValueError:
            raise self.fail(f"<{local(el)}> has no integer {attr} ({value!r})", el) from None

    def read_selection(self, el: Any, tmap: TextMap, name: str, author: str) -> Selection | None:
        g = self.guid(el)
        self.check_children(el, {"Description", "Coding", "NoteRef"})
        start, end = self.position(el, "startPosition"), self.position(el, "endPosition")
        if not (0 <= start <= end <= tmap.unit_length):
            raise self.fail(
                f"selection {g} at {start}-{end} lies outside the text of {name!r} "
                f"(0-{tmap.unit_length})",
                el,
            )
        if start == end:
            self.warn(
                f"skipped an empty selection in {name!r} ({self.member} line {el.sourceline})"
            )
            return None
        sel_author = self.user_name(el.get("creatingUser"), author)
        codings = [self.read_coding(c, sel_author) for c in children(el, "Coding")]
        return Selection(
            guid=g,
            start=tmap.start(start),
            end=tmap.end(end),
            codings=[c for c in codings if c.code_guid],
            notes=self.note_refs(el),
            description=(child_text(el, "Description") or "").strip() or None,
            author=sel_author,
        )

    def read_coding(self, el: Any, default_user: str) -> SourceCoding:
        g = self.guid(el)
        self.check_children(el, {"CodeRef", "NoteRef"})
        refs = children(el, "CodeRef")
        target = norm_guid(refs[0].get("targetGUID")) if refs else None
        if target is None:
            raise self.fail("<Coding> without a valid CodeRef", el)
        return SourceCoding(
            guid=g,
            code_guid=target,
            coder=self.user_name(el.get("creatingUser"), default_user),
            created=parse_xml_datetime(el.get("creationDateTime")),
            notes=self.note_refs(el),
        )

    # -- notes --------------------------------------------------------------------------------------

    def read_note(self, el: Any) -> NoteEntry | None:
        g = self.guid(el)
        name = (el.get("name") or "").strip()
        has_text = bool(children(el, "PlainTextContent") or el.get("plainTextPath"))
        raw = self.source_text(el, name or g) if has_text else None
        content = TextMap.build(raw or "").text.strip()
        description = (child_text(el, "Description") or "").strip()
        parts = []
        if name and not " ".join(content.split()).startswith(" ".join(name.rstrip("…").split())):
            parts.append(name)
        if description:
            parts.append(description)
        if content:
            parts.append(content)
        text = "\n\n".join(parts)
        if not text:
            self.warn(f"skipped an empty note ({self.member} line {el.sourceline})")
            return None
        return NoteEntry(
            guid=g,
            author=self.user_name(el.get("creatingUser"), self.default_user),
            text=text,
            created=parse_xml_datetime(el.get("creationDateTime")),
            modified=parse_xml_datetime(el.get("modifiedDateTime")),
        )


# Where a project's `origin` names the program, its convention (evidence in docs/refi-qda.md).
_ORIGIN_UNITS = (
    (re.compile(r"positions=utf16"), UTF16),  # coder export --positions utf16
    (re.compile(r"\bnvivo\b"), UTF16),
    (re.compile(r"\bqualcoder\b"), CODEPOINT),
    (re.compile(r"^(?:coder|qc) \d"), CODEPOINT),
)


def units_of_origin(origin: str | None) -> str | None:
    """The position convention a project's origin implies, or None when it does not say."""
    low = (origin or "").strip().lower()
    for pattern, units in _ORIGIN_UNITS:
        if pattern.search(low):
            return units
    return None


def _is_boundary(text: str, i: int) -> bool:
    """A selection edge that splits no word, character or combining sequence."""
    if i <= 0 or i >= len(text):
        return True
    a, b = text[i - 1], text[i]
    if "\udc00" <= b <= "\udfff" or unicodedata.combining(b):
        return False
    return not (a.isalnum() and b.isalnum())


def positions_fit(text: str, pairs: list[tuple[int, int]], units: str) -> int:
    """How many (start, end) pairs fall on word boundaries when read in `units`."""
    if units == UTF16:
        # index by UTF-16 unit: each non-BMP character becomes its surrogate pair
        text = "".join(
            ch
            if ord(ch) <= 0xFFFF
            else chr(0xD800 + ((ord(ch) - 0x10000) >> 10))
            + chr(0xDC00 + ((ord(ch) - 0x10000) & 0x3FF))
            for ch in text
        )
    n = len(text)
    return sum(
        1 for s, e in pairs if 0 <= s < e <= n and _is_boundary(text, s) and _is_boundary(text, e)
    )


def read_project(path: Path | str) -> ProjectContent:
    """Read and check a .qdpx archive (no database involved); raises InputError if it is broken."""
    return ProjectReader(Path(path)).read()
