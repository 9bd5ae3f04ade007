"""SubRip (.srt) and WebVTT (.vtt) subtitles: timed cues become timed segments.

- Speakers come from WebVTT voice tags (`<v Kari>`, `<v.loud Kari>`) or a `Name:` label
  at the start of the cue text (same rules as plain text).
- Other tags (`<i>`, `<b>`, `<c.x>`, `<00:00:01.000>`) are stripped, entities unescaped,
  a cue's lines joined with spaces.
- Consecutive cues by the same (known) speaker merge into one segment that keeps the
  first cue's start and the last cue's end; cues without a speaker stay one segment each.
- Stored text: one paragraph per segment, `Label: words` (or just the words), paragraphs
  separated by a blank line; timestamps live only in start_ms/end_ms.
- WebVTT needs `WEBVTT` on the first line; NOTE/STYLE/REGION blocks are skipped.
- A bad timing line, end before start or a cue without a timing line is an InputError
  naming the line.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from coder.errors import InputError
from coder.ingest.draft import SegmentDraft, TranscriptDraft
from coder.ingest.encoding import decode_bytes
from coder.ingest.speakers import LabelMatch, match_label
from coder.ingest.text import SpeakerRegistry
from coder.language import detect_language

_SRT_TIME = r"(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})"
_SRT_TIMING_RE = re.compile(rf"[ \t]*{_SRT_TIME}[ \t]*-->[ \t]*{_SRT_TIME}(?:[ \t]+.*)?")
_VTT_TIME = r"(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_VTT_TIMING_RE = re.compile(rf"[ \t]*{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t]+.*)?")
_VTT_HEADER_RE = re.compile(r"WEBVTT(?:[ \t].*)?")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+([^>]*)>")
_TAG_RE = re.compile(r"<[^>\n]*>")


@dataclass(slots=True)
class _Cue:
    start_ms: int
    end_ms: int
    text: str
    speaker: LabelMatch | None


@dataclass(slots=True)
class _Merged:
    label: str | None
    start_ms: int
    end_ms: int
    texts: list[str]


def _ms(h: str | None, m: str, s: str, frac: str) -> int:
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * 1000 + int((frac + "00")[:3])


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Blank-line separated blocks of (line number, line)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _cue_text(lines: list[str]) -> tuple[str, LabelMatch | None]:
    raw = " ".join(lines)
    voice = _VOICE_RE.search(raw) if "<v" in raw else None
    speaker = None
    if voice and voice.group(1).strip():
        speaker = LabelMatch(" ".join(voice.group(1).split()), None, 0)
    clean = _TAG_RE.sub("", raw) if "<" in raw else raw
    if "&" in clean:
        clean = html.unescape(clean).replace("\u200e", "").replace("\u200f", "")
    clean = " ".join(clean.split())
    if speaker is None and clean:
        label = match_label(clean)
        if label is not None:
            speaker = label
            clean = clean[label.content_start :].strip()
    return clean, speaker


def _timed_block(
    block: list[tuple[int, str]], timing_re: re.Pattern[str], path: Path, kind: str
) -> _Cue | None:
    if "-->" in block[0][1]:
        arrow = 0
    elif len(block) > 1 and "-->" in block[1][1]:
        arrow = 1
    else:
        raise InputError(f"{kind}: cue without a timing line", path=path, line=block[0][0])
    number, line = block[arrow]
    m = timing_re.fullmatch(line)
    if m is None:
        raise InputError(f"{kind}: malformed timing line {line.strip()!r}", path=path, line=number)
    g = m.groups()
    start, end = _ms(*g[0:4]), _ms(*g[4:8])
    if end < start:
        raise InputError(f"{kind}: cue ends before it starts", path=path, line=number)
    text, speaker = _cue_text([line for _, line in block[arrow + 1 :]])
    if not text:
        return None
    return _Cue(start, end, text, speaker)


def _srt_cues(text: str, path: Path) -> list[_Cue]:
    cues: list[_Cue] = []
    for block in _blocks(text):
        if len(block) == 1 and block[0][1].strip().isdigit():
            raise InputError("srt: cue number without timing", path=path, line=block[0][0])
        if "-->" not in block[0][1] and not block[0][1].strip().isdigit():
            raise InputError("srt: expected a cue number or timing", path=path, line=block[0][0])
        cue = _timed_block(block, _SRT_TIMING_RE, path, "srt")
        if cue is not None:
            cues.append(cue)
    return cues


def _vtt_cues(text: str, path: Path) -> list[_Cue]:
    first = text.split("\n", 1)[0]
    if not _VTT_HEADER_RE.fullmatch(first):
        raise InputError("vtt: first line must be 'WEBVTT'", path=path, line=1)
    blocks = _blocks(text)
    cues: list[_Cue] = []
    for block in blocks[1:]:  # the first block is the WEBVTT header
        head = block[0][1]
        if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue
        cue = _timed_block(block, _VTT_TIMING_RE, path, "vtt")
        if cue is not None:
            cues.append(cue)
    header_block = blocks[0] if blocks else []
    for number, line in header_block:
        if "-->" in line:
            raise InputError("vtt: a blank line must follow the header", path=path, line=number)
    return cues


def _build(
    path: Path, data: bytes, fmt: str, cues: list[_Cue], encoding: str, case: str | None
) -> TranscriptDraft:
    if not cues:
        raise InputError(f"{fmt}: no cues with text", path=path)
    speakers = SpeakerRegistry(None)
    parts: list[str] = []
    length = 0
    segments: list[SegmentDraft] = []
    merged: list[_Merged] = []
    for cue in cues:
        label = speakers.get(cue.speaker).label if cue.speaker else None
        if merged and label is not None and merged[-1].label == label:
            merged[-1].end_ms = max(merged[-1].end_ms, cue.end_ms)
            merged[-1].texts.append(cue.text)
        else:
            merged.append(_Merged(label, cue.start_ms, cue.end_ms, [cue.text]))
    for group in merged:
        label, texts = group.label, group.texts
        if parts:
            parts.append("\n\n")
            length += 2
        if label is not None:
            prefix = f"{label}: "
            parts.append(prefix)
            length += len(prefix)
        words = " ".join(texts)
        parts.append(words)
        segments.append(
            SegmentDraft(
                len(segments), length, length + len(words), label, group.start_ms, group.end_ms
            )
        )
        length += len(words)
    body = "".join(parts) + "\n"
    return TranscriptDraft(
        source_path=str(path),
        source_name=path.name,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        text=body,
        language=detect_language(body),
        title=path.stem,
        encoding=encoding,
        case_name=case,
        participants=speakers.participants,
        segments=segments,
        notes=speakers.notes,
    )


def read_srt(path: Path, data: bytes, *, case: str | None = None) -> TranscriptDraft:
    """Read a SubRip file."""
    text, encoding = decode_bytes(data, path)
    return _build(path, data, "srt", _srt_cues(text, path), encoding, case)


def read_vtt(path: Path, data: bytes, *, case: str | None = None) -> TranscriptDraft:
    """Read a WebVTT file."""
    text, encoding = decode_bytes(data, path)
    return _build(path, data, "vtt", _vtt_cues(text, path), encoding, case)
