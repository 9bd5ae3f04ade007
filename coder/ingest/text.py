"""Plain text and Markdown transcripts; also the turn builder that .docx and .odt reuse.

Rules, in one pass over the lines of the body (the text after any front matter):
- a line starting with a speaker label (see speakers.py) begins a turn; the segment
  starts after the label and runs over continuation lines, blank lines included, until
  the next label, a Markdown heading or the end;
- text outside any turn (a file with no labels, or a preamble before the first label)
  becomes one segment per blank-line separated paragraph, speaker None;
- Markdown headings (`# ...`) are never segments; the first is a title candidate;
- segment spans are trimmed of surrounding whitespace and never include a label.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from pathlib import Path

from coder.domain import RoleGroup
from coder.errors import InputError
from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft
from coder.ingest.encoding import decode_bytes, normalise_text
from coder.ingest.header import Header, split_front_matter
from coder.ingest.roles import infer_role, is_party
from coder.ingest.speakers import LabelMatch, match_label, speaker_key
from coder.language import transcript_language

_HEADING_RE = re.compile(r"[ \t]{0,3}(#{1,6})[ \t]+(?P<title>.*?)[ \t#]*$")
_LABEL_HINT = frozenset("[*")


class SpeakerRegistry:
    """Participants in order of appearance, header-listed ones first."""

    def __init__(self, header: Header | None) -> None:
        self.participants: list[ParticipantDraft] = []
        self.by_key: dict[str, ParticipantDraft] = {}
        self.notes: list[str] = []
        self.unlisted: list[str] = []
        self.has_header_list = bool(header and header.participants)
        for hp in header.participants if header else []:
            group, title, inferred = hp.role_group, hp.role_title, False
            if group is None:
                group, title = infer_role(hp.label)
                if group is RoleGroup.OTHER:
                    group, title = infer_role(hp.name)
                inferred = True
                if group is not RoleGroup.OTHER:
                    self.notes.append(f"inferred {hp.label!r} -> {group.value}")
            p = ParticipantDraft(hp.label, hp.name, group, title, inferred)
            self.participants.append(p)
            self.by_key.setdefault(speaker_key(hp.label), p)
            self.by_key.setdefault(speaker_key(hp.name), p)

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.by_key)

    def get(self, m: LabelMatch) -> ParticipantDraft:
        key = speaker_key(m.name)
        p = self.by_key.get(key)
        if p is not None:
            return p
        if m.role_text and (p := self.by_key.get(speaker_key(f"{m.name} ({m.role_text})"))):
            return p
        p = self._infer(m)
        self.participants.append(p)
        self.by_key[key] = p
        if self.has_header_list:
            self.unlisted.append(m.name)
        return p

    def _infer(self, m: LabelMatch) -> ParticipantDraft:
        name = " ".join(m.name.split())
        label_text = f"{name} ({m.role_text})" if m.role_text else name
        group, title = RoleGroup.OTHER, None
        if m.role_text:
            if is_party(m.role_text):
                group, title = RoleGroup.POLITICIAN, None
                self.notes.append(
                    f"inferred {label_text!r} -> politician (party {m.role_text.strip()})"
                )
            else:
                group, title = infer_role(m.role_text, allow_party=True)
                if group is not RoleGroup.OTHER:
                    title = m.role_text.strip()
                    self.notes.append(f"inferred {label_text!r} -> {group.value}")
        if group is RoleGroup.OTHER:
            group, title = infer_role(name)
            if group is not RoleGroup.OTHER:
                self.notes.append(f"inferred {name!r} -> {group.value}")
        return ParticipantDraft(name, name, group, title, role_inferred=True)


def build_draft(
    text: str,
    *,
    source_path: str,
    source_name: str,
    fmt: str,
    sha256: str,
    encoding: str,
    case: str | None = None,
    known_labels: Collection[str] = (),
    headings_are_markdown: bool = True,
) -> TranscriptDraft:
    """Turn normalised text (front matter allowed) into a draft; offsets refer to the body.

    `known_labels` are speaker keys to trust (e.g. bold runs found in a .docx).
    """
    header, body = split_front_matter(text, source_path)
    if not body.strip():
        raise InputError("no transcript text after the header", path=source_path)
    speakers = SpeakerRegistry(header)
    known = speakers.known | frozenset(known_labels)
    segments: list[SegmentDraft] = []
    first_heading: str | None = None

    cur_speaker: str | None = None
    cur_start = -1
    cur_end = -1
    cur_ms: int | None = None
    in_turn = False

    def flush() -> None:
        nonlocal cur_start
        if cur_start >= 0:
            segments.append(
                SegmentDraft(len(segments), cur_start, cur_end, cur_speaker, start_ms=cur_ms)
            )
        cur_start = -1

    pos = 0
    for line in body.split("\n"):
        line_start = pos
        pos += len(line) + 1
        end_col = len(line.rstrip())
        if end_col == 0:
            if not in_turn:
                flush()
            continue
        head = line.lstrip()
        first = head[0]
        if first == "#" and headings_are_markdown:
            hm = _HEADING_RE.match(line)
            if hm:
                flush()
                in_turn = False
                cur_speaker, cur_ms = None, None
                if first_heading is None and hm.group("title"):
                    first_heading = hm.group("title")
                continue
        m = match_label(line, known) if (first in _LABEL_HINT or ":" in line) else None
        if m is not None:
            flush()
            in_turn = True
            cur_speaker = speakers.get(m).label
            cur_ms = m.start_ms
            col = m.content_start
            if col < end_col:
                cur_start = line_start + col
                cur_end = line_start + end_col
            continue
        if cur_start < 0:
            if not in_turn:
                cur_speaker, cur_ms = None, None
            cur_start = line_start + len(line) - len(head)
        cur_end = line_start + end_col
    flush()

    notes = list(header.notes) if header else []
    notes.extend(speakers.notes)
    if speakers.unlisted:
        notes.append("speakers not in the header: " + ", ".join(speakers.unlisted))
    header_case = header.case if header else None
    if case and header_case and case != header_case:
        notes.append(f"case {case!r} given; header says {header_case!r}")
    title = (header.title if header else None) or first_heading or Path(source_name).stem
    return TranscriptDraft(
        source_path=source_path,
        source_name=source_name,
        format=fmt,
        sha256=sha256,
        text=body,
        title=title,
        encoding=encoding,
        case_name=case or header_case,
        interview_date=header.date if header else None,
        language=transcript_language(header.language if header else None, body, notes),
        participants=speakers.participants,
        segments=segments,
        notes=notes,
    )


def read_text_file(path: Path, data: bytes, *, case: str | None = None) -> TranscriptDraft:
    """Read a .txt or .md file's bytes."""
    text, encoding = decode_bytes(data, path)
    fmt = "md" if path.suffix.lower() in (".md", ".markdown") else "txt"
    return build_draft(
        text,
        source_path=str(path),
        source_name=path.name,
        fmt=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        case=case,
    )


def read_text_transcript(text: str, *, name: str = "<text>") -> TranscriptDraft:
    """Parse an in-memory transcript (same rules as a .txt file); sha256 of its UTF-8."""
    normalised = normalise_text(text)
    if not normalised.strip():
        raise InputError("empty file", path=name)
    return build_draft(
        normalised,
        source_path=name,
        source_name=name,
        fmt="txt",
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        encoding="utf-8",
    )
