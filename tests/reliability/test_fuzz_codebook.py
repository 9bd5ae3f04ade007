"""Fuzzing the codebook service: damaged YAML, JSON and REFI-QDA .qdc files loaded into a project.

A file that cannot be loaded raises one CoderError line naming the file and leaves the codes
table untouched; anything else is a bug. Examples per test: CODER_FUZZ_EXAMPLES (default 50).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coder.codebook.export import codebook_to_dict, codebook_to_yaml
from coder.codebook.loader import default_codebook
from coder.codebook.model import Codebook
from coder.errors import CoderError
from coder.services.codebook import load_codebook_into_store
from coder.services.project import open_store
from coder.store.db import Store
from tests.reliability.fuzzing import FUZZ, mutated, row_counts

_names = itertools.count()


def small_codebook() -> Codebook:
    """Section B of the guide and the relation codes: small, valid, realistic."""
    full = default_codebook()
    codes = tuple(c for c in full.codes if c.id == "B" or c.id.startswith(("B", "REL")))
    return Codebook(name="fuzz", version="1", source="fuzz", language="nb", codes=codes)


@pytest.fixture(scope="module")
def cb_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Path]]:
    folder = tmp_path_factory.mktemp("cbfuzz")
    store = open_store(f"sqlite:///{folder / 'fuzz.sqlite'}")
    yield store, folder
    store.dispose()


def load_and_check(store: Store, folder: Path, ext: str, data: bytes) -> bool:
    path = folder / f"codebook-{next(_names)}{ext}"
    path.write_bytes(data)
    before = row_counts(store.engine)
    try:
        load_codebook_into_store(store, path)
    except CoderError as exc:
        msg = str(exc)
        assert "\n" not in msg.strip(), msg
        assert path.name in msg, msg
        assert row_counts(store.engine) == before, f"a failed load wrote rows: {msg}"
        return False
    finally:
        path.unlink()
    return True


def _seed(ext: str) -> bytes:
    cb = small_codebook()
    if ext == ".yaml":
        return codebook_to_yaml(cb).encode()
    if ext == ".json":
        return json.dumps(codebook_to_dict(cb), ensure_ascii=False, indent=1).encode()
    from coder.export.refi_codebook import qdc_bytes

    return qdc_bytes(cb)


FORMATS = [
    ".yaml",
    ".json",
    pytest.param(
        ".qdc",
        marks=pytest.mark.skipif(
            importlib.util.find_spec("coder.export.refi_codebook") is None,
            reason="REFI-QDA codebooks not on this branch",
        ),
    ),
]


@pytest.mark.parametrize("ext", FORMATS)
def test_fuzz_codebook_load(cb_env: tuple[Store, Path], ext: str) -> None:
    store, folder = cb_env
    seed = _seed(ext)
    assert load_and_check(store, folder, ext, seed), "the seed codebook must load"

    @FUZZ
    @given(data=st.one_of(mutated(seed), st.binary(max_size=400)))
    def run(data: bytes) -> None:
        load_and_check(store, folder, ext, data)

    run()
