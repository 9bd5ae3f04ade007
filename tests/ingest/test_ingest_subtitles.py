"""SubRip and WebVTT: timings, voices, tags, merging and malformed input."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import check_offsets, spoken

from coder.domain import RoleGroup
from coder.errors import InputError
from coder.ingest import read_transcript

SRT = """1
00:00:01,000 --> 00:00:03,500
I: Hva tenker dere
om samspillet?

2
00:00:04,000 --> 00:00:06,000
<i>Rådmann:</i> Det går bra.

3
00:00:06,100 --> 00:00:08,000
Rådmann: Stort sett.

4
00:00:09,000 --> 00:00:10,000
Uten taler her.
"""

VTT = """WEBVTT - gruppeintervju
Kind: captions

NOTE
dette er en kommentar

STYLE
::cue { color: white }

intro
00:01.000 --> 00:03.500 align:start position:10%
<v Intervjuer>Hva tenker <b>dere</b>?</v>

00:00:04.000 --> 00:00:06.000
<v.loud Kari Nordmann>Det går <c.yellow>bra</c> &amp; fint.

00:00:06.000 --> 00:00:07.250
<v Kari Nordmann>Synes jeg.

00:00:08.000 --> 00:00:09.000
Ordfører: Enig.

00:00:10.000 --> 00:00:11.000
<00:00:10.500>Fritt <i>tekst</i>.
"""


def test_srt(tmp_path: Path) -> None:
    path = tmp_path / "opptak.srt"
    path.write_text(SRT, encoding="utf-8")
    draft = read_transcript(path)
    assert draft.format == "srt"
    assert spoken(draft) == [
        ("I", "Hva tenker dere om samspillet?"),
        ("Rådmann", "Det går bra. Stort sett."),
        (None, "Uten taler her."),
    ]
    assert [(s.start_ms, s.end_ms) for s in draft.segments] == [
        (1000, 3500),
        (4000, 8000),
        (9000, 10000),
    ]
    assert draft.title == "opptak"
    check_offsets(draft)


def test_vtt(tmp_path: Path) -> None:
    path = tmp_path / "opptak.vtt"
    path.write_text(VTT, encoding="utf-8")
    draft = read_transcript(path)
    assert spoken(draft) == [
        ("Intervjuer", "Hva tenker dere?"),
        ("Kari Nordmann", "Det går bra & fint. Synes jeg."),
        ("Ordfører", "Enig."),
        (None, "Fritt tekst."),
    ]
    assert [(s.start_ms, s.end_ms) for s in draft.segments] == [
        (1000, 3500),
        (4000, 7250),
        (8000, 9000),
        (10000, 11000),
    ]
    groups = {p.label: p.role_group for p in draft.participants}
    assert groups == {
        "Intervjuer": RoleGroup.INTERVIEWER,
        "Kari Nordmann": RoleGroup.OTHER,
        "Ordfører": RoleGroup.POLITICIAN,
    }
    assert draft.text.startswith("Intervjuer: Hva tenker dere?\n\nKari Nordmann: ")
    check_offsets(draft)


def test_vtt_hours_beyond_99(tmp_path: Path) -> None:
    path = tmp_path / "lang.vtt"
    path.write_text("WEBVTT\n\n100:00:00.000 --> 100:00:01.000\nHei\n", encoding="utf-8")
    assert read_transcript(path).segments[0].start_ms == 360_000_000


@pytest.mark.parametrize(
    ("ext", "content", "line", "message"),
    [
        (".vtt", "WEBVTX\n\n00:01.000 --> 00:02.000\nHei\n", 1, "WEBVTT"),
        (".vtt", "\n\nWEBVTT\n", 1, "WEBVTT"),
        (".vtt", "WEBVTT\n\n00:01.000 -> 00:02.000\nHei\n", 3, "without a timing"),
        (".vtt", "WEBVTT\n\n00:01,000 --> 00:02.000\nHei\n", 3, "malformed timing"),
        (".vtt", "WEBVTT\n\n00:61.000 --> 00:62.000\nHei\n", 3, "malformed timing"),
        (".vtt", "WEBVTT\n\nid\n00:05.000 --> 00:02.000\nHei\n", 4, "ends before"),
        (".vtt", "WEBVTT\n00:01.000 --> 00:02.000\nHei\n", 2, "blank line"),
        (".srt", "1\n00:00:01,000 --> 00:00:0x,000\nHei\n", 2, "malformed timing"),
        (".srt", "Hei uten tid\n", 1, "expected a cue"),
        (".srt", "1\n\n00:00:01,000 --> 00:00:02,000\nHei\n", 1, "without timing"),
    ],
)
def test_malformed_subtitles(tmp_path: Path, ext: str, content: str, line: int, message: str):
    path = tmp_path / f"feil{ext}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_transcript(path)
    assert info.value.line == line
    assert f"feil{ext}:{line}:" in str(info.value)


def test_cues_without_text(tmp_path: Path) -> None:
    path = tmp_path / "stille.vtt"
    path.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<i></i>\n", encoding="utf-8")
    with pytest.raises(InputError, match="no cues with text"):
        read_transcript(path)
