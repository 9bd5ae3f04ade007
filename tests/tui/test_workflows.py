"""Workflows driven through the Pilot, each checked in the database afterwards (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DirectoryTree

from coder.domain import CodingStatus, Relation
from coder.services import catalog, coding
from coder.tui.screens.codebook import CodebookScreen
from coder.tui.screens.coding import CodingScreen
from coder.tui.screens.library import LibraryScreen
from coder.tui.screens.search import SearchScreen
from tests.tui.helpers import SIZE, make_app, open_coding, settle
from tests.tui.project import CODER, Project

pytestmark = pytest.mark.asyncio


def status(project: Project, coding_id: int, coder: str = CODER) -> CodingStatus:
    codings = {
        c.id: c for c in catalog.segment_codings(project.store, _segment_of(project, coding_id))
    }
    return codings[coding_id].status


def _segment_of(project: Project, coding_id: int) -> int:
    for seg_ids in project.segments.values():
        for seg in seg_ids:
            for c in catalog.segment_codings(project.store, seg):
                if c.id == coding_id:
                    return seg
    raise AssertionError(coding_id)


async def test_accept_a_suggestion(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        # The Coding screen opens on the first informant turn; its best suggestion is selected.
        assert screen.view.current is not None
        assert screen.view.current.segment_id == project.segments[project.flora][1]
        await pilot.press("a")
        await settle(pilot)
        assert status(project, project.suggestions["b5a"]) is CodingStatus.ACCEPTED
        assert status(project, project.suggestions["b5"]) is CodingStatus.SUGGESTED
        assert [b[0] for b in screen.view.current.badges] == ["B5a"]


async def test_reject_suggestions_and_jump_to_the_next_pending(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        await pilot.press("x", "r")
        await settle(pilot)
        assert status(project, project.suggestions["b5a"]) is CodingStatus.REJECTED
        assert status(project, project.suggestions["b5"]) is CodingStatus.REJECTED
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.view.current is not None
        assert screen.view.current.segment_id == project.segments[project.flora][2]
        await pilot.press("A")
        await pilot.press(*"0.9", "enter")  # the default value is selected: typing replaces it
        await settle(pilot)
        assert status(project, project.suggestions["c13"]) is CodingStatus.ACCEPTED


async def test_code_a_span_by_keyboard_with_a_relation(project: Project) -> None:
    app = make_app(project)
    seg_id = project.segments[project.flora][1]
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        # Three words ("Vi i formannskapet"), then the fuzzy code picker.
        await pilot.press("shift+right", "shift+right", "shift+right", "c", *"C14", "enter")
        await settle(pilot)
        codings = [c for c in catalog.segment_codings(project.store, seg_id) if c.code_id == "C14"]
        assert len(codings) == 1
        c = codings[0]
        seg = next(
            s
            for s in catalog.transcript_view(project.store, project.flora).segments
            if s.id == seg_id
        )
        assert seg.text[c.span_start - seg.start : c.span_end - seg.start] == "Vi i formannskapet"
        assert (c.status, c.coder) == (CodingStatus.ACCEPTED, CODER)
        # The new code is selected in the side panel: R then p sets its relation.
        await pilot.press("R", "p")
        await settle(pilot)
        again = [x for x in catalog.segment_codings(project.store, seg_id) if x.code_id == "C14"][0]
        assert again.relation is Relation.POLITICIANS


async def test_undo_and_redo_are_persisted(project: Project) -> None:
    app = make_app(project)
    cid = project.suggestions["b5a"]
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        await pilot.press("a")
        await settle(pilot)
        assert status(project, cid) is CodingStatus.ACCEPTED
        await pilot.press("u")
        await settle(pilot)
        assert status(project, cid) is CodingStatus.SUGGESTED
        await pilot.press("U")
        await settle(pilot)
        assert status(project, cid) is CodingStatus.ACCEPTED
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert status(project, cid) is CodingStatus.SUGGESTED
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert status(project, cid) is CodingStatus.ACCEPTED
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.view.rows[1].pending == 1  # the screen follows the database


async def test_write_a_memo_on_a_segment_and_on_a_code(project: Project) -> None:
    app = make_app(project)
    seg_id = project.segments[project.flora][1]
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        await pilot.press("m", *"Viktig sitat", "ctrl+s")
        await settle(pilot)
        await pilot.press("M", *"Usikker", "ctrl+s")
        await settle(pilot)
    memos = catalog.transcript_view(project.store, project.flora).memos[seg_id]
    assert [(m.text, m.author, m.coding_id) for m in memos] == [
        ("Viktig sitat", CODER, None),
        ("Usikker", CODER, project.suggestions["b5a"]),
    ]


async def test_search_and_code_the_hits(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"politikerne", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert sorted(h.match.lower() for h in screen.hits) == [
            "politikeren",
            "politikerne",
            "politikerne",
            "politikerne",
        ]
        # Mark the two Arendal hits in the Ordfører turn, then code their segments.
        ordforer = [i for i, h in enumerate(screen.hits) if h.speaker == "Ordfører"]
        assert ordforer
        table = screen.query_one("#search-results")
        table.move_cursor(row=ordforer[0])  # type: ignore[attr-defined]
        await pilot.press("space", "c", *"B5", "enter")
        await settle(pilot)
        seg_id = screen.hits[ordforer[0]].segment_id
    coded = [c for c in catalog.segment_codings(project.store, seg_id) if c.code_id == "B5"]
    assert [(c.status, c.coder, c.span_start) for c in coded] == [
        (CodingStatus.ACCEPTED, CODER, None)
    ]


async def test_add_an_emergent_theme_in_the_codebook(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, CodebookScreen)
        # Down past A and A1 to B, then a new theme under it.
        await pilot.press("down", "down", "t", *"Tillit til stab", "enter")
        await settle(pilot)
    code = catalog.get_code(project.store, "T.tillit-til-stab")
    assert (code.label, code.parent_id, code.kind.value) == ("Tillit til stab", "B", "theme")


async def test_changes_by_another_coder_appear_after_the_poll(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        app.absorb_own_changes()
        await settle(pilot)
        seg_id = project.segments[project.flora][3]
        coding.code_segment(project.store, seg_id, "C14", "kari")
        app.poll_changes()
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert [b[0] for b in screen.view.rows[3].badges] == ["C14"]


async def test_help_lists_the_bindings(project: Project) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot, project.flora)
        await pilot.press("question_mark")
        await pilot.pause()
        rows = app.screen.rows  # type: ignore[attr-defined]
        ids = {r[2] for r in rows}
        assert {"coding.accept", "coding.reject", "edit.undo", "transcript.next", "app.help"} <= ids
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)


async def test_import_a_file_from_the_library(
    sqlite_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest = pytest.importorskip("coder.ingest")
    if not hasattr(ingest, "read_transcript"):
        pytest.skip("the ingest readers are not in this build yet")
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "stord-1.txt").write_text(
        "Intervjuer: Hvordan jobber dere med politikerne?\n\nOrdfører: Vi får gode saksframlegg.\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(folder)
    app = make_app(sqlite_project)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("i")
        await pilot.pause()
        tree = app.screen.query_one(DirectoryTree)
        for _ in range(200):  # the folder is read by the tree's own (never-ending) loader worker
            if tree.root.children:
                break
            await pilot.pause(0.05)
        await pilot.press("down", "space", "i")
        await pilot.pause()
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "work"])
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        assert "stord-1.txt" in {p.transcript.source_name for p in library.by_id.values()}
    titles = [t.source_name for t in catalog.list_transcripts(sqlite_project.store)]
    assert "stord-1.txt" in titles


async def test_autocode_from_the_library_with_progress(
    sqlite_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Library runs the tagging service in a worker; a stand-in with its signature records calls."""
    import sys
    import types

    from coder.store.codings import CodingRepo

    calls: list[tuple[str, list[int]]] = []
    progress_seen: list[tuple[int, int]] = []

    def autocode(store, coder, transcript_ids=None, *, progress=None, cancel=None, **_):  # type: ignore[no-untyped-def]
        ids = list(transcript_ids or [])
        calls.append((coder, ids))
        segs = [s for t in ids for s in sqlite_project.segments[t]]
        for i, seg in enumerate(segs):
            if cancel is not None and cancel():
                break
            with store.session() as s:
                CodingRepo(s).upsert_suggestion(
                    seg, "C14", coder, score=0.5, evidence=["hjelp"], relation=None
                )
            if progress is not None:
                progress(i + 1, len(segs), "arendal-1.txt")
                progress_seen.append((i + 1, len(segs)))
        return types.SimpleNamespace(stored=len(segs), transcripts=len(ids), cancelled=False)

    module = types.ModuleType("coder.services.autocode")
    module.autocode = autocode  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "coder.services.autocode", module)
    app = make_app(sqlite_project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        library = app.screen
        assert isinstance(library, LibraryScreen)
        assert library._selected_transcripts() == [sqlite_project.arendal]
        await pilot.press("a")
        await settle(pilot)
        assert calls == [(CODER, [sqlite_project.arendal])]
        assert progress_seen[-1] == (4, 4)
        assert library.by_id[sqlite_project.arendal].pending == 4


async def test_opening_from_the_library_gives_the_transcript_the_keys(
    sqlite_project: Project,
) -> None:
    app = make_app(sqlite_project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("enter")  # the highlighted transcript (Arendal)
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert app.focused is screen.view
        before = screen.view.cursor
        await pilot.press("j")
        await pilot.pause()
        assert screen.view.cursor == before + 1


async def test_coding_a_search_hit_keeps_the_cursor_on_it(project: Project) -> None:
    """Issue 18, finding 2: after coding hit 3, Enter and c act on hit 3, not hit 1."""
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press(*"politikerne", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen) and len(screen.hits) >= 3
        table = screen.query_one("#search-results")
        table.move_cursor(row=2)  # type: ignore[attr-defined]
        target = screen.hits[2]
        await pilot.press("c", *"B5a")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert table.cursor_row == 2  # type: ignore[attr-defined]
        assert screen.hits[2].segment_id == target.segment_id
        assert not screen.marked
        await pilot.press("c", *"C14")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    coded = {c.code_id for c in catalog.segment_codings(project.store, target.segment_id)}
    assert {"B5a", "C14"} <= coded
