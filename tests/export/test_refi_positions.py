"""Positions by the writer's convention (code points or UTF-16 units), relations that travel,
and imported text cut into codeable segments (issue 16)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from coder.export.refi_common import CODEPOINT, UTF16, TextMap, to_utf16
from coder.export.refi_import import import_qdpx
from coder.export.refi_read import positions_fit, read_project, units_of_origin
from coder.ingest.segmenting import MAX_SEGMENT_CHARS, split_long
from coder.ingest.speakers import match_label
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo

# A BOM, CRLF, emoji (outside the BMP), a decomposed å (a + combining ring) before the selections.
RAW = "\ufeffKari: Hei 😀😀 alle!\r\nPer: Bra a\u030a se deg 🎉 her.\r\nKari: Takk 👍 for sist.\r\n"
WORDS = ["alle", "Bra", "se deg", "her", "Takk", "for sist"]


def _project(origin: str | None, units: str) -> str:
    body = RAW[1:]
    sels = []
    for i, w in enumerate(WORDS):
        a = body.index(w)
        b = a + len(w)
        if units == UTF16:
            a, b = len(body[:a].encode("utf-16-le")) // 2, len(body[:b].encode("utf-16-le")) // 2
        sels.append(
            f'<PlainTextSelection guid="00000000-0000-0000-0000-0000000001{i:02d}" '
            f'startPosition="{a}" endPosition="{b}"><Coding guid="00000000-0000-0000-0000-'
            f'0000000002{i:02d}"><CodeRef targetGUID="00000000-0000-0000-0000-000000000001"/>'
            "</Coding></PlainTextSelection>"
        )
    origin_attr = f' origin="{origin}"' if origin else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"{origin_attr}>'
        '<CodeBook><Codes><Code guid="00000000-0000-0000-0000-000000000001" name="Ord" '
        'isCodable="true"/></Codes></CodeBook><Sources>'
        '<TextSource guid="00000000-0000-0000-0000-000000000010" name="chat" '
        'plainTextPath="internal://00000000-0000-0000-0000-000000000010.txt">'
        + "".join(sels)
        + "</TextSource></Sources></Project>"
    )


def _write(tmp_path: Path, xml: str) -> Path:
    path = tmp_path / "p.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml.encode("utf-8"))
        zf.writestr("sources/00000000-0000-0000-0000-000000000010.txt", RAW.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("origin", "units"),
    [
        ("NVivo for Mac 15.0.0", UTF16),
        ("QualCoder 3.6", CODEPOINT),
        (None, UTF16),  # no origin: decided by word boundaries
        (None, CODEPOINT),
        ("ATLAS.ti for Windows 23.2", UTF16),
    ],
)
def test_selections_hold_the_right_text_in_both_conventions(
    tmp_path: Path, origin: str | None, units: str
) -> None:
    project = read_project(_write(tmp_path, _project(origin, units)))
    (source,) = project.sources
    got = [source.text[s.start : s.end] for s in source.selections]
    assert got == ["alle", "Bra", "se deg", "her", "Takk", "for sist"]
    assert source.units == units
    assert "å" in source.text and "\r" not in source.text
    assert not any("fit neither" in w for w in project.warnings)


def test_positions_that_fit_neither_convention_are_reported(tmp_path: Path) -> None:
    xml = _project(None, CODEPOINT)
    for i in range(len(WORDS)):  # move every selection into the middle of a word
        guid = f"0000000001{i:02d}"
        head, tail = xml.split(guid, 1)
        s0 = tail.split('startPosition="', 1)[1].split('"', 1)[0]
        tail = tail.replace(f'startPosition="{s0}"', f'startPosition="{int(s0) + 1}"', 1)
        xml = head + guid + tail
    project = read_project(_write(tmp_path, xml))
    warning = next(w for w in project.warnings if "fit neither" in w)
    assert "'chat'" in warning and f"of {len(WORDS)}" in warning


def test_origin_names_the_convention() -> None:
    assert units_of_origin("NVivo 12 Plus") == UTF16
    assert units_of_origin("qc 1.3.2") == CODEPOINT
    assert units_of_origin("coder 0.1.0; positions=utf16") == UTF16
    assert units_of_origin("coder 0.1.0") == CODEPOINT
    assert units_of_origin("ATLAS.ti for Windows 23.2.3") is None
    assert units_of_origin("MAXQDA 2022") is None


def test_textmap_utf16_inside_a_surrogate_pair_widens_outward() -> None:
    tm = TextMap.build("a😀b", UTF16)
    assert tm.unit_length == 4
    assert (tm.start(1), tm.end(3)) == (1, 2)  # the emoji
    assert (tm.start(2), tm.end(2)) == (1, 2)  # inside the pair: the whole emoji
    assert to_utf16("a😀b", 2) == 3
    assert positions_fit("ab 😀 cd", [(6, 8)], UTF16) == 1
    assert positions_fit("ab 😀 cd", [(5, 7)], UTF16) == 0


def test_rel_codings_become_relations_again() -> None:
    from coder.domain import Relation
    from coder.export.refi_import import fold_relations
    from coder.export.refi_read import Selection, SourceCoding, TextSource

    def c(guid: str, code: str) -> SourceCoding:
        return SourceCoding(guid, code, "kari", None)

    ours = Selection("s1", 0, 4, [c("1", "g-c13"), c("2", "g-b5"), c("3", "g-rel")], [], None, "k")
    # QualCoder writes each coding as a selection of its own over the same range
    qc1 = Selection("s2", 5, 9, [c("4", "g-c13")], [], None, "k")
    qc2 = Selection("s3", 5, 9, [c("5", "g-rel")], [], None, "k")
    lone = Selection("s4", 10, 12, [c("6", "g-rel")], [], None, "k")  # a REL coding by hand
    src = TextSource("g", "t", "t", "abcd efgh ij", None, [ours, qc1, qc2, lone])
    fold_relations(src, {"g-c13": "C13", "g-b5": "B5", "g-rel": "REL.ceo"})
    assert [x.code_guid for x in ours.codings] == ["g-c13", "g-b5"]
    assert {x.relation for x in ours.codings} == {Relation.CEO}
    assert qc1.codings[0].relation is Relation.CEO and qc2.codings == []
    assert [x.code_guid for x in lone.codings] == ["g-rel"]


def test_bold_and_underscore_labels_are_one_rule() -> None:
    for line in ("**Intervjuer:** ja", "__Intervjuer:__ ja", "__Intervjuer__: ja", "Intervjuer: ja"):
        m = match_label(line)
        assert m is not None and m.name == "Intervjuer", line


def test_refi_import_finds_bold_speaker_turns(tmp_path: Path, db_url: str) -> None:
    text = "**Intervjuer:** Hva tenker du?\n**Kari:** Mye.\n__Intervjuer:__ Og så?\n**Kari:** Mer.\n"
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        'name="p" origin="Other 1"><Sources><TextSource guid="00000000-0000-0000-0000-00000000'
        '0010" name="t"><PlainTextContent>' + text + "</PlainTextContent></TextSource></Sources>"
        "</Project>"
    )
    path = tmp_path / "b.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml.encode())
    store = Store(db_url)
    assert import_qdpx(store, path).status == "imported"
    with store.session() as s:
        repo = TranscriptRepo(s)
        (t,) = repo.list_transcripts()
        assert [g.speaker for g in repo.segments(t.id)] == ["Intervjuer", "Kari"] * 2


def test_long_text_without_blank_lines_becomes_codeable_segments() -> None:
    line = "Dette er en kommentar med noen ord i seg. " * 5
    text = "\n".join(line for _ in range(400))
    pieces = split_long(text, 0, len(text))
    assert "".join(text[a:b] for a, b in pieces) == text
    assert max(b - a for a, b in pieces) <= MAX_SEGMENT_CHARS
    long_line = "Ord " * 2000
    assert max(b - a for a, b in split_long(long_line, 0, len(long_line))) <= MAX_SEGMENT_CHARS


def test_no_skipped_zero_warnings(tmp_path: Path) -> None:
    xml = _project("qc 1.0", CODEPOINT).replace(
        "<Sources>", '<Cases><Case guid="00000000-0000-0000-0000-000000000900" name="c"/></Cases>'
        "<Sources>"
    )
    project = read_project(_write(tmp_path, xml))
    assert not any("skipped 0" in w for w in project.warnings)
