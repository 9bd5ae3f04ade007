"""Fuzzing the import service: random and damaged files of every format, into a real database.

Whatever the bytes, `import_files` returns an outcome: a failure is one line naming the file and
leaves every table as it was; a success stores the whole transcript. Examples per test:
CODER_FUZZ_EXAMPLES (default 50).
"""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coder.services.importing import import_files
from coder.services.project import open_store
from coder.store.db import Store
from tests.reliability.fuzzing import FUZZ, mutated, row_counts
from tests.reliability.helpers import DEMO

_names = itertools.count()


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    folder = tmp_path_factory.mktemp("fuzz")
    store = open_store(f"sqlite:///{folder / 'fuzz.sqlite'}")
    yield store, folder
    store.dispose()


def import_and_check(store: Store, folder: Path, ext: str, data: bytes) -> str:
    """Import one file through the service and check the all-or-nothing contract; its status."""
    path = folder / f"hamar-fuzz-{next(_names)}{ext}"
    path.write_bytes(data)
    before = row_counts(store.engine)
    try:
        report = import_files(store, [path])
    finally:
        path.unlink()
    assert len(report.outcomes) == 1
    out = report.outcomes[0]
    after = row_counts(store.engine)
    if out.status == "failed":
        assert after == before, f"a failed import wrote rows: {out.message}"
        assert "\n" not in out.message.strip(), out.message
        assert path.name in out.message, out.message
        assert "Traceback" not in out.message
    elif out.status == "imported" and ext != ".qdpx":
        assert after["transcripts"] == before["transcripts"] + 1
        assert after["segments"] - before["segments"] == out.segments
        assert after["participants"] - before["participants"] == out.participants
    elif out.status in ("unchanged", "refused"):
        assert after == before
    return out.status


def _odt_seed(tmp: Path) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import P, Span

    doc = OpenDocumentText()
    bold = Style(name="Fet", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    for speaker, words in [
        ("Intervjuer", "Hvordan samarbeider dere med stab og støtte?"),
        ("Ordfører", "Formannskapet får gode saksframlegg fra økonomiavdelingen."),
        ("Rådmann", "Ledergruppa trenger styringsinformasjon hver måned."),
        ("Rektor", "Jeg savner hjelp fra personalavdelingen i rekrutteringen."),
    ]:
        p = P()
        p.addElement(Span(stylename=bold, text=f"{speaker}:"))
        p.addText(" " + words)
        doc.text.addElement(p)
    path = tmp / "seed.odt"
    doc.save(str(path))
    return path.read_bytes()


SRT_SEED = (
    "1\n00:00:01,000 --> 00:00:04,000\nIntervjuer: Hvordan fungerer stab og støtte?\n\n"
    "2\n00:00:04,500 --> 00:00:09,000\nØkonomisjef: Vi leverer rapporter til rådmannen.\n\n"
    "3\n00:00:09,500 --> 00:00:12,000\nRektor: Vi får for lite hjelp med personalsaker.\n"
).encode()

SEEDS: dict[str, bytes] = {
    ".txt": (DEMO / "hamar-1-etatsmodell.txt").read_bytes(),
    ".md": (DEMO / "stord-1-ledergruppe.md").read_bytes(),
    ".vtt": (DEMO / "flora-1-formannskap.vtt").read_bytes(),
    ".docx": (DEMO / "arendal-2-stab-og-enheter.docx").read_bytes(),
    ".srt": SRT_SEED,
}
ZIPPED = {".docx", ".odt", ".qdpx"}


def _inputs(seed: bytes, zipped: bool) -> st.SearchStrategy[bytes]:
    return st.one_of(mutated(seed, zipped=zipped), st.binary(max_size=600))


@pytest.mark.parametrize("ext", [".txt", ".md", ".vtt", ".srt", ".docx"])
def test_fuzz_transcript_import(fuzz_env: tuple[Store, Path], ext: str) -> None:
    store, folder = fuzz_env
    seen: set[str] = set()

    @FUZZ
    @given(data=_inputs(SEEDS[ext], ext in ZIPPED))
    def run(data: bytes) -> None:
        seen.add(import_and_check(store, folder, ext, data))

    run()
    assert "failed" in seen or "imported" in seen


def test_fuzz_odt_import(fuzz_env: tuple[Store, Path], tmp_path: Path) -> None:
    store, folder = fuzz_env
    seed = _odt_seed(tmp_path)
    assert import_and_check(store, folder, ".odt", seed) == "imported"

    @FUZZ
    @given(data=_inputs(seed, True))
    def run(data: bytes) -> None:
        import_and_check(store, folder, ".odt", data)

    run()


@pytest.mark.parametrize("ext", [".txt", ".md"])
def test_control_character_in_header_is_one_line(fuzz_env: tuple[Store, Path], ext: str) -> None:
    """Found by fuzzing: YAML's reader error spans two lines; the message must stay on one."""
    store, folder = fuzz_env
    data = SEEDS[ext].replace(b"---\r\n", b"---\r\x0b", 1).replace(b"---\n", b"---\n\x01", 1)
    assert import_and_check(store, folder, ext, data) == "failed"


def test_unmutated_seeds_import(fuzz_env: tuple[Store, Path]) -> None:
    """The seeds themselves are valid, so the mutations start from real files."""
    store, folder = fuzz_env
    for ext, seed in SEEDS.items():
        assert import_and_check(store, folder, ext, seed) in ("imported", "unchanged"), ext


needs_refi = pytest.mark.skipif(
    importlib.util.find_spec("coder.export.refi_import") is None,
    reason="REFI-QDA import not on this branch",
)


@needs_refi
def test_fuzz_qdpx_import(fuzz_env: tuple[Store, Path], shared_dir: Path) -> None:
    store, folder = fuzz_env
    seed = (shared_dir / "refi" / "skyloom-TestProject.qdpx").read_bytes()

    @FUZZ
    @given(data=_inputs(seed, True))
    def run(data: bytes) -> None:
        import_and_check(store, folder, ".qdpx", data)

    run()
