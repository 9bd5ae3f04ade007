"""REFI-QDA project import (.qdpx): codes, text sources, codings, cases and notes, all or nothing.

Design (see also refi_common and refi_codebook):

* The archive is read and checked completely before anything is written; the database changes in
  one transaction. A broken archive (not a zip, no project.qde, XML syntax error, a referenced
  text missing from an archive that carries source files, positions outside the text) is refused
  with one InputError line naming the file and the place.
* Text comes from sources/ in the archive (plainTextPath "internal://x.txt" or a bare relative
  path) or from inline PlainTextContent. An archive exported without any source files (as some
  tools allow) still imports its codebook, cases and notes; its text sources are skipped with a
  warning. Paths outside the archive (absolute, relative:// ) are never read.
* Each text source becomes a transcript whose segments tile the text: one segment per paragraph
  block (or per line when the text has no blank lines) including the blank lines after it. A
  selection is split at segment boundaries into one coding per segment it touches, with a span
  unless it covers the whole segment; because segments tile the text, the pieces together are
  exactly the selected characters. A speaker label that starts blocks ("Ordfører: ...") makes a
  participant (roles from our own "speakers" variable, else inferred, else "other").
* Codings are stored as origin "imported", status "accepted", coder = the creating User's name.
* Non-text sources (PDF, pictures, audio, video), sets, links, graphs and unknown elements are
  skipped with a warning (reported in ImportOutcome.inferred_roles, the outcome's note list).
* Notes become memos on the coding, segment, transcript or code that references them (first
  reference wins), otherwise project memos; a note's name and description lead its text.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coder.domain import CodingOrigin, CodingStatus, ImportOutcome, Relation, RoleGroup
from coder.errors import InputError
from coder.export.refi_codebook import (
    MAX_XML_BYTES,
    PlannedCode,
    RefiCode,
    child_text,
    children,
    local,
    parse_xml,
    plan_codes,
    planned_to_codebook,
    read_code_tree,
)
from coder.export.refi_common import (
    TextMap,
    norm_guid,
    parse_xml_datetime,
    relation_marker_guid,
    split_selection,
    tile_segments,
)
from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft
from coder.ingest.roles import infer_role
from coder.store.codes import CodeRepo
from coder.store.convert import case_info, span_key
from coder.store.db import Store
from coder.store.models import Code, Coding, Memo, Segment
from coder.store.transcripts import CaseFacts, TranscriptRepo

MAX_ARCHIVE_BYTES = 2 * 1024**3
MAX_SOURCE_BYTES = 64 * 1024 * 1024
MAX_WARNINGS = 25
PG_INT_MAX = 2**31 - 1
FOREIGN_COLOR = "#b07aa1"  # the colour new themes get elsewhere in coder

NON_TEXT_SOURCES = {
    "PictureSource": "picture",
    "PDFSource": "PDF",
    "AudioSource": "audio",
    "VideoSource": "video",
}
UNSUPPORTED = {"Links": "links", "Sets": "sets", "Graphs": "graphs"}
CASE_FIELDS = {
    "county": "county",
    "fylke": "county",
    "population": "population",
    "innbyggere": "population",
    "innbyggertall": "population",
    "organisation model": "organisation_model",
    "organization model": "organisation_model",
    "organisasjonsmodell": "organisation_model",
    "reform year": "reform_year",
    "reformår": "reform_year",
}
_LABEL = re.compile(r"^([^\W\d_][^\n:]{0,59}?)[ \t]*:[ \t]")


# -- what the archive holds --------------------------------------------------------------------------


@dataclass
class _Coding:
    guid: str
    code_guid: str
    coder: str
    created: datetime | None
    notes: list[str] = field(default_factory=list)
    relation: Relation | None = None


@dataclass
class _Selection:
    guid: str
    start: int  # our offsets (already mapped)
    end: int
    codings: list[_Coding]
    notes: list[str]
    description: str | None
    author: str


@dataclass
class _Source:
    guid: str
    name: str
    title: str
    text: str
    line: int | None
    selections: list[_Selection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interview_date: date | None = None
    speakers: dict[str, str] = field(default_factory=dict)  # label -> role group value
    description_memo: str | None = None
    author: str = "imported"

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256(b"refi-qda\0" + self.guid.encode() + b"\0")
        digest.update(self.text.encode("utf-8"))
        return digest.hexdigest()


@dataclass
class _Case:
    guid: str
    name: str
    description: str
    values: dict[str, str]
    sources: list[str]


@dataclass
class _Note:
    guid: str
    author: str
    text: str
    created: datetime | None
    modified: datetime | None


@dataclass
class _Project:
    name: str
    codes: list[RefiCode] = field(default_factory=list)
    sources: list[_Source] = field(default_factory=list)
    cases: list[_Case] = field(default_factory=list)
    notes: dict[str, _Note] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Reader:
    """Reads and checks a .qdpx archive into a _Project; raises InputError, writes nothing."""

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

    def read(self) -> _Project:
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
            project = _Project(name=(root.get("name") or self.path.stem).strip() or self.path.stem)
            self.zf, self.members = zf, members
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
                project.notes["project-description"] = _Note(
                    "project-description", self.default_user, description, None, None
                )
            for el in root:
                if local(el) in UNSUPPORTED:
                    self.skipped[UNSUPPORTED[local(el)]] += len(children(el))
        for what, n in sorted(self.skipped.items()):
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

    def read_case(self, el: Any) -> _Case:
        g = self.guid(el)
        self.check_children(
            el, {"Description", "CodeRef", "VariableValue", "SourceRef", "SelectionRef"}
        )
        self.skipped["case code references"] += len(children(el, "CodeRef"))
        self.skipped["case selection references"] += len(children(el, "SelectionRef"))
        return _Case(
            guid=g,
            name=((el.get("name") or "").strip() or f"case {g[:8]}")[:200],
            description=(child_text(el, "Description") or "").strip(),
            values=self.variable_values(el),
            sources=[
                t for t in (norm_guid(r.get("targetGUID")) for r in children(el, "SourceRef")) if t
            ],
        )

    # -- sources -----------------------------------------------------------------------------------

    def read_sources(self, el: Any, project: _Project) -> None:
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

    def read_text_source(self, el: Any) -> _Source | None:
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
        tmap = TextMap.build(raw)
        author = self.user_name(el.get("creatingUser"), self.default_user)
        description = (child_text(el, "Description") or "").strip()
        source = _Source(
            guid=g,
            name=name[:500],
            title=name[:500],
            text=tmap.text,
            line=el.sourceline,
            notes=self.note_refs(el),
            author=author,
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
                _Selection(f"whole:{g}", 0, len(tmap.text), whole, [], None, author)
            )
        values = self.variable_values(el)
        for var, value in values.items():
            low = var.lower()
            if low == "interview date":
                try:
                    source.interview_date = date.fromisoformat(value[:10])
                except ValueError:
                    self.warn(f"source {name!r}: unreadable interview date {value!r}")
            elif low == "speakers":
                for part in value.split(";"):
                    label, sep, role = part.rpartition("=")
                    if sep and label.strip() and role.strip() in RoleGroup._value2member_map_:
                        source.speakers[label.strip()] = role.strip()
            else:
                self.warn(f"source {name!r}: variable {var!r} is not kept")
        return source

    def position(self, el: Any, attr: str) -> int:
        value = el.get(attr)
        try:
            return int((value or "").strip())
        except ValueError:
            raise self.fail(f"<{local(el)}> has no integer {attr} ({value!r})", el) from None

    def read_selection(self, el: Any, tmap: TextMap, name: str, author: str) -> _Selection | None:
        g = self.guid(el)
        self.check_children(el, {"Description", "Coding", "NoteRef"})
        start, end = self.position(el, "startPosition"), self.position(el, "endPosition")
        if not (0 <= start <= end <= tmap.raw_length):
            raise self.fail(
                f"selection {g} at {start}-{end} lies outside the text of {name!r} "
                f"(0-{tmap.raw_length})",
                el,
            )
        if start == end:
            self.warn(
                f"skipped an empty selection in {name!r} ({self.member} line {el.sourceline})"
            )
            return None
        sel_author = self.user_name(el.get("creatingUser"), author)
        codings = [self.read_coding(c, sel_author) for c in children(el, "Coding")]
        _mark_relations(codings)
        return _Selection(
            guid=g,
            start=tmap.start(start),
            end=tmap.end(end),
            codings=[c for c in codings if c.code_guid],
            notes=self.note_refs(el),
            description=(child_text(el, "Description") or "").strip() or None,
            author=sel_author,
        )

    def read_coding(self, el: Any, default_user: str) -> _Coding:
        g = self.guid(el)
        self.check_children(el, {"CodeRef", "NoteRef"})
        refs = children(el, "CodeRef")
        target = norm_guid(refs[0].get("targetGUID")) if refs else None
        if target is None:
            raise self.fail("<Coding> without a valid CodeRef", el)
        return _Coding(
            guid=g,
            code_guid=target,
            coder=self.user_name(el.get("creatingUser"), default_user),
            created=parse_xml_datetime(el.get("creationDateTime")),
            notes=self.note_refs(el),
        )

    # -- notes --------------------------------------------------------------------------------------

    def read_note(self, el: Any) -> _Note | None:
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
        return _Note(
            guid=g,
            author=self.user_name(el.get("creatingUser"), self.default_user),
            text=text,
            created=parse_xml_datetime(el.get("creationDateTime")),
            modified=parse_xml_datetime(el.get("modifiedDateTime")),
        )


def _mark_relations(codings: list[_Coding]) -> None:
    """Fold our relation markers (see refi_export) into the coding they belong to."""
    markers: dict[str, tuple[_Coding, Relation]] = {}
    for c in codings:
        for rel in Relation:
            markers[relation_marker_guid(c.guid, rel.value)] = (c, rel)
    for c in codings:
        hit = markers.get(c.guid)
        if hit is not None and hit[0] is not c:
            hit[0].relation = hit[1]
            c.code_guid = ""  # dropped by the caller


# -- speakers -------------------------------------------------------------------------------------


def _infer_group(label: str) -> RoleGroup:
    """The role group a speaker label implies (the same mapping ingest uses), else OTHER."""
    return infer_role(label)[0]


def _speaker_labels(
    text: str, segments: list[tuple[int, int]], declared: dict[str, str]
) -> list[str | None]:
    """The speaker label opening each segment, if any (declared ones, else when a speaker recurs)."""
    found: list[str | None] = []
    for start, end in segments:
        m = _LABEL.match(text[start:end].lstrip())
        label = " ".join(m.group(1).split()) if m else None
        if label is not None and (len(label.split()) > 4 or len(label) > 40):
            label = None
        found.append(label)
    if declared:
        return [lbl if lbl in declared else None for lbl in found]
    # Without a declaration, trust labels only in a text laid out as turns: some speaker recurs.
    counts = Counter(lbl for lbl in found if lbl)
    if not any(n >= 2 for n in counts.values()):
        return [None] * len(found)
    return found


def _turns(
    segments: list[tuple[int, int]], labels: list[str | None]
) -> tuple[list[tuple[int, int]], list[str | None]]:
    """Join unlabelled paragraphs onto the labelled turn before them (a turn runs to the next
    label), so segments are speaker turns; paragraphs before the first label stay as they are."""
    out: list[tuple[int, int]] = []
    out_labels: list[str | None] = []
    for (start, end), label in zip(segments, labels, strict=True):
        if label is None and out_labels and out_labels[-1] is not None:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
            out_labels.append(label)
    return out, out_labels


def _draft(path: Path, source: _Source) -> TranscriptDraft:
    tiles = tile_segments(source.text)
    segments, labels = _turns(tiles, _speaker_labels(source.text, tiles, source.speakers))
    participants: list[ParticipantDraft] = []
    seen: set[str] = set()
    for label in labels:
        if label and label not in seen:
            seen.add(label)
            declared = source.speakers.get(label)
            group = RoleGroup(declared) if declared else _infer_group(label)
            participants.append(
                ParticipantDraft(
                    label=label[:200],
                    display_name=label[:200],
                    role_group=group,
                    role_inferred=not declared,
                )
            )
    return TranscriptDraft(
        source_path=f"{path}:{source.name}",
        source_name=source.name,
        format="qdpx",
        sha256=source.sha256,
        text=source.text,
        title=source.title,
        interview_date=source.interview_date,
        participants=participants,
        segments=[
            SegmentDraft(ordinal=i, start=s, end=e, speaker=labels[i][:200] if labels[i] else None)
            for i, (s, e) in enumerate(segments)
        ],
    )


# -- writing ----------------------------------------------------------------------------------------


@dataclass
class _Tally:
    sources: int = 0
    unchanged_sources: int = 0
    codes_added: int = 0
    codes_updated: int = 0
    codings: int = 0
    folded: int = 0
    cases: int = 0
    cases_changed: int = 0
    memos: int = 0
    segments: int = 0
    participants: int = 0
    words: int = 0


def _case_facts(case: _Case, warnings: list[str]) -> CaseFacts:
    facts: dict[str, Any] = {}
    extra: list[str] = []
    for var, value in case.values.items():
        target = CASE_FIELDS.get(var.lower())
        if target in ("population", "reform_year"):
            try:
                number = int(float(value.replace(" ", "").replace("\u00a0", "")))
            except ValueError:
                number = None
            if number is not None and 0 <= number <= PG_INT_MAX:
                facts[target] = number
                continue
            extra.append(f"{var}: {value}")
        elif target is not None and value:
            facts[target] = value[:100] if target == "organisation_model" else value[:200]
        elif value:
            extra.append(f"{var}: {value}")
    notes = "\n".join(p for p in [case.description, *extra] if p) or None
    return CaseFacts(name=case.name, notes=notes, **facts)


def _plan(project: _Project, existing: dict[str, str]) -> list[PlannedCode]:
    return plan_codes(project.codes, existing)


def _write(store: Store, path: Path, project: _Project) -> _Tally:
    tally = _Tally()
    warnings = project.warnings
    with store.session() as s:
        codes = CodeRepo(s)
        trepo = TranscriptRepo(s)
        if not codes.setting("project.title"):
            codes.set_setting("project.title", project.name)
        current = {c.id: c for c in codes.list()}
        existing = {cid: c.label for cid, c in current.items()}
        planned = _plan(project, existing)
        full = {
            d.id: d for d in planned_to_codebook(planned, name=project.name, source=str(path)).codes
        }
        code_ids: dict[str, str] = {}
        ordinal = max((c.ordinal for c in current.values()), default=0)
        for p in planned:
            if p.guid:
                code_ids[p.guid] = p.id
            if p.id in current:
                info = current[p.id]
                changes = {
                    k: v
                    for k, v in (
                        ("label", p.label),
                        ("description", p.description),
                        ("color", p.color),
                    )
                    if v and v != getattr(info, k)
                }
                if changes:
                    codes.edit(p.id, **changes)
                    tally.codes_updated += 1
                continue
            d = full[p.id]
            ordinal += 1
            s.add(
                Code(
                    id=p.id,
                    parent_id=p.parent_id if p.parent_id in existing else None,
                    kind=d.kind.value,
                    label=p.label,
                    text=d.text,
                    description=p.description,
                    color=p.color or (d.color if not p.foreign else FOREIGN_COLOR),
                    relation=d.relation.value if d.relation else None,
                    lexicon={"lemmas": list(d.lexicon.lemmas), "phrases": list(d.lexicon.phrases)},
                    ordinal=ordinal,
                )
            )
            existing[p.id] = p.label
            tally.codes_added += 1
        s.flush()

        case_of: dict[str, int] = {}
        for case in project.cases:
            before = trepo.case_row(case.name)
            old = None if before is None else case_info(before)
            info = trepo.upsert_case(_case_facts(case, warnings))
            tally.cases += 1
            if old != info:
                tally.cases_changed += 1
            for g in case.sources:
                if g in case_of and case_of[g] != info.id:
                    warnings.append(f"source {g} belongs to several cases; kept the first")
                    continue
                case_of[g] = info.id

        coding_rows: dict[str, Coding] = {}
        seg_targets: dict[
            str, tuple[int, int]
        ] = {}  # selection guid -> (transcript id, segment id)
        source_ids: dict[str, int] = {}
        for source in project.sources:
            same = trepo.by_sha(source.sha256)
            if same is not None:
                tally.unchanged_sources += 1
                warnings.append(
                    f"source {source.name!r} was imported before (transcript {same.id})"
                )
                continue
            draft = _draft(path, source)
            row = trepo.add_draft(draft, case_of.get(source.guid))
            source_ids[source.guid] = row.id
            tally.sources += 1
            tally.segments += len(draft.segments)
            tally.participants += len(draft.participants)
            tally.words += draft.word_count
            seg_rows = s.scalars(
                select(Segment).where(Segment.transcript_id == row.id).order_by(Segment.ordinal)
            ).all()
            bounds = [(r.start_offset, r.end_offset) for r in seg_rows]
            keys: set[tuple[int, str, str, str]] = set()
            for sel in source.selections:
                pieces = split_selection(bounds, sel.start, sel.end)
                if not pieces:
                    continue
                seg_targets[sel.guid] = (row.id, seg_rows[pieces[0][0]].id)
                for c in sel.codings:
                    code_id = code_ids.get(c.code_guid)
                    if code_id is None:
                        warnings.append(f"skipped a coding of an unknown code {c.code_guid}")
                        continue
                    for k, lo, hi in pieces:
                        seg = seg_rows[k]
                        whole = lo == seg.start_offset and hi == seg.end_offset
                        skey = "" if whole else span_key(lo, hi)
                        key = (seg.id, code_id, c.coder, skey)
                        if key in keys:
                            tally.folded += 1
                            continue
                        keys.add(key)
                        crow = Coding(
                            segment_id=seg.id,
                            code_id=code_id,
                            coder=c.coder,
                            origin=CodingOrigin.IMPORTED.value,
                            status=CodingStatus.ACCEPTED.value,
                            relation=c.relation.value if c.relation else None,
                            span_start=None if whole else lo,
                            span_end=None if whole else hi,
                            span_key=skey,
                            evidence=[],
                        )
                        if c.created is not None:
                            crow.created_at = c.created
                            crow.updated_at = c.created
                        s.add(crow)
                        coding_rows.setdefault(c.guid, crow)
                        tally.codings += 1
        s.flush()
        tally.memos = _write_memos(s, project, source_ids, seg_targets, coding_rows, code_ids)
    return tally


def _write_memos(
    s: Any,
    project: _Project,
    source_ids: dict[str, int],
    seg_targets: dict[str, tuple[int, int]],
    coding_rows: dict[str, Coding],
    code_ids: dict[str, str],
) -> int:
    """Memos from notes (attached where first referenced) and from descriptions of selections."""
    targets: dict[str, dict[str, Any]] = {}

    def claim(note: str, **where: Any) -> None:
        targets.setdefault(note, where)

    for source in project.sources:
        for sel in source.selections:
            for c in sel.codings:
                row = coding_rows.get(c.guid)
                for note in c.notes:
                    if row is not None:
                        claim(
                            note,
                            coding_id=row.id,
                            segment_id=row.segment_id,
                            transcript_id=source_ids.get(source.guid),
                        )
                    else:
                        claim(note, skip=True)
            target = seg_targets.get(sel.guid)
            for note in sel.notes:
                if target is not None:
                    claim(note, transcript_id=target[0], segment_id=target[1])
                else:
                    claim(note, skip=True)
        for note in source.notes:
            claim(
                note, transcript_id=source_ids.get(source.guid), skip=source.guid not in source_ids
            )
    for code in project.codes:
        for note in code.note_refs:
            claim(note, code_id=code_ids.get(code.guid))
    written = 0
    for guid, note in project.notes.items():
        where = dict(targets.get(guid, {}))
        if where.pop("skip", False):
            continue
        if _memo_exists(s, note.author, note.text, where):
            continue
        row = Memo(
            author=note.author, text=note.text, **{k: v for k, v in where.items() if v is not None}
        )
        if note.created is not None:
            row.created_at = note.created
        if note.modified is not None or note.created is not None:
            row.updated_at = note.modified or note.created
        s.add(row)
        written += 1
    for source in project.sources:
        tid = source_ids.get(source.guid)
        if tid is None:
            continue
        if source.description_memo:
            s.add(Memo(author=source.author, text=source.description_memo, transcript_id=tid))
            written += 1
        for sel in source.selections:
            target = seg_targets.get(sel.guid)
            if sel.description and target is not None:
                first = next(
                    (coding_rows[c.guid] for c in sel.codings if c.guid in coding_rows), None
                )
                s.add(
                    Memo(
                        author=sel.author,
                        text=sel.description,
                        transcript_id=target[0],
                        segment_id=target[1],
                        coding_id=first.id if first is not None else None,
                    )
                )
                written += 1
    s.flush()
    return written


def _memo_exists(s: Any, author: str, text: str, where: dict[str, Any]) -> bool:
    q = select(Memo.id).where(Memo.author == author, Memo.text == text)
    for col in ("transcript_id", "segment_id", "code_id", "coding_id"):
        value = where.get(col)
        q = q.where(getattr(Memo, col).is_(None) if value is None else getattr(Memo, col) == value)
    return s.scalar(q.limit(1)) is not None


# -- entry point ------------------------------------------------------------------------------------


def read_project(path: Path | str) -> _Project:
    """Read and check a .qdpx archive (no database involved); raises InputError if it is broken."""
    return _Reader(Path(path)).read()


def _notes_for(warnings: list[str]) -> list[str]:
    if len(warnings) <= MAX_WARNINGS:
        return list(warnings)
    return warnings[:MAX_WARNINGS] + [f"... and {len(warnings) - MAX_WARNINGS} more warnings"]


def import_qdpx(store: Store, path: Path | str, *, dry_run: bool = False) -> ImportOutcome:
    """Import a REFI-QDA project into the store in one transaction (see the module docstring)."""
    p = Path(path)
    project = read_project(p)
    selections = sum(len(src.selections) for src in project.sources)
    if dry_run:
        with store.session() as s:
            existing = {c.id: c.label for c in CodeRepo(s).list()}
            new_codes = sum(1 for c in _plan(project, existing) if c.id not in existing)
            s.rollback()
        drafts = [_draft(p, src) for src in project.sources]
        return ImportOutcome(
            str(p),
            "would-import",
            f"{len(project.sources)} text sources, {len(project.codes)} codes ({new_codes} new), "
            f"{selections} selections, {len(project.cases)} cases, {len(project.notes)} notes",
            segments=sum(len(d.segments) for d in drafts),
            participants=sum(len(d.participants) for d in drafts),
            words=sum(d.word_count for d in drafts),
            inferred_roles=_notes_for(project.warnings),
        )
    tally = _write(store, p, project)
    changed = (
        tally.sources or tally.codes_added or tally.codes_updated or tally.memos or tally.codings
    )
    status = "imported" if changed or not project.sources else "unchanged"
    message = (
        f"{tally.sources} text sources"
        + (f" ({tally.unchanged_sources} already imported)" if tally.unchanged_sources else "")
        + f", {tally.codes_added} codes added, {tally.codes_updated} updated, "
        f"{tally.codings} codings, {tally.cases} cases, {tally.memos} memos"
    )
    if tally.folded:
        message += f"; {tally.folded} duplicate coding pieces folded"
    return ImportOutcome(
        str(p),
        status,
        message,
        segments=tally.segments,
        participants=tally.participants,
        words=tally.words,
        inferred_roles=_notes_for(project.warnings),
    )
