"""The whole path on both backends: transcripts read by ingest into a project with the interview
guide, coded, exported as .qdpx, and imported through `coder import` into a fresh project."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema

from coder.domain import CodingStatus, Relation, RoleGroup
from coder.services import coding
from coder.services.importing import import_files
from coder.services.project import open_store
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo

CASES = """\
- name: Flora
  county: Vestland
  population: 11900
  organisation_model: two-level
  reform_year: 2004
- name: Hamar
  county: Innlandet
"""

FLORA = """\
---
case: Flora
title: Gruppeintervju i Flora
date: 2024-03-05
participants:
  - label: Intervjuer
    role: interviewer
  - label: Kari
    role: politician
  - label: Per
    role: ceo_level
---

Intervjuer: Hvordan bruker formannskapet økonomiavdelingen?

Kari: Vi får gode saksframlegg. Budsjettet er ryddig.

Det gjelder også tertialrapportene.

Per: Rådmannen trenger styringsinformasjon hver måned – «helst før møtet».
"""

HAMAR = (
    "\ufeffIntervjuer: Hva med virksomhetene?\r\n\r\n"
    "Rektor: Vi savner hjelp fra personalavdelingen.\r\n\r\n"
    "Intervjuer: Og økonomi?\r\n\r\n"
    "Rektor: Den er langt unna oss.\r\n"
)


@pytest.fixture
def second_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'second.sqlite'}"
    else:
        from tests.conftest import _pg_database

        yield from _pg_database()


def coverage(store: Store) -> set[tuple[str, str, str, str, str | None]]:
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
                        t.title,
                        c.code_id,
                        c.coder,
                        text[a:b],
                        c.relation.value if c.relation else None,
                    )
                )
    return out


def test_ingested_project_travels_through_refi(
    store: Store, second_url: str, tmp_path: Path, shared_dir: Path
) -> None:
    data = tmp_path / "in"
    data.mkdir()
    (data / "cases.yaml").write_text(CASES, encoding="utf-8")
    (data / "flora-1.txt").write_text(FLORA, encoding="utf-8")
    (data / "hamar-1.txt").write_bytes(HAMAR.encode("utf-8"))
    report = import_files(store, [data])
    assert report.count("imported") == 2, [o.message for o in report.outcomes]
    with store.session() as s:
        repo = TranscriptRepo(s)
        flora = repo.resolve("flora-1.txt")
        hamar = repo.resolve("hamar-1.txt")
        fsegs = repo.segments(flora.id)
        hsegs = repo.segments(hamar.id)
    kari = next(g for g in fsegs if g.speaker == "Kari")
    per = next(g for g in fsegs if g.speaker == "Per")
    coding.code_segment(store, kari.id, "C13", "anna", relation=Relation.POLITICIANS)
    start = per.start + per.text.index("styringsinformasjon")
    coding.code_segment(
        store,
        per.id,
        "B5",
        "anna",
        span=(start, start + len("styringsinformasjon")),
        relation=Relation.CEO,
    )
    coding.code_segment(store, hsegs[1].id, "REL.units", "bo")
    coding.add_memo(store, "bo", "Typisk for Hamar.", segment_id=hsegs[3].id)

    out = tmp_path / "project.qdpx"
    from coder.export.refi_export import export_qdpx

    export_qdpx(store, out, coder="anna")
    with zipfile.ZipFile(out) as zf:
        xmlschema.XMLSchema(str(shared_dir / "refi" / "Project-mrt2019.xsd")).validate(
            zf.read("project.qde")
        )

    target = open_store(second_url)
    report = import_files(target, [out])
    assert [o.status for o in report.outcomes] == ["imported"], report.outcomes[0].message
    assert coverage(target) == coverage(store)
    with store.session() as s1, target.session() as s2:
        assert len(CodeRepo(s2).list()) == len(CodeRepo(s1).list())
        t1 = {t.title: t for t in TranscriptRepo(s1).list_transcripts()}
        t2 = {t.title: t for t in TranscriptRepo(s2).list_transcripts()}
        assert set(t1) == set(t2)
        for title, t in t1.items():
            g = t2[title]
            assert TranscriptRepo(s2).text(g.id) == TranscriptRepo(s1).text(t.id)
            assert (g.case_name, g.interview_date) == (t.case_name, t.interview_date)
            roles = {(p.label, p.role_group) for p in TranscriptRepo(s1).participants(t.id)}
            assert {(p.label, p.role_group) for p in TranscriptRepo(s2).participants(g.id)} == roles
            # The "coder layout" variable brings back exactly the same segments.
            got = [(x.speaker, x.start, x.end) for x in TranscriptRepo(s2).segments(g.id)]
            want = [(x.speaker, x.start, x.end) for x in TranscriptRepo(s1).segments(t.id)]
            assert got == want
        assert TranscriptRepo(s2).get_case("Flora").reform_year == 2004
        assert ("Kari", RoleGroup.POLITICIAN) in {
            (p.label, p.role_group)
            for p in TranscriptRepo(s2).participants(t2["Gruppeintervju i Flora"].id)
        }
        memos = CodingRepo(s2).memos()
        assert [m.text for m in memos] == ["Typisk for Hamar."] and memos[0].segment_id is not None


def test_import_command_reads_a_qdpx(sqlite_url: str, tmp_path: Path, shared_dir: Path) -> None:
    from typer.testing import CliRunner

    from coder.cli import app

    runner = CliRunner()
    sample = shared_dir / "refi" / "qualitative-coding_demo.qdpx"
    result = runner.invoke(app, ["--db", sqlite_url, "import", str(sample), "--json"])
    assert result.exit_code == 0, result.output
    assert '"status": "imported"' in result.output and "205 codings" in result.output
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"not a zip")
    result = runner.invoke(app, ["--db", sqlite_url, "import", str(broken)])
    assert result.exit_code != 0


def test_codebook_commands_write_and_load_qdc(
    sqlite_url: str, tmp_path: Path, shared_dir: Path
) -> None:
    from typer.testing import CliRunner

    from coder.cli import app

    runner = CliRunner()
    out = tmp_path / "guide.qdc"
    result = runner.invoke(
        app, ["--db", sqlite_url, "codebook", "export", "--format", "qdc", str(out)]
    )
    assert result.exit_code == 0, result.output
    xmlschema.XMLSchema(str(shared_dir / "refi" / "Codebook-mrt2019.xsd")).validate(
        out.read_bytes()
    )
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    with open_store(other).session() as s:
        before = {c.id: c for c in CodeRepo(s).list()}
    result = runner.invoke(app, ["--db", other, "codebook", "load", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 codes added, 0 updated" in " ".join(result.output.split())
    with open_store(other).session() as s:
        after = {c.id: c for c in CodeRepo(s).list()}
    # Guide codes come back whole: REFI carries names, colours and descriptions, the packaged
    # guide the question texts and lexicons.
    assert after == before
