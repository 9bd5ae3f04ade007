"""Export: YAML that round-trips through the loader, and a Markdown tree naming every code."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.codebook import (
    Codebook,
    CodeDef,
    Lexicon,
    codebook_from_text,
    codebook_to_dict,
    codebook_to_markdown,
    codebook_to_yaml,
    default_codebook,
    load_codebook,
)
from coder.codebook.export import WIDTH
from coder.domain import CodeKind, Relation


def test_guide_round_trips_through_yaml(tmp_path: Path) -> None:
    cb = default_codebook()
    path = tmp_path / "guide.yaml"
    path.write_text(codebook_to_yaml(cb), encoding="utf-8")
    assert load_codebook(path) == cb


def test_guide_round_trips_through_json(tmp_path: Path) -> None:
    cb = default_codebook()
    path = tmp_path / "guide.json"
    path.write_text(json.dumps(codebook_to_dict(cb), ensure_ascii=False), encoding="utf-8")
    assert load_codebook(path) == cb


def test_yaml_lines_stay_short_and_phrases_are_never_split() -> None:
    text = codebook_to_yaml(default_codebook())
    assert max(len(line) for line in text.splitlines()) <= WIDTH + 5
    for phrase in ("herre i eget hus", "på vegne av rådmannen", "fingeren på snøret"):
        assert phrase in text


def test_markdown_mentions_every_id_label_and_text() -> None:
    cb = default_codebook()
    md = codebook_to_markdown(cb)
    assert md.startswith(f"# {cb.name}\n")
    assert cb.source in md
    for code in cb.codes:
        assert f"`{code.id}` {code.label}" in md
        assert code.text in md
    assert "«fingeren på snøret»" in md
    assert "relation: politicians" in md


def test_markdown_nests_headings_by_depth() -> None:
    md = codebook_to_markdown(default_codebook())
    assert "\n## `C` " in md and "\n### `C13` " in md and "\n#### `C13d` " in md
    assert "\n##### `C13d.i` " in md and "\n###### `C15e.i.1` " in md


def _codebook(label: str, text: str, description: str, phrases: tuple[str, ...]) -> Codebook:
    return Codebook(
        name="Fuzz",
        version="0.1",
        source="",
        language="nb",
        codes=(
            CodeDef(id="A", parent=None, kind=CodeKind.SECTION, label=label, ordinal=0),
            CodeDef(
                id="A1",
                parent="A",
                kind=CodeKind.QUESTION,
                label=label,
                text=text,
                description=description,
                color="#a1b2c3",
                relation=Relation.UNITS,
                lexicon=Lexicon(lemmas=("ord", "x"), phrases=phrases),
                ordinal=1,
            ),
        ),
    )


# Text as the loader keeps it: stripped; phrases: whitespace-normalised, unique by casefold.
_stripped = st.text(min_size=0, max_size=300).map(str.strip)
_label = _stripped.filter(bool)
_phrase = st.text(min_size=1, max_size=40).map(lambda p: " ".join(p.split())).filter(bool)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    label=_label,
    text=_stripped,
    description=_stripped,
    phrases=st.lists(_phrase, max_size=6, unique_by=str.casefold).map(tuple),
)
def test_any_text_round_trips(
    label: str, text: str, description: str, phrases: tuple[str, ...]
) -> None:
    cb = _codebook(label, text, description, phrases)
    assert codebook_from_text(codebook_to_yaml(cb)) == cb


def test_multiline_and_awkward_text_round_trips() -> None:
    text = "Første linje: «sitat» # ikke kommentar\n\n  innrykket linje\nsiste – linje?"
    description = "- ser ut som en liste\n? ser ut som en nøkkel: ja " + "lang " * 40
    cb = _codebook("'quoted' & \"double\" | pipe", text.strip(), description.strip(), ("a, b",))
    yaml_text = codebook_to_yaml(cb)
    assert codebook_from_text(yaml_text) == cb
