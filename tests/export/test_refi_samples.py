"""Projects exported by other QDA programs import with the counts their XML implies, and every
selection's text after import equals the source text at its positions (BOM/CRLF/NFC mapped)."""

from __future__ import annotations

import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree

from coder.domain import CodingStatus
from coder.export.refi_import import import_qdpx
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo

SAMPLES = [
    "ponte-target-atlas-project.qdpx",
    "qualitative-coding_demo.qdpx",
    "qualitative-coding_nvivo_project.qdpx",
    "skyloom-TestProject.qdpx",
]


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _norm(text: str) -> str:
    text = text[1:] if text.startswith("\ufeff") else text
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def expected(path: Path) -> dict:
    """Counts and coded text read straight from the archive, independently of the importer."""
    with zipfile.ZipFile(path) as zf:
        names = {n.lower(): n for n in zf.namelist()}
        root = etree.fromstring(zf.read(names["project.qde"]))
        users = {
            u.get("guid").strip("{}").lower(): u.get("name")
            for u in root.iter()
            if _local(u) == "User"
        }
        codes = [c for c in root.iter() if _local(c) == "Code"]
        code_names = {c.get("guid").strip("{}").lower(): c.get("name") for c in codes}
        sources = []
        coded: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
        texts: dict[str, str] = {}
        descriptions = 0
        for src in root.iter():
            if _local(src) != "TextSource" or _local(src.getparent()) != "Sources":
                continue
            inline = [c for c in src if _local(c) == "PlainTextContent"]
            if inline:
                raw = inline[0].text or ""
            else:
                ref = src.get("plainTextPath").removeprefix("internal://")
                member = names.get(f"sources/{ref}".lower())
                if member is None:
                    continue
                raw = zf.read(member).decode("utf-8")
            name = src.get("name") or src.get("plainTextPath").removeprefix("internal://")
            sources.append(name)
            texts[name] = raw
            for sel in src:
                if _local(sel) != "PlainTextSelection":
                    continue
                descriptions += any(_local(c) == "Description" for c in sel)
                a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                for cod in sel:
                    if _local(cod) != "Coding":
                        continue
                    ref = [r for r in cod if _local(r) == "CodeRef"][0]
                    code = code_names[ref.get("targetGUID").strip("{}").lower()]
                    user = users.get(
                        (cod.get("creatingUser") or "").strip("{}").lower(), "imported"
                    )
                    coded[(name, code, user)].append((a, b))
        notes = [n for n in root.iter() if _local(n) == "Note"]
        cases = [c for c in root.iter() if _local(c) == "Case"]
    covered = set()
    for (name, code, user), ranges in coded.items():
        body = texts[name][1:] if texts[name].startswith("\ufeff") else texts[name]
        for a, b in _merge(ranges):
            covered.add((name, code, user, _norm(body[a:b])))
    return {
        "sources": len(sources),
        "codes": len(codes),
        "codings": sum(len(v) for v in coded.values()),
        "cases": len(cases),
        "memos": len(notes) + descriptions,
        "covered": covered,
    }


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def imported_coverage(store: Store) -> set[tuple[str, str, str, str]]:
    """(source, code name, coder, text) with adjacent or overlapping pieces merged again."""
    pieces: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
    texts: dict[str, str] = {}
    with store.session() as s:
        labels = {c.id: c.label for c in CodeRepo(s).list()}
        repo = TranscriptRepo(s)
        for t in repo.list_transcripts():
            texts[t.source_name] = repo.text(t.id)
            segs = {g.id: g for g in repo.segments(t.id)}
            for c in CodingRepo(s).for_transcript(t.id):
                assert c.status is CodingStatus.ACCEPTED and c.origin.value == "imported"
                seg = segs[c.segment_id]
                rng = (
                    (c.span_start, c.span_end) if c.span_start is not None else (seg.start, seg.end)
                )
                assert seg.start <= rng[0] < rng[1] <= seg.end
                pieces[(t.source_name, labels[c.code_id], c.coder)].append(rng)
    return {
        (name, code, coder, texts[name][a:b])
        for (name, code, coder), ranges in pieces.items()
        for a, b in _merge(ranges)
    }


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_imports_with_its_counts(sample: str, shared_dir: Path, db_url: str) -> None:
    path = shared_dir / "refi" / sample
    want = expected(path)
    store = Store(db_url)
    outcome = import_qdpx(store, path)
    assert outcome.status == "imported", outcome.message
    with store.session() as s:
        codes = CodeRepo(s).list()
        transcripts = TranscriptRepo(s).list_transcripts()
        cases = TranscriptRepo(s).list_cases()
        memos = CodingRepo(s).memos()
    # Every sample names its codes without our ids: each becomes a theme, under one root.
    assert len(codes) == want["codes"] + 1
    assert all(c.kind.value == "theme" for c in codes)
    assert len(transcripts) == want["sources"]
    assert len(cases) == want["cases"]
    assert len(memos) == want["memos"]
    assert imported_coverage(store) == want["covered"]
    assert f"{want['sources']} text sources" in outcome.message


def test_sample_counts_are_what_we_expect(shared_dir: Path) -> None:
    """Pin the samples' shapes so a change in the files is noticed."""
    got = {s: expected(shared_dir / "refi" / s) for s in SAMPLES}
    assert {s: (g["sources"], g["codes"], g["codings"], g["memos"]) for s, g in got.items()} == {
        "ponte-target-atlas-project.qdpx": (0, 3, 0, 0),
        "qualitative-coding_demo.qdpx": (2, 262, 205, 0),
        "qualitative-coding_nvivo_project.qdpx": (2, 262, 0, 0),
        "skyloom-TestProject.qdpx": (0, 14, 0, 2),
    }


def test_skipped_parts_are_reported(shared_dir: Path, sqlite_url: str) -> None:
    outcome = import_qdpx(Store(sqlite_url), shared_dir / "refi" / "skyloom-TestProject.qdpx")
    notes = "\n".join(outcome.inferred_roles)
    assert "PDF source" in notes and "picture source" in notes and "video source" in notes
    assert "exported without its source files" in notes
    assert "16 sets" in notes


NVIVO_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="nvivo-ish">
<Users><User guid="AAAAAAAA-0000-0000-0000-000000000001" name="Kari"/></Users>
<CodeBook><Codes>
  <Code guid="{BBBBBBBB-0000-0000-0000-000000000001}" name="Økonomi" isCodable="true"/>
  <Code guid="BBBBBBBB-0000-0000-0000-000000000002" name="C13 Samspill" isCodable="true"/>
</Codes></CodeBook>
<Variables><Variable guid="DDDDDDDD-0000-0000-0000-000000000001" name="Fylke" typeOfVariable="Text"/>
<Variable guid="DDDDDDDD-0000-0000-0000-000000000002" name="Innbyggertall" typeOfVariable="Integer"/></Variables>
<Cases><Case guid="EEEEEEEE-0000-0000-0000-000000000001" name="Hamar">
  <VariableValue><VariableRef targetGUID="DDDDDDDD-0000-0000-0000-000000000001"/><TextValue>Innlandet</TextValue></VariableValue>
  <VariableValue><VariableRef targetGUID="DDDDDDDD-0000-0000-0000-000000000002"/><IntegerValue>32000</IntegerValue></VariableValue>
  <SourceRef targetGUID="CCCCCCCC-0000-0000-0000-000000000001"/></Case></Cases>
<Sources>
 <TextSource guid="CCCCCCCC-0000-0000-0000-000000000001" name="hamar-1" plainTextPath="internal://CCCCCCCC-0000-0000-0000-000000000001.txt">
  <PlainTextSelection guid="F0000000-0000-0000-0000-000000000001" startPosition="{a1}" endPosition="{b1}">
   <Coding guid="F1000000-0000-0000-0000-000000000001" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
    <CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/><NoteRef targetGUID="99999999-0000-0000-0000-000000000001"/></Coding>
  </PlainTextSelection>
  <PlainTextSelection guid="F0000000-0000-0000-0000-000000000002" startPosition="{a2}" endPosition="{b2}">
   <Coding guid="F1000000-0000-0000-0000-000000000002" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
    <CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000002"/></Coding>
  </PlainTextSelection>
 </TextSource>
 <TextSource guid="CCCCCCCC-0000-0000-0000-000000000002" name="inline">
  <PlainTextContent>Kort tekst uten fil.</PlainTextContent>
  <PlainTextSelection guid="F0000000-0000-0000-0000-000000000003" startPosition="5" endPosition="10">
   <Coding guid="F1000000-0000-0000-0000-000000000003"><CodeRef targetGUID="BBBBBBBB-0000-0000-0000-000000000001"/></Coding>
  </PlainTextSelection>
 </TextSource>
</Sources>
<Notes><Note guid="99999999-0000-0000-0000-000000000001"><PlainTextContent>Udatert notat.</PlainTextContent></Note></Notes>
<Extension xmlns="urn:example:other"><Thing/></Extension>
</Project>"""

NVIVO_TEXT = "\ufeffOrdfører: Vi har et godt samarbeid\r\nmed rådmannen.\r\n\r\nRådmann: Ja, det stemmer.\r\nVi snakkes.\r\n\r\nOrdfører: Takk.\r\n"


def test_nvivo_style_bom_crlf_inline_and_undated_notes(tmp_path: Path, db_url: str) -> None:
    body = NVIVO_TEXT[1:]
    a1, b1 = body.index("godt"), body.index("Ja,")  # crosses a paragraph break (CRLF CRLF)
    a2, b2 = body.index("samarbeid"), body.index("Vi snakkes") + len("Vi snakkes")
    xml = NVIVO_STYLE
    for key, value in {"{a1}": a1, "{b1}": b1, "{a2}": a2, "{b2}": b2}.items():
        xml = xml.replace(key, str(value))
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml.encode("utf-8"))
        zf.writestr("sources/CCCCCCCC-0000-0000-0000-000000000001.txt", NVIVO_TEXT.encode("utf-8"))
    store = Store(db_url)
    outcome = import_qdpx(store, path)
    assert outcome.status == "imported", outcome.message
    assert any("Extension" in n for n in outcome.inferred_roles)
    covered = imported_coverage(store)
    assert ("hamar-1", "Økonomi", "Kari", _norm(body[a1:b1])) in covered
    assert ("hamar-1", "Samspill", "Kari", _norm(body[a2:b2])) in covered
    assert ("inline", "Økonomi", "Kari", "tekst") not in covered  # no creatingUser: not Kari
    assert ("inline", "Økonomi", "imported", "tekst") in covered
    with store.session() as s:
        repo = TranscriptRepo(s)
        hamar = repo.resolve("hamar-1")
        assert "\r" not in repo.text(hamar.id) and not repo.text(hamar.id).startswith("\ufeff")
        assert hamar.case_name == "Hamar"
        case = repo.get_case("Hamar")
        assert (case.county, case.population) == ("Innlandet", 32000)
        assert {p.label for p in repo.participants(hamar.id)} == {"Ordfører", "Rådmann"}
        memos = CodingRepo(s).memos()
        assert [m.text for m in memos] == ["Udatert notat."]
        assert memos[0].coding_id is not None and memos[0].author == "imported"
        assert CodeRepo(s).get("C13").kind.value == "question"
