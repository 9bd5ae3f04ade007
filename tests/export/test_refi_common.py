"""REFI-QDA building blocks: code names and ids, GUIDs, position maps, segment tiling."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from coder.domain import CodeKind, Relation
from coder.export.refi_common import (
    TextMap,
    code_guid,
    code_name,
    color_or_none,
    kind_for_id,
    norm_guid,
    relation_marker_guid,
    slug,
    split_code_name,
    split_selection,
    tile_segments,
)


def test_code_names_carry_our_ids_back() -> None:
    for code_id, label in [
        ("A", "Bakgrunn"),
        ("B5a", "Rådmannens rolle"),
        ("C13d.i", "Økonomi"),
        ("C15e.i.1", "Detalj"),
        ("REL.ceo", "Rådmannsnivået"),
        ("T.budsjett-prat", "Budsjettprat"),
    ]:
        assert split_code_name(code_name(code_id, label)) == (code_id, label)
    assert split_code_name("E") == ("E", "E")
    # Foreign names: no id of ours at the start.
    for name in [
        "Coke::diet Coke",
        "2022-05-10T02:05:59Z 19e4dce",
        "rq1_definition",
        "Feelings",
        "A1b2 x",
    ]:
        assert split_code_name(name) == (None, name)


def test_kinds_follow_the_id_shape() -> None:
    assert kind_for_id("A") == (CodeKind.SECTION, None)
    assert kind_for_id("C13") == (CodeKind.QUESTION, None)
    assert kind_for_id("C13d.i") == (CodeKind.ITEM, None)
    assert kind_for_id("REL.units") == (CodeKind.RELATION, Relation.UNITS)
    assert kind_for_id("T.x") == (CodeKind.THEME, None)


def test_guids_are_stable_and_canonical() -> None:
    assert code_guid("B5a") == code_guid("B5a") != code_guid("B5b")
    assert (
        norm_guid("{85D17F60-7BB0-481E-B742-B4861DD669DF}")
        == "85d17f60-7bb0-481e-b742-b4861dd669df"
    )
    assert norm_guid("not-a-guid") is None
    g = code_guid("A1")
    assert relation_marker_guid(g.upper(), "ceo") == relation_marker_guid(g, "ceo")


def test_slugs_and_colours() -> None:
    assert slug("Økonomi og styring!") == "okonomi-og-styring"
    assert slug("???") == "code"
    assert color_or_none("#F00") == "#ff0000"
    assert color_or_none("#46AA00") == "#46aa00"
    assert color_or_none("red") is None


def test_text_map_strips_bom_and_crlf_and_composes() -> None:
    raw = "\ufeffLinje én\r\nTo: a\u030a\r\nslutt"
    tm = TextMap.build(raw)
    assert tm.text == "Linje én\nTo: å\nslutt"
    body = raw[1:]  # positions count after the BOM
    assert tm.raw_length == len(body)
    start = body.index("To")
    end = body.index("slutt")
    assert tm.text[tm.start(start) : tm.end(end)] == "To: å\n"
    # An end between CR and LF widens to include the newline; a start inside "a+ring" widens back.
    assert tm.text[tm.start(0) : tm.end(body.index("\n"))] == "Linje én\n"
    ring = body.index("\u030a")
    assert tm.text[tm.start(ring) : tm.end(ring + 1)] == "å"


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab \n\r\u030a\u00e5\U0001f44d\ufeff")), max_size=40),
    st.data(),
)
def test_text_map_keeps_selected_text(raw: str, data: st.DataObject) -> None:
    """Mapping a raw range gives the normalised raw text of that range (or a widened superset)."""
    tm = TextMap.build(raw)
    n = tm.raw_length
    a = data.draw(st.integers(0, n))
    b = data.draw(st.integers(a, n))
    body = raw[1:] if raw.startswith("\ufeff") else raw
    want = unicodedata.normalize("NFC", body[a:b].replace("\r\n", "\n").replace("\r", "\n"))
    got = tm.text[tm.start(a) : tm.end(b)]
    assert 0 <= tm.start(a) <= tm.end(b) <= len(tm.text)
    if "\r" not in body and "\u030a" not in body:
        assert got == want.replace("\x00", "\ufffd")
    else:
        assert len(got) >= len(want) - 1


def test_segments_tile_the_text_and_selections_split_exactly() -> None:
    text = "\nOrdfører: ja\nog nei\n\n\nRådmann: kanskje\n\nslutt"
    segs = tile_segments(text)
    assert segs[0][0] == 0 and segs[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(segs, segs[1:], strict=False))
    assert [text[s:e].strip() for s, e in segs] == [
        "Ordfører: ja\nog nei",
        "Rådmann: kanskje",
        "slutt",
    ]
    start, end = text.index("nei"), text.index("slutt") + 3
    pieces = split_selection(segs, start, end)
    assert [k for k, _, _ in pieces] == [0, 1, 2]
    assert "".join(text[a:b] for _, a, b in pieces) == text[start:end]
    # Without blank lines every line is a block.
    assert len(tile_segments("a\nb\nc")) == 3
    assert tile_segments("\n") == [(0, 1)]
    assert tile_segments("") == []
