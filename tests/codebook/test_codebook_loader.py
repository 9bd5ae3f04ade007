"""Loading codebooks from YAML/JSON and the one-line errors for each kind of defect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.codebook import codebook_from_dict, load_codebook
from coder.domain import CodeKind, Relation
from coder.errors import EXIT_INPUT, InputError

GOOD = """\
name: Test codebook
version: 2
language: nb
source: A test
codes:
  - id: A
    kind: section
    label: Bakgrunn
    color: "#112233"
  - id: A1
    parent: A
    kind: question
    label: Begrunnelse
    text: Hvorfor?
    lexicon:
      lemmas: [begrunnelse, motiv]
      phrases: [grunnen til at]
  - id: REL.ceo
    kind: relation
    label: Rådmannsnivået
    relation: ceo
  - id: T.my-theme
    parent: A1
    kind: theme
    label: Et tema
"""


def write(tmp_path: Path, text: str, name: str = "cb.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str, name: str = "cb.yaml") -> InputError:
    path = write(tmp_path, text, name)
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    err = caught.value
    assert err.path == str(path)
    assert "\n" not in str(err)
    assert err.exit_code == EXIT_INPUT
    return err


def replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def test_good_yaml_loads_with_defaults(tmp_path: Path) -> None:
    cb = load_codebook(write(tmp_path, GOOD))
    assert cb.name == "Test codebook" and cb.version == "2" and cb.source == "A test"
    assert cb.ids() == ("A", "A1", "REL.ceo", "T.my-theme")
    a1 = cb.get("A1")
    assert a1.parent == "A" and a1.kind is CodeKind.QUESTION and a1.text == "Hvorfor?"
    assert a1.color == "#888888" and a1.description == "" and a1.relation is None
    assert a1.lexicon.lemmas == ("begrunnelse", "motiv")
    assert a1.lexicon.phrases == ("grunnen til at",)
    assert cb.get("REL.ceo").relation is Relation.CEO
    assert cb.get("T.my-theme").kind is CodeKind.THEME


def test_json_is_accepted(tmp_path: Path) -> None:
    yaml_cb = load_codebook(write(tmp_path, GOOD))
    data = {
        "name": "Test codebook",
        "version": "2",
        "language": "nb",
        "source": "A test",
        "codes": [
            {"id": "A", "kind": "section", "label": "Bakgrunn", "color": "#112233"},
            {
                "id": "A1",
                "parent": "A",
                "kind": "question",
                "label": "Begrunnelse",
                "text": "Hvorfor?",
                "lexicon": {"lemmas": ["begrunnelse", "motiv"], "phrases": ["grunnen til at"]},
            },
            {"id": "REL.ceo", "kind": "relation", "label": "Rådmannsnivået", "relation": "ceo"},
            {"id": "T.my-theme", "parent": "A1", "kind": "theme", "label": "Et tema"},
        ],
    }
    json_cb = load_codebook(write(tmp_path, json.dumps(data), "cb.json"))
    assert json_cb == yaml_cb


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    err = load_error(tmp_path, '{\n "name": "x",\n "codes": [\n}', "cb.json")
    assert err.line == 4 and "invalid JSON" in err.message


def test_colours_are_normalised_to_lowercase(tmp_path: Path) -> None:
    cb = load_codebook(write(tmp_path, replace('"#112233"', '"#AABBCC"')))
    assert cb.get("A").color == "#aabbcc"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert len(load_codebook(path)) == 4


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        ("id: A1\n", "id: A\n", 10, "duplicate code id 'A' (first defined as codes[0])"),
        ("parent: A\n", "parent: B\n", 11, "code 'A1': parent 'B' is not defined"),
        ("kind: question", "kind: chapter", 12, "code 'A1': invalid kind 'chapter'"),
        ("id: A1\n", "id: a1\n", 10, "code 'a1': invalid id"),
        ("id: A1\n", "id: A 1\n", 10, "invalid id"),
        ("id: A1\n", "id: 13\n", 10, "codes[1]: 'id' must be text, not 13"),
        ('"#112233"', '"#12345"', 9, "code 'A': color must be #rrggbb, not '#12345'"),
        ('"#112233"', "#112233", 9, 'quote it: "#rrggbb"'),
        ('"#112233"', '"red"', 9, "color must be #rrggbb"),
        ("relation: ceo", "relation: mayor", 21, "code 'REL.ceo': invalid relation 'mayor'"),
        ("label: Begrunnelse", "label: ''", 13, "code 'A1': 'label' must be non-empty text"),
        ("text: Hvorfor?", "text: [a, b]", 14, "code 'A1': 'text' must be text"),
        ("text: Hvorfor?", "txet: Hvorfor?", 14, "code 'A1': unknown key 'txet'"),
        ("motiv]", "Motiv]", 16, "lemma 'Motiv' must be lowercase ('motiv')"),
        ("motiv]", "godt motiv]", 16, "lemma 'godt motiv' must be a single word"),
        ("motiv]", "begrunnelse]", 16, "duplicate lemma 'begrunnelse'"),
        ("motiv]", "'']", 16, "lexicon lemmas entries must be non-empty text, not ''"),
        ("motiv]", "42]", 16, "lexicon lemmas entries must be non-empty text, not 42"),
        ("motiv]", "null]", 16, "entries must be non-empty text, not nothing"),
        (
            "[grunnen til at]",
            "[grunnen til at, Grunnen  til at]",
            17,
            "duplicate phrase 'Grunnen til at'",
        ),
        ("[grunnen til at]", "grunnen til at", 17, "lexicon phrases must be a list"),
        ("phrases:", "frases:", 17, "unknown lexicon key 'frases'"),
        ("name: Test codebook", "name: ''", 1, "'name' must be non-empty text"),
        ("language: nb", "langauge: nb", 3, "unknown top-level key 'langauge'"),
        ("version: 2", "version: [1]", 2, "'version' must be text"),
    ],
)
def test_each_defect_is_one_line_with_file_and_line(
    tmp_path: Path, old: str, new: str, line: int, fragment: str
) -> None:
    err = load_error(tmp_path, replace(old, new))
    assert fragment in err.message
    assert err.line == line, err.message
    assert str(err).startswith(f"{err.path}:{line}: ")


def test_cycles_are_reported(tmp_path: Path) -> None:
    text = GOOD.replace("kind: section", "parent: T.my-theme\n    kind: section", 1)
    err = load_error(tmp_path, text)
    assert "parents form a cycle (A -> T.my-theme -> A1 -> A)" in err.message
    assert err.line == 7


def test_self_parent_is_a_cycle(tmp_path: Path) -> None:
    err = load_error(tmp_path, replace("parent: A\n", "parent: A1\n"))
    assert "cycle (A1 -> A1)" in err.message


def test_duplicate_yaml_keys_are_reported(tmp_path: Path) -> None:
    err = load_error(tmp_path, replace("    label: Begrunnelse\n", "    label: B\n    label: C\n"))
    assert err.message == "duplicate key 'label'" and err.line == 14


def test_bad_yaml_syntax_names_the_line(tmp_path: Path) -> None:
    err = load_error(tmp_path, replace("label: Begrunnelse", "label: [Begrunnelse"))
    assert err.message.startswith("invalid YAML")
    assert err.line is not None and err.line >= 13


def test_tabs_in_indentation_are_a_syntax_error(tmp_path: Path) -> None:
    err = load_error(tmp_path, GOOD.replace("    kind: section", "\tkind: section", 1))
    assert err.message.startswith("invalid YAML") and err.line == 7


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty codebook file"),
        (b"   \n\n", "empty codebook file"),
        (b"# only a comment\n", "empty codebook file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"name: caf\xe9\n", "not UTF-8 text"),
        (b"- a\n- b\n", "a codebook must be a mapping"),
        (b"just text\n", "a codebook must be a mapping"),
        (b"name: x\n", "'codes' must be a non-empty list"),
        (b"name: x\ncodes: []\n", "'codes' must be a non-empty list"),
        (b"name: x\ncodes: [5]\n", "codes[0] must be a mapping"),
        (b"name: x\n---\nname: y\n", "invalid YAML"),
        (b"when: 2001-13-45\n", "invalid YAML value"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "cb.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    assert fragment in caught.value.message
    assert caught.value.path == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="codebook file not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_directory_is_not_a_codebook(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read codebook"):
        load_codebook(tmp_path)


def test_codebook_from_dict_names_its_source() -> None:
    with pytest.raises(InputError) as caught:
        codebook_from_dict(
            {"name": "x", "codes": [{"id": "A", "kind": "x", "label": "y"}]}, source="db"
        )
    assert (
        str(caught.value) == "db: code 'A': invalid kind 'x' (allowed: section, question, "
        "item, relation, theme)"
    )


def test_codebook_from_dict_rejects_non_mappings() -> None:
    for data in (None, [], "text", 3):
        with pytest.raises(InputError):
            codebook_from_dict(data)


def test_control_characters_name_their_line(tmp_path: Path) -> None:
    err = load_error(tmp_path, replace("label: Begrunnelse", "label: Begr\x08unnelse"))
    assert err.message == "invalid YAML: control character #x0008 is not allowed"
    assert err.line == 13
