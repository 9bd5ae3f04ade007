"""REFI-QDA project export and re-import on SQLite and PostgreSQL: schema validity, stable GUIDs,
and a round trip that reproduces codes, transcripts, codings, cases and memos."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from coder.codebook.model import Codebook, CodeDef
from coder.domain import CodeKind, CodingStatus, Relation
from coder.errors import ConflictError
from coder.export.refi_codebook import qdc_bytes, read_qdc, write_qdc
from coder.export.refi_export import export_qdpx
from coder.export.refi_import import import_qdpx
from coder.services import coding
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import CaseFacts, TranscriptRepo
from tests.factories import SAMPLE_TURNS, make_draft

NS = {"q": "urn:QDA-XML:project:1.0"}
_LABEL = re.compile(r"^[^:\n]{1,40}:\s*")

CODES = [
    ("A", None, CodeKind.SECTION, "Bakgrunn", None),
    ("A1", "A", CodeKind.QUESTION, "Begrunnelse", None),
    ("B", None, CodeKind.SECTION, "Organisering", None),
    ("B5", "B", CodeKind.QUESTION, "Rådmannens rolle", None),
    ("B5a", "B5", CodeKind.ITEM, "Styring", None),
    ("C", None, CodeKind.SECTION, "Erfaringer", None),
    ("C13", "C", CodeKind.QUESTION, "Samspill", None),
    ("C13d.i", "C13", CodeKind.ITEM, "Økonomi & «budsjett»", None),
    ("REL.politicians", None, CodeKind.RELATION, "Politisk ledelse", Relation.POLITICIANS),
    ("REL.ceo", None, CodeKind.RELATION, "Rådmannsnivået", Relation.CEO),
    ("REL.units", None, CodeKind.RELATION, "Virksomhetene", Relation.UNITS),
]

OTHER_TURNS = [
    ("Intervjuer", "Hva med virksomhetene? 👍 Fortell."),
    ("Rektor", "Vi får hjelp fra HR, men økonomirådgiveren er langt unna.\nDet tar tid."),
    ("Økonomisjef", "Vi prøver å være tett på – «nær», sier vi."),
]


def small_codebook() -> Codebook:
    return Codebook(
        name="test",
        version="1",
        source="test",
        language="nb",
        codes=tuple(
            CodeDef(
                id=i,
                parent=p,
                kind=k,
                label=label,
                description=f"Beskrivelse av {i}",
                color="#1d497c",
                relation=rel,
                ordinal=n,
            )
            for n, (i, p, k, label, rel) in enumerate(CODES, 1)
        ),
    )


def new_store(url: str) -> Store:
    store = Store(url)
    with store.session() as s:
        CodeRepo(s).sync_codebook(small_codebook())
    return store


@pytest.fixture
def second_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database on the same backend as `db_url`."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.sqlite'}"
    else:
        from tests.conftest import _pg_database

        yield from _pg_database()


@dataclass
class Built:
    store: Store
    transcripts: list[int]


def build_project(store: Store) -> Built:
    """Two cases, two transcripts, codings by two coders (whole, span, relation), a theme, memos."""
    with store.session() as s:
        repo = TranscriptRepo(s)
        repo.upsert_case(
            CaseFacts(
                "Flora",
                county="Vestland",
                population=11900,
                organisation_model="tonivå",
                reform_year=2004,
                notes="Kystkommune",
            )
        )
        stord = repo.upsert_case(CaseFacts("Stord", county="Vestland"))
        flora = repo.case_row("Flora")
        assert flora is not None
        draft = make_draft(SAMPLE_TURNS, name="flora-1.txt")
        draft.interview_date = date(2024, 3, 5)
        t1 = repo.add_draft(draft, flora.id).id
        t2 = repo.add_draft(make_draft(OTHER_TURNS, name="stord-1.txt", case="Stord"), stord.id).id
        CodeRepo(s).add("T.budsjett", "Budsjettprat", description="Om budsjett", color="#b07aa1")
        CodeRepo(s).set_setting("project.title", "Stab/støtte")
    with store.session() as s:
        seg1 = TranscriptRepo(s).segments(t1)
        seg2 = TranscriptRepo(s).segments(t2)
    c1 = coding.code_segment(store, seg1[1].id, "C13", "anna", relation=Relation.POLITICIANS)
    coding.code_segment(store, seg1[1].id, "C13", "bo")
    span = (seg1[2].start + 3, seg1[2].start + 20)
    c3 = coding.code_segment(store, seg1[2].id, "B5a", "anna", span=span, relation=Relation.CEO)
    coding.code_segment(store, seg2[1].id, "T.budsjett", "bo")
    emoji_seg = seg2[0]
    e_start = emoji_seg.start + emoji_seg.text.index("👍")
    coding.code_segment(store, emoji_seg.id, "C13d.i", "anna", span=(e_start, e_start + 9))
    coding.code_segment(store, seg2[2].id, "REL.units", "anna")
    with store.session() as s:
        row, _ = CodingRepo(s).upsert_suggestion(
            seg2[2].id, "A1", "nlp", score=0.7, evidence=["prøver"], relation=None
        )
    coding.add_memo(store, "anna", "Godt sitat om formannskapet.", coding_id=c1.id)
    coding.add_memo(store, "bo", "Lang tur.\nTo linjer.", segment_id=seg2[1].id)
    coding.add_memo(store, "anna", "Intervjuet ble avbrutt.", transcript_id=t2)
    coding.add_memo(store, "anna", "Bruk B5a for styringsdialog.", code_id="B5a")
    coding.add_memo(store, "bo", "Relasjon til rådmann?", coding_id=c3.id)
    return Built(store, [t1, t2])


# -- reading back what we exported ------------------------------------------------------------------------


def project_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def coded_ranges(store: Store) -> set[tuple[str, str, str, str, str | None]]:
    """(source name, code, coder, covered text, relation) for every accepted coding."""
    out = set()
    with store.session() as s:
        repo = TranscriptRepo(s)
        for t in repo.list_transcripts():
            text = repo.text(t.id)
            segs = {g.id: g for g in repo.segments(t.id)}
            for c in CodingRepo(s).for_transcript(t.id, statuses=[CodingStatus.ACCEPTED]):
                seg = segs[c.segment_id]
                a, b = (
                    (c.span_start, c.span_end) if c.span_start is not None else (seg.start, seg.end)
                )
                out.add(
                    (
                        t.source_name,
                        c.code_id,
                        c.coder,
                        text[a:b],
                        c.relation.value if c.relation else None,
                    )
                )
    return out


def memo_facts(store: Store) -> set[tuple[str, str, str]]:
    """(author, text, what it is attached to) for every memo."""
    out = set()
    with store.session() as s:
        trepo = TranscriptRepo(s)
        crepo = CodingRepo(s)
        for m in crepo.memos():
            if m.coding_id is not None:
                c = crepo.get(m.coding_id)
                seg = trepo.segment(c.segment_id)
                text = trepo.text(seg.transcript_id)
                a = c.span_start if c.span_start is not None else seg.start
                b = c.span_end if c.span_end is not None else seg.end
                where = f"coding {c.code_id} {c.coder} {text[a:b].strip()}"
            elif m.segment_id is not None:
                seg = trepo.segment(m.segment_id)
                # Imported segments keep the speaker label in their text; compare what follows.
                body = _LABEL.sub("", seg.text.strip())
                where = f"segment {body[:30]}"
            elif m.transcript_id is not None:
                where = f"transcript {trepo.get(m.transcript_id).source_name}"
            elif m.code_id is not None:
                where = f"code {m.code_id}"
            else:
                where = "project"
            out.add((m.author, m.text, where))
    return out


@pytest.fixture(scope="module")
def project_schema(shared_dir: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(shared_dir / "refi" / "Project-mrt2019.xsd"))


@pytest.fixture(scope="module")
def codebook_schema(shared_dir: Path) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(shared_dir / "refi" / "Codebook-mrt2019.xsd"))


# -- tests ----------------------------------------------------------------------------------------------


def test_export_is_schema_valid_and_complete(db_url: str, tmp_path: Path, project_schema) -> None:  # type: ignore[no-untyped-def]
    built = build_project(new_store(db_url))
    out = tmp_path / "p.qdpx"
    summary = export_qdpx(built.store, out, coder="anna")
    xml = project_xml(out)
    project_schema.validate(xml)
    root = etree.fromstring(xml)
    assert root.get("origin", "").startswith("coder ")
    assert root.get("creationDateTime") and root.get("modifiedDateTime")
    assert summary.sources == 2 and summary.cases == 2 and summary.notes == 5
    assert summary.codes == len(CODES) + 1
    # 6 accepted codings (the nlp suggestion is not exported) plus relation markers.
    assert summary.codings == 6
    assert len(root.findall(".//q:PlainTextSelection/q:Coding", NS)) == 6 + 2
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        for src in root.findall(".//q:TextSource", NS):
            member = "sources/" + src.get("plainTextPath").removeprefix("internal://")
            assert member in names
            text = zf.read(member).decode("utf-8")
            for sel in src.findall("q:PlainTextSelection", NS):
                a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                assert 0 <= a < b <= len(text)
    names_in_book = {c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    assert "B5a Styring" in names_in_book and "T.budsjett Budsjettprat" in names_in_book
    users = {u.get("name") for u in root.findall(".//q:User", NS)}
    assert users == {"anna", "bo"}
    case = root.find(".//q:Case[@name='Flora']", NS)
    assert case is not None and len(case.findall("q:SourceRef", NS)) == 1
    assert len(case.findall("q:VariableValue", NS)) == 4


def test_guids_are_stable_between_exports(sqlite_url: str, tmp_path: Path) -> None:
    built = build_project(new_store(sqlite_url))
    a, b = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    export_qdpx(built.store, a, coder="anna")
    export_qdpx(built.store, b, coder="anna")
    assert a.read_bytes() == b.read_bytes()
    before = {e.get("guid") for e in etree.fromstring(project_xml(a)).iter() if e.get("guid")}
    with built.store.session() as s:
        seg = TranscriptRepo(s).segments(built.transcripts[1])[2]
    coding.code_segment(built.store, seg.id, "A1", "cecilie")
    c = tmp_path / "c.qdpx"
    export_qdpx(built.store, c, coder="anna")
    after = {e.get("guid") for e in etree.fromstring(project_xml(c)).iter() if e.get("guid")}
    assert before < after
    with pytest.raises(ConflictError):
        export_qdpx(built.store, c)
    export_qdpx(built.store, c, force=True)
    assert oct(c.stat().st_mode & 0o777) == "0o600"


def test_round_trip_reproduces_the_project(db_url: str, second_url: str, tmp_path: Path) -> None:
    source = build_project(new_store(db_url)).store
    out = tmp_path / "p.qdpx"
    export_qdpx(source, out, coder="anna")
    target = Store(second_url)  # truly empty: no codebook either
    outcome = import_qdpx(target, out)
    assert outcome.status == "imported", outcome.message
    with source.session() as s1, target.session() as s2:
        want = {c.id: c for c in CodeRepo(s1).list()}
        got = {c.id: c for c in CodeRepo(s2).list()}
        assert set(got) == set(want)
        assert CodeRepo(s2).setting("project.title") == "Stab/støtte"
        for cid, c in want.items():
            g = got[cid]
            assert (g.parent_id, g.label, g.kind, g.color, g.description) == (
                c.parent_id,
                c.label,
                c.kind,
                c.color,
                c.description,
            ), cid
            # Relation codes keep their relation; question codes may gain the packaged guide's.
            if c.kind is CodeKind.RELATION:
                assert g.relation == c.relation
        t_want = {t.source_name: t for t in TranscriptRepo(s1).list_transcripts()}
        t_got = {t.source_name: t for t in TranscriptRepo(s2).list_transcripts()}
        assert set(t_got) == set(t_want)
        for name, t in t_want.items():
            g = t_got[name]
            assert TranscriptRepo(s2).text(g.id) == TranscriptRepo(s1).text(t.id)
            assert (g.title, g.case_name, g.interview_date) == (
                t.title,
                t.case_name,
                t.interview_date,
            )
            parts_want = {(p.label, p.role_group) for p in TranscriptRepo(s1).participants(t.id)}
            parts_got = {(p.label, p.role_group) for p in TranscriptRepo(s2).participants(g.id)}
            assert parts_got == parts_want
        cases_want = {
            (c.name, c.county, c.population, c.organisation_model, c.reform_year, c.notes)
            for c in TranscriptRepo(s1).list_cases()
        }
        cases_got = {
            (c.name, c.county, c.population, c.organisation_model, c.reform_year, c.notes)
            for c in TranscriptRepo(s2).list_cases()
        }
        assert cases_got == cases_want
        for c in CodingRepo(s2).for_transcript(next(iter(t_got.values())).id):
            assert c.origin.value == "imported" and c.status is CodingStatus.ACCEPTED
    assert coded_ranges(target) == coded_ranges(source)
    assert memo_facts(target) == memo_facts(source)
    # Importing the same archive again changes nothing.
    again = import_qdpx(target, out)
    assert again.status == "unchanged", again.message
    assert coded_ranges(target) == coded_ranges(source)


def test_round_trip_into_a_project_with_the_codebook_keeps_it(
    sqlite_url: str, tmp_path: Path
) -> None:
    source = build_project(new_store(sqlite_url)).store
    with source.session() as s:
        CodeRepo(s).edit("B5a", label="Styring og kontroll")
    out = tmp_path / "p.qdpx"
    export_qdpx(source, out)
    target = new_store(f"sqlite:///{tmp_path / 't.sqlite'}")
    outcome = import_qdpx(target, out)
    assert "1 codes added" in outcome.message  # only the theme is new
    with target.session() as s:
        assert CodeRepo(s).get("B5a").label == "Styring og kontroll"
    assert coded_ranges(target) == coded_ranges(source)


def test_dry_run_writes_nothing(sqlite_url: str, tmp_path: Path) -> None:
    source = build_project(new_store(sqlite_url)).store
    out = tmp_path / "p.qdpx"
    export_qdpx(source, out)
    target = Store(f"sqlite:///{tmp_path / 't.sqlite'}")
    outcome = import_qdpx(target, out, dry_run=True)
    assert outcome.status == "would-import"
    assert "2 text sources" in outcome.message and outcome.segments > 0
    with target.session() as s:
        assert TranscriptRepo(s).list_transcripts() == [] and CodeRepo(s).is_empty()


def test_codebook_qdc_round_trip(tmp_path: Path, codebook_schema) -> None:  # type: ignore[no-untyped-def]
    book = small_codebook()
    path = tmp_path / "book.qdc"
    write_qdc(book, path)
    codebook_schema.validate(path.read_bytes())
    assert qdc_bytes(book) == path.read_bytes()
    back = read_qdc(path)
    assert [(c.id, c.parent, c.label, c.color, c.description) for c in back.codes] == [
        (c.id, c.parent, c.label, c.color, c.description) for c in book.codes
    ]
    assert {c.id: c.kind for c in back.codes} == {c.id: c.kind for c in book.codes}
    with pytest.raises(ConflictError):
        write_qdc(book, path)


def test_qdc_from_another_program_becomes_themes(tmp_path: Path) -> None:
    path = tmp_path / "nvivo.qdc"
    path.write_bytes(
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\r\n'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo">\r\n<Codes>'
        b'<Code guid="{11111111-2222-3333-4444-555555555555}" name="Economy" isCodable="true" color="#F00">'
        b"<Description>money</Description>"
        b'<Code guid="11111111-2222-3333-4444-555555555556" name="Budget" isCodable="true"/>'
        b'<Code guid="11111111-2222-3333-4444-555555555557" name="Budget" isCodable="false"/>'
        b"</Code>"
        b'<Code guid="11111111-2222-3333-4444-555555555558" name="B5a Styring" isCodable="true"/>'
        b"</Codes></CodeBook>"
    )
    book = read_qdc(path)
    ids = [c.id for c in book.codes]
    assert ids == ["T.imported", "T.economy", "T.budget", "T.budget-2", "B5a"]
    eco = book.get("T.economy")
    assert (eco.parent, eco.color, eco.description, eco.kind) == (
        "T.imported",
        "#ff0000",
        "money",
        CodeKind.THEME,
    )
    assert book.get("T.budget-2").parent == "T.economy"
    assert book.get("B5a").kind is CodeKind.ITEM and book.get("B5a").parent is None


def test_export_command_writes_an_archive(sqlite_url: str, tmp_path: Path) -> None:
    cli = pytest.importorskip(
        "coder.cli", reason="the CLI needs the ingest package", exc_type=ImportError
    )
    from typer.testing import CliRunner

    build_project(new_store(sqlite_url))
    out = tmp_path / "cli.qdpx"
    runner = CliRunner()
    result = runner.invoke(
        cli.app, ["--db", sqlite_url, "--coder", "anna", "export", "qdpx", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert '"sources": 2' in result.output
    assert zipfile.is_zipfile(io.BytesIO(out.read_bytes()))
    again = runner.invoke(cli.app, ["--db", sqlite_url, "export", "qdpx", str(out)])
    assert again.exit_code != 0


def test_empty_project_exports_valid_xml(sqlite_url: str, tmp_path: Path, project_schema) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "empty.qdpx"
    summary = export_qdpx(Store(sqlite_url), out)
    project_schema.validate(project_xml(out))
    assert (summary.sources, summary.codes, summary.codings) == (0, 0, 0)


def test_control_characters_survive_as_valid_xml(
    sqlite_url: str, tmp_path: Path, project_schema
) -> None:  # type: ignore[no-untyped-def]
    store = new_store(sqlite_url)
    turns = [("Ordfører", "Tekst med \x07bjelle og \x0bvtab."), ("Rådmann", "Svar.")]
    with store.session() as s:
        tid = TranscriptRepo(s).add_draft(make_draft(turns, name="ctl\x01.txt"), None).id
    with store.session() as s:
        seg = TranscriptRepo(s).segments(tid)[0]
    c = coding.code_segment(store, seg.id, "A1", "anna")
    coding.add_memo(store, "anna", "Notat med \x1b escape", coding_id=c.id)
    out = tmp_path / "ctl.qdpx"
    export_qdpx(store, out)
    project_schema.validate(project_xml(out))
    target = Store(f"sqlite:///{tmp_path / 't.sqlite'}")
    assert import_qdpx(target, out).status == "imported"
    # The transcript text travels in a file, untouched; only XML strings (the name) are made safe.
    assert {r[1:] for r in coded_ranges(target)} == {r[1:] for r in coded_ranges(store)}
    assert {r[0] for r in coded_ranges(target)} == {"ctl\ufffd.txt"}
