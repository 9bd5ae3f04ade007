"""Fuzzing the loader: whatever bytes or structures come in, the only failure is InputError."""

from __future__ import annotations

import itertools
import os
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.codebook import Codebook, codebook_from_dict, load_codebook
from coder.errors import InputError

# CODER_FUZZ_EXAMPLES=5000 for a long run; the default keeps the suite quick.
FUZZ = settings(
    max_examples=int(os.environ.get("CODER_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

GUIDE = resources.files("coder.codebook").joinpath("interview_guide.yaml").read_text("utf-8")
# The head of the packaged guide (sections A and part of B): realistic and quick to parse.
SAMPLE = GUIDE[: GUIDE.index("\n- id: B5\n")] + "\n"

_counter = itertools.count()


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("codebook-fuzz")


def _load(fuzz_dir: Path, content: bytes, suffix: str = ".yaml") -> Codebook | None:
    path = fuzz_dir / f"case{next(_counter)}{suffix}"
    path.write_bytes(content)
    try:
        return load_codebook(path)
    except InputError as err:
        assert str(err).startswith(str(path))
        assert "\n" not in str(err)
        return None
    finally:
        path.unlink()


def test_sample_is_valid(fuzz_dir: Path) -> None:
    cb = _load(fuzz_dir, SAMPLE.encode())
    assert cb is not None and "B4" in cb


@FUZZ
@given(content=st.binary(max_size=2000), suffix=st.sampled_from([".yaml", ".yml", ".json"]))
def test_random_bytes(fuzz_dir: Path, content: bytes, suffix: str) -> None:
    _load(fuzz_dir, content, suffix)


_YAML_NOISE = st.sampled_from(
    [":", "-", " ", "  ", "\t", "\n", "#", "[", "]", "{", "}", ",", "'", '"', "&a ", "*a", "!!",
     "? ", "|", ">", "%", "@", "`", "\\", "\x00", "\ufeff", "null", "~", "id: A", "parent: X",
     "kind: item", "- ", "2001-13-45", "1e999", "<<: *a", "!!python/object:os.system"]
)  # fmt: skip


@st.composite
def _mutated(draw: st.DrawFn, base: str = SAMPLE) -> str:
    text = base
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "dup-line", "drop-line"]))
        if op == "insert":
            text = text[:pos] + draw(_YAML_NOISE | st.text(max_size=5)) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 40)) :]
        elif op == "replace":
            text = text[:pos] + draw(_YAML_NOISE) + text[pos + 1 :]
        else:
            lines = text.splitlines(True)
            if lines:
                n = min(pos * len(lines) // (len(text) + 1), len(lines) - 1)
                lines[n : n + 1] = [lines[n], lines[n]] if op == "dup-line" else []
                text = "".join(lines)
    return text


@FUZZ
@given(text=_mutated())
def test_mutated_yaml(fuzz_dir: Path, text: str) -> None:
    _load(fuzz_dir, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(text=_mutated(), cut=st.integers(0, 40))
def test_mutated_yaml_bytes(fuzz_dir: Path, text: str, cut: int) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    _load(fuzz_dir, raw[: len(raw) - cut])  # may cut a multi-byte character in half


_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    ["id", "parent", "kind", "label", "text", "description", "color", "relation", "lexicon"]
)
_lexicon = st.fixed_dictionaries(
    {}, optional={"lemmas": st.lists(_scalars, max_size=4) | _values,
                  "phrases": st.lists(_scalars, max_size=4) | _values}
)  # fmt: skip
_code = st.dictionaries(_keys, _values | st.sampled_from(["A", "A1", "section", "item", "#abcdef"]))
_code = _code | st.builds(lambda c, lx: {**c, "lexicon": lx}, _code, _lexicon)


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {"codes": st.lists(_code, max_size=5) | _values},
        optional={"name": _values | st.just("x"), "version": _values, "source": _values},
    )
    | _values
)
def test_random_structures(data: object) -> None:
    try:
        codebook_from_dict(data, source="fuzz")
    except InputError as err:
        assert str(err).startswith("fuzz")
