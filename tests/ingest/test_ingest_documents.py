"""Word (.docx) and OpenDocument (.odt) transcripts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from ingest_helpers import check_offsets, spoken

from coder.domain import RoleGroup
from coder.errors import InputError
from coder.ingest import read_transcript

PARAS = [
    ("#", "Gruppeintervju Kongsvinger"),
    ("Intervjuer:", " Hvordan er samspillet?"),
    ("Ordfører", " Det fungerer godt."),
    "Rådmann: Jeg er enig.",
    "Det er dette som er poenget: vi må samarbeide.",
    ("kari", " lowercase, but bold, so trusted."),
]
EXPECTED = [
    ("Intervjuer", "Hvordan er samspillet?"),
    ("Ordfører", "Det fungerer godt."),
    ("Rådmann", "Jeg er enig.\n\nDet er dette som er poenget: vi må samarbeide."),
    ("kari", "lowercase, but bold, so trusted."),
]


def test_docx_paragraphs_bold_and_text_labels(make_docx) -> None:
    draft = read_transcript(make_docx(PARAS))
    assert draft.format == "docx"
    assert draft.title == "Gruppeintervju Kongsvinger"
    assert spoken(draft) == EXPECTED
    groups = {p.label: p.role_group for p in draft.participants}
    assert groups["Ordfører"] is RoleGroup.POLITICIAN
    assert groups["Intervjuer"] is RoleGroup.INTERVIEWER
    check_offsets(draft)


def test_odt_paragraphs_bold_and_text_labels(make_odt) -> None:
    draft = read_transcript(make_odt(PARAS))
    assert draft.format == "odt"
    assert draft.title == "Gruppeintervju Kongsvinger"
    assert spoken(draft) == EXPECTED
    check_offsets(draft)


@pytest.mark.parametrize("fixture", ["make_docx", "make_odt"])
def test_unlabelled_paragraphs(request, fixture: str) -> None:
    build = request.getfixturevalue(fixture)
    draft = read_transcript(build(["Første avsnitt.", "", "Andre avsnitt.", "Tredje."]))
    assert spoken(draft) == [(None, "Første avsnitt."), (None, "Andre avsnitt."), (None, "Tredje.")]


@pytest.mark.parametrize("fixture", ["make_docx", "make_odt"])
def test_front_matter_in_documents(request, fixture: str) -> None:
    build = request.getfixturevalue(fixture)
    paras = ["---", "case: Stord", "date: 2006-04-01", "---", "Kari: Hei."]
    draft = read_transcript(build(paras))
    assert draft.case_name == "Stord"
    assert spoken(draft) == [("Kari", "Hei.")]
    assert draft.text == "Kari: Hei."


def test_docx_table_rows(make_docx) -> None:
    path = make_docx(
        ["Innledning uten taler."],
        table=[
            ["Tid", "Taler", "Tekst"],
            ["00:01", "Rådmann", "Vi har en plan."],
            ["00:02", "Kari Nordmann", "Og jeg støtter den."],
        ],
    )
    draft = read_transcript(path)
    assert spoken(draft) == [
        (None, "Innledning uten taler."),
        ("Rådmann", "Vi har en plan."),
        ("Kari Nordmann", "Og jeg støtter den."),
    ]


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("ext", [".docx", ".odt"])
def test_not_a_zip(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"falsk{ext}"
    path.write_bytes(b"Kari: dette er bare tekst\n")
    with pytest.raises(InputError, match=f"not a valid \\{ext} file") as info:
        read_transcript(path)
    assert path.name in str(info.value)


@pytest.mark.parametrize("ext", [".docx", ".odt"])
def test_encrypted_ole_container(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"kryptert{ext}"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600)
    with pytest.raises(InputError, match="not a valid") as info:
        read_transcript(path)
    assert path.name in str(info.value)


def test_docx_zip_without_document_part(tmp_path: Path) -> None:
    path = _zip(tmp_path / "tom.docx", {"hello.txt": b"hei"})
    with pytest.raises(InputError, match="not a valid .docx file"):
        read_transcript(path)


def test_docx_truncated(make_docx, tmp_path: Path) -> None:
    data = make_docx(PARAS).read_bytes()
    path = tmp_path / "avkuttet.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="not a valid .docx file"):
        read_transcript(path)


def test_odt_bad_xml(tmp_path: Path) -> None:
    path = _zip(
        tmp_path / "rot.odt",
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:doc"},
    )
    with pytest.raises(InputError, match="not a valid .odt file") as info:
        read_transcript(path)
    assert "rot.odt" in str(info.value)


def test_odt_wrong_mimetype_and_encrypted(tmp_path: Path) -> None:
    sheet = _zip(
        tmp_path / "regneark.odt",
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<a/>"},
    )
    with pytest.raises(InputError, match="mimetype"):
        read_transcript(sheet)
    locked = _zip(
        tmp_path / "laast.odt",
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "META-INF/manifest.xml": b"<manifest:encryption-data/>",
            "content.xml": b"\x8a\x01garbage",
        },
    )
    with pytest.raises(InputError, match="encrypted"):
        read_transcript(locked)


@pytest.mark.parametrize("fixture", ["make_docx", "make_odt"])
def test_empty_document(request, fixture: str) -> None:
    path = request.getfixturevalue(fixture)([])
    with pytest.raises(InputError, match="empty file") as info:
        read_transcript(path)
    assert path.name in str(info.value)


def test_docx_strong_style_line_break_and_explicit_not_bold(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    p = document.add_paragraph()
    p.add_run("Rådmann").style = "Strong"
    p.add_run(" første linje")
    p.add_run().add_break()
    p.add_run("andre linje")
    p = document.add_paragraph()
    p.add_run("Ikke fet").bold = False
    p.add_run(" tekst")
    path = tmp_path / "stiler.docx"
    document.save(str(path))
    draft = read_transcript(path)
    assert spoken(draft) == [("Rådmann", "første linje\nandre linje\n\nIkke fet tekst")]
