"""REFI-QDA project export (.qdpx): the project as QDA-XML plus its transcripts as UTF-8 text.

What goes where:
* Users: every coder and memo author (GUID from the name).
* CodeBook: the whole codebook, nested by parent, names "<id> <label>".
* Variables and Cases: the municipalities with county, population, organisation model and
  reform year; each case lists its transcripts (SourceRef). Transcripts carry their interview
  date and speakers (label = role group) as variable values too.
* Sources: one TextSource per current transcript, text in sources/<guid>.txt; one
  PlainTextSelection per coded range (a span, or the whole segment) and relation, holding a
  Coding per accepted (code, coder). The relation of the codings in a selection travels as ONE
  extra Coding of the REL.* code (QualCoder refuses a code twice in a selection); a coding of a
  REL.* code made by hand gets a selection of its own, so the importer's rule "a REL.* coding
  next to other codings is their relation" is exact. Positions count code points, or UTF-16
  units with positions="utf16" (then the origin says "positions=utf16").
* The variable "coder layout" on each source holds our segments and participants as JSON, so an
  import of our own export rebuilds exactly the same segments.
* Notes: every memo, referenced from its coding, selection (segment memos), source or code.

GUIDs are uuid5 from the project's namespace and natural keys, dates come from the data, and the
zip entries carry fixed timestamps: exporting an unchanged project twice gives identical bytes.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from coder.codebook.model import Codebook, CodeDef
from coder.domain import (
    CaseInfo,
    CodeInfo,
    CodingInfo,
    CodingStatus,
    MemoInfo,
    ParticipantInfo,
    SegmentInfo,
    TranscriptInfo,
)
from coder.export.files import write_with
from coder.export.refi_codebook import add_code_elements
from coder.export.refi_common import (
    CODEPOINT,
    ORIGIN,
    POSITION_UNITS,
    PROJECT_NAMESPACE_SETTING,
    PROJECT_NS,
    UTF16,
    code_guid,
    object_guid,
    relation_marker_guid,
    to_utf16,
    xml_datetime,
    xml_document,
    xml_safe,
)
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo

# Variable names (and types) used for case facts and transcript metadata; the importer reads them.
CASE_VARIABLES: dict[str, tuple[str, str]] = {
    "county": ("county", "Text"),
    "population": ("population", "Integer"),
    "organisation_model": ("organisation model", "Text"),
    "reform_year": ("reform year", "Integer"),
}
INTERVIEW_DATE = ("interview date", "Date")
SPEAKERS = ("speakers", "Text")
LAYOUT = ("coder layout", "Text")
VALUE_ELEMENT = {
    "Text": "TextValue",
    "Integer": "IntegerValue",
    "Date": "DateValue",
}


@dataclass(frozen=True, slots=True)
class RefiExportSummary:
    path: str
    sources: int
    codes: int
    selections: int
    codings: int
    coding_elements: int  # codings plus the REL.* codings that carry relations
    cases: int
    notes: int
    users: int


@dataclass
class _Snapshot:
    """Everything the export needs, read in one transaction."""

    namespace: uuid.UUID
    title: str
    codes: list[CodeInfo]
    cases: list[CaseInfo]
    transcripts: list[TranscriptInfo]
    texts: dict[int, str] = field(default_factory=dict)
    segments: dict[int, list[SegmentInfo]] = field(default_factory=dict)
    participants: dict[int, list[ParticipantInfo]] = field(default_factory=dict)
    codings: dict[int, list[CodingInfo]] = field(default_factory=dict)
    memos: list[MemoInfo] = field(default_factory=list)


def project_namespace(store: Store) -> uuid.UUID:
    """The project's GUID namespace, created once and kept in the settings table."""
    with store.session() as s:
        repo = CodeRepo(s)
        value = repo.setting(PROJECT_NAMESPACE_SETTING)
        if value:
            try:
                return uuid.UUID(value)
            except ValueError:
                pass
        ns = uuid.uuid4()
        repo.set_setting(PROJECT_NAMESPACE_SETTING, str(ns))
        return ns


def _snapshot(store: Store) -> _Snapshot:
    namespace = project_namespace(store)
    with store.session() as s:
        codes_repo = CodeRepo(s)
        trepo = TranscriptRepo(s)
        crepo = CodingRepo(s)
        snap = _Snapshot(
            namespace=namespace,
            title=codes_repo.setting("project.title") or "coder project",
            codes=codes_repo.list(),
            cases=trepo.list_cases(),
            transcripts=trepo.list_transcripts(),
        )
        for t in snap.transcripts:
            snap.texts[t.id] = trepo.text(t.id)
            snap.segments[t.id] = trepo.segments(t.id)
            snap.participants[t.id] = trepo.participants(t.id)
            snap.codings[t.id] = crepo.for_transcript(t.id, statuses=[CodingStatus.ACCEPTED])
        snap.memos = crepo.memos()
    return snap


def _codebook(codes: list[CodeInfo]) -> Codebook:
    defs = tuple(
        CodeDef(
            id=c.id,
            parent=c.parent_id,
            kind=c.kind,
            label=c.label,
            text=c.text,
            description=c.description,
            color=c.color,
            relation=c.relation,
            ordinal=c.ordinal,
        )
        for c in codes
    )
    return Codebook(name="project", version="1", source="", language="nb", codes=defs)


def _snippet(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class _Builder:
    """Builds the project XML from a snapshot."""

    def __init__(self, snap: _Snapshot, exporter: str | None, positions: str = CODEPOINT) -> None:
        self.snap = snap
        self.positions = positions
        self.ns = snap.namespace
        self.exporter = exporter
        self.users: dict[str, str] = {}
        self.variables: dict[str, tuple[str, str]] = {}  # name -> (guid, type)
        self.counts: dict[str, int] = defaultdict(int)
        self.code_ids = {c.id for c in snap.codes}

    def q(self, name: str) -> str:
        return f"{{{PROJECT_NS}}}{name}"

    def user(self, name: str) -> str:
        if name not in self.users:
            self.users[name] = object_guid(self.ns, "user", name)
        return self.users[name]

    def variable(self, name: str, kind: str) -> str:
        if name not in self.variables:
            self.variables[name] = (object_guid(self.ns, "variable", name), kind)
        return self.variables[name][0]

    def value(self, parent: Any, name: str, kind: str, value: object) -> None:
        vv = etree.SubElement(parent, self.q("VariableValue"))
        etree.SubElement(vv, self.q("VariableRef")).set("targetGUID", self.variable(name, kind))
        etree.SubElement(vv, self.q(VALUE_ELEMENT[kind])).text = xml_safe(value)

    # -- memos ----------------------------------------------------------------------------------

    def place_memos(self) -> dict[str, Any]:
        """Decide where each memo's NoteRef goes: coding, selection, source, code or project."""
        coding_by_id = {c.id: (tid, c) for tid, cs in self.snap.codings.items() for c in cs}
        seg_by_id = {s.id: s for segs in self.snap.segments.values() for s in segs}
        tids = {t.id for t in self.snap.transcripts}
        places: dict[str, Any] = {
            "coding": defaultdict(list),
            "segment": defaultdict(list),
            "source": defaultdict(list),
            "code": defaultdict(list),
            "project": [],
        }
        for m in self.snap.memos:
            guid = object_guid(self.ns, "memo", m.id)
            if m.coding_id is not None and m.coding_id in coding_by_id:
                places["coding"][m.coding_id].append(guid)
            elif m.segment_id is not None and m.segment_id in seg_by_id:
                places["segment"][m.segment_id].append(guid)
            elif m.transcript_id is not None and m.transcript_id in tids:
                places["source"][m.transcript_id].append(guid)
            elif m.code_id is not None and m.code_id in self.code_ids:
                places["code"][m.code_id].append(guid)
            else:
                places["project"].append(guid)
        return places

    # -- sources --------------------------------------------------------------------------------

    def source(self, sources_el: Any, t: TranscriptInfo, places: dict[str, Any]) -> str:
        guid = object_guid(self.ns, "source", t.id, t.sha256)
        text = self.snap.texts[t.id]
        el = etree.SubElement(sources_el, self.q("TextSource"))
        el.set("guid", guid)
        el.set("name", xml_safe(t.source_name))
        el.set("plainTextPath", f"internal://{guid}.txt")
        created = xml_datetime(t.imported_at)
        if created:
            el.set("creationDateTime", created)
        if t.title and t.title != t.source_name:
            etree.SubElement(el, self.q("Description")).text = xml_safe(t.title)
        segs = {s.id: s for s in self.snap.segments[t.id]}
        ranges: dict[tuple[int, int, str], dict[str, list[Any]]] = defaultdict(
            lambda: {"codings": [], "notes": []}
        )
        for c in self.snap.codings[t.id]:
            seg = segs.get(c.segment_id)
            if seg is None:
                continue
            rng = (c.span_start, c.span_end) if c.span_start is not None else (seg.start, seg.end)
            if rng[0] is None or rng[1] is None or rng[0] >= rng[1]:
                continue
            if c.code_id.startswith("REL."):
                kind = "code:" + c.code_id  # a REL.* coding made by hand: a selection of its own
            else:
                kind = c.relation.value if c.relation else ""
            ranges[(int(rng[0]), int(rng[1]), kind)]["codings"].append(c)
        for seg_id, notes in places["segment"].items():
            seg = segs.get(seg_id)
            if seg is not None and seg.start < seg.end:
                ranges[(seg.start, seg.end, "")]["notes"].extend(notes)
        for (start, end, kind), group in sorted(ranges.items()):
            self.selection(el, t.id, text, start, end, kind, group, places)
        for note in places["source"].get(t.id, []):
            etree.SubElement(el, self.q("NoteRef")).set("targetGUID", note)
        if t.interview_date is not None:
            self.value(el, *INTERVIEW_DATE, t.interview_date.isoformat())
        speakers = self.snap.participants[t.id]
        if speakers:
            self.value(
                el,
                *SPEAKERS,
                "; ".join(f"{p.label} = {p.role_group.value}" for p in speakers),
            )
        layout = {
            "participants": [
                [p.label, p.display_name, p.role_group.value, p.role_title] for p in speakers
            ],
            "segments": [
                [g.start, g.end, g.speaker, g.start_ms, g.end_ms] for g in self.snap.segments[t.id]
            ],
        }
        self.value(el, *LAYOUT, json.dumps(layout, ensure_ascii=False, separators=(",", ":")))
        self.counts["sources"] += 1
        return guid

    def selection(
        self,
        source_el: Any,
        tid: int,
        text: str,
        start: int,
        end: int,
        kind: str,
        group: dict[str, list[Any]],
        places: dict[str, Any],
    ) -> None:
        codings: list[CodingInfo] = sorted(group["codings"], key=lambda c: (c.code_id, c.coder))
        sel = etree.SubElement(source_el, self.q("PlainTextSelection"))
        sel_guid = object_guid(self.ns, "selection", tid, start, end, *([kind] if kind else []))
        sel.set("guid", sel_guid)
        sel.set("name", xml_safe(_snippet(text[start:end])))
        if self.positions == UTF16:
            sel.set("startPosition", str(to_utf16(text, start)))
            sel.set("endPosition", str(to_utf16(text, end)))
        else:
            sel.set("startPosition", str(start))
            sel.set("endPosition", str(end))
        if codings:
            sel.set("creatingUser", self.user(codings[0].coder))
            first = min((c.created_at for c in codings if c.created_at), default=None)
            if first is not None:
                sel.set("creationDateTime", xml_datetime(first) or "")
        for c in codings:
            guid = object_guid(self.ns, "coding", tid, start, end, c.code_id, c.coder)
            self.coding(sel, guid, c.code_id, c.coder, c.created_at, places["coding"].get(c.id, []))
        rel_code = f"REL.{kind}" if kind and not kind.startswith("code:") else None
        if codings and rel_code and rel_code in self.code_ids:
            first = codings[0]
            marker = relation_marker_guid(sel_guid, kind)
            self.coding(sel, marker, rel_code, first.coder, first.created_at, [], counted=False)
        for note in group["notes"]:
            etree.SubElement(sel, self.q("NoteRef")).set("targetGUID", note)
        self.counts["selections"] += 1

    def coding(
        self,
        sel: Any,
        guid: str,
        code_id: str,
        coder: str,
        created: datetime | None,
        notes: list[str],
        *,
        counted: bool = True,
    ) -> None:
        el = etree.SubElement(sel, self.q("Coding"))
        el.set("guid", guid)
        el.set("creatingUser", self.user(coder))
        if created is not None:
            el.set("creationDateTime", xml_datetime(created) or "")
        etree.SubElement(el, self.q("CodeRef")).set("targetGUID", code_guid(code_id))
        for note in notes:
            etree.SubElement(el, self.q("NoteRef")).set("targetGUID", note)
        self.counts["coding_elements"] += 1
        if counted:
            self.counts["codings"] += 1

    # -- the whole project ------------------------------------------------------------------------

    def build(self) -> tuple[bytes, dict[str, str], datetime]:
        snap = self.snap
        stamps = [t.imported_at for t in snap.transcripts]
        stamps += [c.updated_at or c.created_at for cs in snap.codings.values() for c in cs]
        stamps += [m.updated_at or m.created_at for m in snap.memos]
        stamps = [_aware(s) for s in stamps if s is not None]
        created = min(stamps, default=None) or datetime.now(UTC)
        modified = max(stamps, default=None) or created

        root = etree.Element(self.q("Project"), nsmap={None: PROJECT_NS})
        root.set("name", xml_safe(snap.title))
        root.set("origin", ORIGIN + ("; positions=utf16" if self.positions == UTF16 else ""))
        if self.exporter:
            root.set("creatingUserGUID", self.user(self.exporter))
        root.set("creationDateTime", xml_datetime(created) or "")
        if self.exporter:
            root.set("modifyingUserGUID", self.user(self.exporter))
        root.set("modifiedDateTime", xml_datetime(modified) or "")

        places = self.place_memos()
        users_el = etree.SubElement(root, self.q("Users"))
        if snap.codes:
            book = etree.SubElement(root, self.q("CodeBook"))
            codes_el = etree.SubElement(book, self.q("Codes"))
            self.counts["codes"] = add_code_elements(
                codes_el, _codebook(snap.codes), PROJECT_NS, note_refs=places["code"]
            )
        variables_el = etree.SubElement(root, self.q("Variables"))
        cases_el = etree.SubElement(root, self.q("Cases"))
        sources_el = etree.SubElement(root, self.q("Sources"))
        files: dict[str, str] = {}
        source_guids: dict[int, str] = {}
        for t in snap.transcripts:
            guid = self.source(sources_el, t, places)
            source_guids[t.id] = guid
            files[f"sources/{guid}.txt"] = snap.texts[t.id]
        case_of = {t.id: t.case_id for t in snap.transcripts}
        for case in snap.cases:
            self.case(cases_el, case, [g for t, g in source_guids.items() if case_of[t] == case.id])
        notes_el = etree.SubElement(root, self.q("Notes"))
        for m in snap.memos:
            self.note(notes_el, m)
        for note in places["project"]:
            etree.SubElement(root, self.q("NoteRef")).set("targetGUID", note)

        for name, guid in sorted(self.users.items()):
            u = etree.SubElement(users_el, self.q("User"))
            u.set("guid", guid)
            u.set("name", xml_safe(name))
        for name, (guid, kind) in self.variables.items():
            v = etree.SubElement(variables_el, self.q("Variable"))
            v.set("guid", guid)
            v.set("name", name)
            v.set("typeOfVariable", kind)
        for el in (users_el, variables_el, cases_el, sources_el, notes_el):
            if len(el) == 0:
                root.remove(el)
        self.counts["cases"] = len(snap.cases)
        self.counts["notes"] = len(snap.memos)
        self.counts["users"] = len(self.users)
        xml = xml_document(root)
        return xml, files, modified

    def case(self, cases_el: Any, case: CaseInfo, sources: list[str]) -> None:
        el = etree.SubElement(cases_el, self.q("Case"))
        el.set("guid", object_guid(self.ns, "case", case.id, case.name))
        el.set("name", xml_safe(case.name))
        if case.notes:
            etree.SubElement(el, self.q("Description")).text = xml_safe(case.notes)
        for attr, (name, kind) in CASE_VARIABLES.items():
            value = getattr(case, attr)
            if value is not None and str(value) != "":
                self.value(el, name, kind, value)
        for guid in sources:
            etree.SubElement(el, self.q("SourceRef")).set("targetGUID", guid)

    def note(self, notes_el: Any, m: MemoInfo) -> None:
        el = etree.SubElement(notes_el, self.q("Note"))
        el.set("guid", object_guid(self.ns, "memo", m.id))
        el.set("name", xml_safe(_snippet(m.text.split("\n", 1)[0] or m.text)))
        el.set("creatingUser", self.user(m.author))
        if m.created_at is not None:
            el.set("creationDateTime", xml_datetime(m.created_at) or "")
        if m.updated_at is not None:
            el.set("modifiedDateTime", xml_datetime(m.updated_at) or "")
        etree.SubElement(el, self.q("PlainTextContent")).text = xml_safe(m.text)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    m = _aware(moment).astimezone(UTC)
    if m.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (m.year, m.month, m.day, m.hour, m.minute, m.second)


def qdpx_parts(
    store: Store, *, coder: str | None = None, positions: str = CODEPOINT
) -> tuple[bytes, dict[str, str], RefiExportSummary, datetime]:
    """The project XML, the source texts by archive path, and counts (nothing written)."""
    if positions not in POSITION_UNITS:
        raise ValueError(f"positions must be one of {', '.join(POSITION_UNITS)}")
    snap = _snapshot(store)
    builder = _Builder(snap, coder, positions)
    xml, files, modified = builder.build()
    c = builder.counts
    summary = RefiExportSummary(
        path="",
        sources=c["sources"],
        codes=c["codes"],
        selections=c["selections"],
        codings=c["codings"],
        coding_elements=c["coding_elements"],
        cases=c["cases"],
        notes=c["notes"],
        users=c["users"],
    )
    return xml, files, summary, modified


def export_qdpx(
    store: Store,
    path: Path | str,
    *,
    force: bool = False,
    coder: str | None = None,
    positions: str = CODEPOINT,
) -> RefiExportSummary:
    """Write the project as a REFI-QDA .qdpx archive (atomically; no overwrite without `force`).

    `coder` (the person exporting) is recorded as the project's creating and modifying user;
    `positions` is "codepoint" (default, as QualCoder) or "utf16" (as NVivo counts).
    """
    xml, files, summary, modified = qdpx_parts(store, coder=coder, positions=positions)
    stamp = _zip_time(modified)

    def write(fh: BinaryIO) -> None:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            info = zipfile.ZipInfo("project.qde", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, xml)
            for name in sorted(files):
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, files[name].encode("utf-8"))

    write_with(path, write, force=force)
    return replace(summary, path=str(path))
