"""Broken REFI-QDA files are refused with one clear InputError line and nothing written; a fuzz
test mutates valid .qdpx and .qdc files (bytes and XML) and lets only InputError escape."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.errors import InputError
from coder.export.refi_codebook import codebook_from_qdc_bytes, qdc_bytes
from coder.export.refi_export import export_qdpx
from coder.export.refi_import import import_qdpx
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo
from tests.export.test_refi_project import build_project, new_store, small_codebook


@lru_cache(maxsize=1)
def valid_archive() -> bytes:
    """A .qdpx exported from the test project (built once per test session)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = new_store(f"sqlite:///{Path(tmp) / 'src.sqlite'}")
        build_project(store)
        out = Path(tmp) / "p.qdpx"
        export_qdpx(store, out, coder="anna")
        store.dispose()
        return out.read_bytes()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def snapshot(store: Store) -> tuple[int, int, int, int, int]:
    with store.session() as s:
        return (
            len(TranscriptRepo(s).list_transcripts(include_retired=True)),
            len(CodeRepo(s).list()),
            len(CodingRepo(s).memos()),
            len(TranscriptRepo(s).list_cases()),
            sum(CodeRepo(s).counts().values()),
        )


def _drop_second_source(files: dict[str, bytes]) -> dict[str, bytes]:
    texts = sorted(n for n in files if n.startswith("sources/"))
    return {n: d for n, d in files.items() if n != texts[-1]}


def _past_the_end(files: dict[str, bytes]) -> dict[str, bytes]:
    xml = files["project.qde"].decode()
    start = xml.index('endPosition="') + len('endPosition="')
    end = xml.index('"', start)
    files = dict(files)
    files["project.qde"] = (xml[:start] + "999999" + xml[end:]).encode()
    return files


def _bad_xml(files: dict[str, bytes]) -> dict[str, bytes]:
    return {**files, "project.qde": files["project.qde"][:-40] + b"<Broken"}


def _no_project(files: dict[str, bytes]) -> dict[str, bytes]:
    return {n: d for n, d in files.items() if n != "project.qde"}


def _not_utf8(files: dict[str, bytes]) -> dict[str, bytes]:
    name = sorted(n for n in files if n.startswith("sources/"))[0]
    return {**files, name: "Ordfører: økonomi".encode("latin-1")}


def _entity(files: dict[str, bytes]) -> dict[str, bytes]:
    xml = files["project.qde"].replace(
        b"?>", b'?>\n<!DOCTYPE Project [<!ENTITY x "xxxxxxxxxx">]>', 1
    )
    return {**files, "project.qde": xml}


CASES = {
    "not a zip": (lambda data: b"this is not a zip archive at all", "not a REFI-QDA archive"),
    "truncated zip": (lambda data: data[: len(data) // 2], "not a REFI-QDA archive"),
    "empty file": (lambda data: b"", "not a REFI-QDA archive"),
    "no project.qde": (lambda data: rezip(_no_project(members(data))), "no project.qde"),
    "bad XML": (lambda data: rezip(_bad_xml(members(data))), "XML syntax error"),
    "missing source": (
        lambda data: rezip(_drop_second_source(members(data))),
        "missing from the archive",
    ),
    "past the end": (lambda data: rezip(_past_the_end(members(data))), "lies outside the text"),
    "not UTF-8": (lambda data: rezip(_not_utf8(members(data))), "is not UTF-8"),
    "DOCTYPE": (lambda data: rezip(_entity(members(data))), "DOCTYPE"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_archives_are_refused_and_nothing_is_written(
    case: str, db_url: str, tmp_path: Path
) -> None:
    make, phrase = CASES[case]
    path = tmp_path / "broken.qdpx"
    path.write_bytes(make(valid_archive()))
    store = new_store(db_url)
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        import_qdpx(store, path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and phrase in message, message
    assert snapshot(store) == before
    # A dry run refuses the same way.
    with pytest.raises(InputError):
        import_qdpx(store, path, dry_run=True)


def test_the_valid_archive_imports(sqlite_url: str, tmp_path: Path) -> None:
    """The fuzz tests start from a good file: make sure it is one."""
    path = tmp_path / "good.qdpx"
    path.write_bytes(valid_archive())
    assert import_qdpx(Store(sqlite_url), path).status == "imported"


# -- fuzzing ----------------------------------------------------------------------------------------------

_SNIPPETS = st.sampled_from(
    [
        "<",
        ">",
        '"',
        "'",
        "=",
        "/",
        "&",
        "&amp;",
        "<Code",
        "</Code>",
        'guid="x"',
        "-1",
        "99999999",
        'startPosition="',
        "\u0000",
        "\ufeff",
        "\r\n",
        "ø",
        "]]>",
        "<![CDATA[",
        "<!--",
        "{",
        "}",
    ]
)


@st.composite
def xml_mutation(draw: st.DrawFn, xml: str) -> str:
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(xml)))
        j = draw(st.integers(i, min(len(xml), i + 40)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "duplicate", "number"]))
        if op == "delete":
            xml = xml[:i] + xml[j:]
        elif op == "insert":
            xml = xml[:i] + draw(_SNIPPETS) + xml[i:]
        elif op == "replace":
            xml = xml[:i] + draw(_SNIPPETS) + xml[j:]
        elif op == "duplicate":
            xml = xml[:j] + xml[i:j] + xml[j:]
        else:
            digits = [k for k, ch in enumerate(xml) if ch.isdigit()]
            if digits:
                k = draw(st.sampled_from(digits))
                xml = xml[:k] + str(draw(st.integers(-5, 10**12))) + xml[k + 1 :]
    return xml


@st.composite
def byte_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not out:
            break
        i = draw(st.integers(0, len(out) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if op == "flip":
            out[i] ^= draw(st.integers(1, 255))
        elif op == "delete":
            del out[i : i + draw(st.integers(1, 16))]
        elif op == "insert":
            out[i:i] = draw(st.binary(min_size=1, max_size=8))
        else:
            del out[i:]
    return bytes(out)


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Store]]:
    """One SQLite project for all fuzz examples (module scope: hypothesis reuses it)."""
    folder = tmp_path_factory.mktemp("refi-fuzz")
    store = new_store(f"sqlite:///{folder / 'fuzz.sqlite'}")
    yield folder / "fuzz.qdpx", store
    store.dispose()


def _import_only_input_errors(target: tuple[Path, Store], data: bytes) -> None:
    path, store = target
    path.write_bytes(data)
    try:
        import_qdpx(store, path)
    except InputError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzzed_project_xml_raises_only_input_errors(fuzz_target, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    files = members(valid_archive())
    xml = data.draw(xml_mutation(files["project.qde"].decode("utf-8")))
    files["project.qde"] = xml.encode("utf-8")
    _import_only_input_errors(fuzz_target, rezip(files))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzzed_archive_bytes_raise_only_input_errors(fuzz_target, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    _import_only_input_errors(fuzz_target, data.draw(byte_mutation(valid_archive())))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_fuzzed_codebooks_raise_only_input_errors(data: st.DataObject) -> None:
    raw = qdc_bytes(small_codebook())
    if data.draw(st.booleans()):
        mutated = data.draw(xml_mutation(raw.decode("utf-8"))).encode("utf-8")
    else:
        mutated = data.draw(byte_mutation(raw))
    try:
        book = codebook_from_qdc_bytes(mutated, path="fuzz.qdc")
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert len(book) >= 1 and len(set(book.ids())) == len(book)
