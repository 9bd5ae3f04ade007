"""Fuzzing: whatever bytes or text a reader gets, the only exception is InputError."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.errors import InputError
from coder.ingest import read_text_transcript, read_transcript
from coder.ingest.docx import read_docx
from coder.ingest.odt import read_odt
from coder.ingest.subtitles import read_srt, read_vtt
from coder.ingest.text import read_text_file

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
READERS = {
    ".txt": read_text_file,
    ".md": read_text_file,
    ".srt": read_srt,
    ".vtt": read_vtt,
    ".docx": read_docx,
    ".odt": read_odt,
}
# Text made of the pieces that matter to the parsers.
PIECES = st.sampled_from(
    [
        "---\n", "---", "title: x\n", "date: 2020-01-01\n", "participants:\n", "  - label: ",
        "role: ", "Kari", "Rådmann", "I", ": ", ":", "\n", "\n\n", "# ", "**", "[", "]", "(",
        ")", "Ap", "WEBVTT\n", "00:01.000 --> 00:02.000\n", "00:00:01,000 --> 00:00:02,000\n",
        "<v Kari>", "<i>", "</i>", "&amp;", "1\n", "NOTE ", " ", "\t", "\r\n", "æøå", "é",
        "\ufeff", "\x00", "\x85", "\u2028", "ordfører", "-->", "{", "}", "&", "*", "|",
    ]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join))


def _check(reader, path: Path, data: bytes) -> None:
    try:
        draft = reader(path, data)
    except InputError as exc:
        assert path.name in str(exc)
        return
    for seg in draft.segments:
        assert 0 <= seg.start <= seg.end <= len(draft.text)


@FUZZ
@given(data=st.binary(max_size=400), ext=st.sampled_from(sorted(READERS)))
def test_random_bytes(data: bytes, ext: str) -> None:
    _check(READERS[ext], Path(f"fuzz{ext}"), data)


@FUZZ
@given(
    text=TEXTS,
    ext=st.sampled_from([".txt", ".md", ".srt", ".vtt"]),
    codec=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
)
def test_structured_text(text: str, ext: str, codec: str) -> None:
    _check(READERS[ext], Path(f"fuzz{ext}"), text.encode(codec, "replace"))


@FUZZ
@given(text=TEXTS)
def test_in_memory_text(text: str) -> None:
    try:
        draft = read_text_transcript(text, name="fuzz")
    except InputError:
        return
    for seg in draft.segments:
        assert draft.text[seg.start : seg.end].strip()


@FUZZ
@given(
    content=st.binary(max_size=300), member=st.sampled_from(["content.xml", "word/document.xml"])
)
def test_zip_with_random_members(content: bytes, member: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr(member, content)
    ext = ".odt" if member == "content.xml" else ".docx"
    _check(READERS[ext], Path(f"fuzz{ext}"), buffer.getvalue())


def test_read_transcript_on_fuzzed_file() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.txt"
        path.write_bytes(b"\xff\xfe\x00")
        try:
            read_transcript(path)
        except InputError as exc:
            assert "fuzz.txt" in str(exc)


SPEAKERS = st.sampled_from(
    ["I", "Kari", "Ola Nordmann", "Rådmann", "Kommunalsjef helse", "Per (Ap)", "[Anne]", "**Lise**"]
)
WORD = st.sampled_from(["vi", "har", "en", "plan:", "Det", "er", "så", "æøå", "10:30", "(ja)"])
TURN_TEXT = st.lists(WORD, min_size=1, max_size=12).map(" ".join)


@FUZZ
@given(turns=st.lists(st.tuples(SPEAKERS, TURN_TEXT), min_size=1, max_size=15))
def test_generated_turns_round_trip(turns: list[tuple[str, str]]) -> None:
    lines = []
    for speaker, words in turns:
        if speaker.startswith("**"):
            lines.append(f"{speaker[:-2]}:** {words}")
        elif speaker.startswith("["):
            lines.append(f"{speaker} {words}")
        else:
            lines.append(f"{speaker}: {words}")
    draft = read_text_transcript("\n".join(lines))
    assert [draft.text[s.start : s.end] for s in draft.segments] == [w for _, w in turns]
    expected = [s.strip("[]*").split(" (")[0] for s, _ in turns]
    assert [s.speaker.casefold() for s in draft.segments] == [e.casefold() for e in expected]
