"""Codebook loading and validation: YAML or JSON in, a checked Codebook out, one-line errors.

Schema (see interview_guide.yaml): top-level `name` (required), `version`, `language`, `source`
and `codes`, a list of mappings with `id`, `kind` and `label` (required) and `parent`, `text`,
`description`, `color` ("#rrggbb"), `relation` (politicians, ceo, units) and
`lexicon: {lemmas: [...], phrases: [...]}`. Unknown keys are errors, so typos do not pass
silently. Lemmas are single lowercase words; phrases are multi-word expressions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from coder.codebook.model import Codebook, CodeDef, Lexicon
from coder.domain import CodeKind, Relation
from coder.errors import InputError

PACKAGED_GUIDE = "interview_guide.yaml"

# `A`, `C13d.i`, `C15e.i.1`, `REL.ceo`, `T.my-theme`: a capitalised head, dot-joined parts.
ID_PATTERN = re.compile(r"^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9_-]+)*$")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
TOP_KEYS = ("name", "version", "language", "source", "codes")
CODE_KEYS = (
    "id",
    "parent",
    "kind",
    "label",
    "text",
    "description",
    "color",
    "relation",
    "lexicon",
)
LEXICON_KEYS = ("lemmas", "phrases")
DEFAULT_COLOR = "#888888"


# -- public API -----------------------------------------------------------------------------


def load_codebook(path: str | Path) -> Codebook:
    """Read a codebook file (YAML, or JSON by its .json suffix) and validate it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("codebook file not found", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read codebook: {exc.strerror or exc}", path=path) from None
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return codebook_from_bytes(raw, source=str(path), fmt=fmt)


@cache
def default_codebook() -> Codebook:
    """The packaged interview guide (read once per process; Codebook is immutable)."""
    raw = resources.files("coder.codebook").joinpath(PACKAGED_GUIDE).read_bytes()
    return codebook_from_bytes(raw, source=PACKAGED_GUIDE)


def codebook_from_bytes(raw: bytes, *, source: str = "<codebook>", fmt: str = "yaml") -> Codebook:
    """Decode and parse file contents; `source` names the origin in error messages."""
    if not raw.strip():
        raise InputError("empty codebook file", path=source)
    if b"\x00" in raw:
        raise InputError("binary file, not a YAML or JSON codebook", path=source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (bad byte at offset {exc.start}); save the codebook as UTF-8",
            path=source,
        ) from None
    return codebook_from_text(text, source=source, fmt=fmt)


def codebook_from_text(text: str, *, source: str = "<codebook>", fmt: str = "yaml") -> Codebook:
    """Parse YAML (or JSON) text and validate it; errors carry the line where known."""
    if fmt == "json":
        data, lines = _parse_json(text, source), _Lines()
    elif fmt == "yaml":
        data, lines = _parse_yaml(text, source)
    else:
        raise InputError(f"unknown codebook format {fmt!r} (use yaml or json)", path=source)
    if data is None:
        raise InputError("empty codebook file", path=source)
    return _build(data, source, lines)


def codebook_from_dict(data: Any, *, source: str = "<codebook>") -> Codebook:
    """Validate already-parsed data (e.g. from a database or an API); `source` names it."""
    return _build(data, source, _Lines())


# -- parsing --------------------------------------------------------------------------------


@dataclass
class _Lines:
    """1-based line numbers of the codes and their fields, when parsed from YAML."""

    top: dict[str, int] = field(default_factory=dict)
    codes: dict[int, int] = field(default_factory=dict)
    fields: dict[tuple[int, str], int] = field(default_factory=dict)
    entries: dict[tuple[int, str, int], int] = field(default_factory=dict)

    def code(self, index: int, key: str | None = None, entry: int | None = None) -> int | None:
        if key is not None and entry is not None and (index, key, entry) in self.entries:
            return self.entries[(index, key, entry)]
        if key is not None and (index, key) in self.fields:
            return self.fields[(index, key)]
        return self.codes.get(index)


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", path=source, line=exc.lineno) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", path=source) from None


def _parse_yaml(text: str, source: str) -> tuple[Any, _Lines]:
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)  # already rejects non-printable characters
        node = loader.get_single_node()
        if node is None:
            return None, _Lines()
        _reject_duplicate_keys(node, source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise InputError(
            f"invalid YAML: {problem}", path=source, line=mark.line + 1 if mark else None
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(
            f"invalid YAML: control character #x{exc.character:04x} is not allowed",
            path=source,
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {_one_line(str(exc))}", path=source) from None
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply", path=source) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # PyYAML's constructors let some bad scalars through as plain exceptions
        # (e.g. a timestamp with month 13).
        raise InputError(f"invalid YAML value: {_one_line(str(exc))}", path=source) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, _line_map(node)


def _reject_duplicate_keys(root: yaml.Node, source: str) -> None:
    """PyYAML silently keeps the last of two equal keys; a codebook typo deserves an error."""
    stack = [root]
    seen_nodes: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:  # aliases can share nodes
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys and key.value != "<<":
                        raise InputError(
                            f"duplicate key {key.value!r}",
                            path=source,
                            line=key.start_mark.line + 1,
                        )
                    keys.add(key.value)
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _line_map(root: yaml.Node) -> _Lines:
    lines = _Lines()
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        lines.top[key.value] = key.start_mark.line + 1
        if key.value != "codes" or not isinstance(value, yaml.SequenceNode):
            continue
        for index, item in enumerate(value.value):
            lines.codes[index] = item.start_mark.line + 1
            if not isinstance(item, yaml.MappingNode):
                continue
            for ckey, cvalue in item.value:
                if not isinstance(ckey, yaml.ScalarNode):
                    continue
                lines.fields[(index, ckey.value)] = ckey.start_mark.line + 1
                if ckey.value == "lexicon" and isinstance(cvalue, yaml.MappingNode):
                    for lkey, lvalue in cvalue.value:
                        if not isinstance(lkey, yaml.ScalarNode):
                            continue
                        name = f"lexicon.{lkey.value}"
                        lines.fields[(index, name)] = lkey.start_mark.line + 1
                        if isinstance(lvalue, yaml.SequenceNode):
                            for n, entry in enumerate(lvalue.value):
                                lines.entries[(index, name, n)] = entry.start_mark.line + 1
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- validation -----------------------------------------------------------------------------


class _Checker:
    """Raises the first defect as an InputError naming the file, the code and the line."""

    def __init__(self, source: str, lines: _Lines) -> None:
        self.source = source
        self.lines = lines

    def fail(
        self,
        message: str,
        index: int | None = None,
        key: str | None = None,
        entry: int | None = None,
        *,
        top: str | None = None,
    ) -> InputError:
        line = None
        if top is not None:
            line = self.lines.top.get(top)
        elif index is not None:
            line = self.lines.code(index, key, entry)
        return InputError(message, path=self.source, line=line)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple | set):
        return "a list"  # never repr a container: YAML aliases can make it enormous
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _build(data: Any, source: str, lines: _Lines) -> Codebook:
    check = _Checker(source, lines)
    if not isinstance(data, Mapping):
        raise check.fail(
            f"a codebook must be a mapping with 'name' and 'codes', not {type(data).__name__}"
        )
    unknown = [str(k) for k in data if k not in TOP_KEYS]
    if unknown:
        raise check.fail(
            f"unknown top-level key {unknown[0]!r} (allowed: {', '.join(TOP_KEYS)})",
            top=unknown[0],
        )
    name = _top_string(data, "name", check, required=True)
    version = data.get("version", "1")
    if isinstance(version, bool) or not isinstance(version, str | int | float):
        raise check.fail(f"'version' must be text, not {_describe(version)}", top="version")
    language = _top_string(data, "language", check) or "nb"
    source_text = _top_string(data, "source", check)
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        raise check.fail("'codes' must be a non-empty list of codes", top="codes")

    codes = [_build_code(raw, index, check) for index, raw in enumerate(raw_codes)]
    _check_tree(codes, check)
    return Codebook(
        name=name,
        version=str(version),
        source=source_text,
        language=language,
        codes=tuple(codes),
    )


def _top_string(data: Mapping[str, Any], key: str, check: _Checker, required: bool = False) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise check.fail(f"'{key}' must be non-empty text, not {_describe(value)}", top=key)
    return value.strip()


def _build_code(raw: Any, index: int, check: _Checker) -> CodeDef:
    if not isinstance(raw, Mapping):
        raise check.fail(f"codes[{index}] must be a mapping with id, kind, label", index)
    code_id = raw.get("id")
    if not isinstance(code_id, str) or not code_id:
        raise check.fail(
            f"codes[{index}]: 'id' must be text, not {_describe(code_id)}", index, "id"
        )
    if not ID_PATTERN.match(code_id):
        raise check.fail(
            f"code {code_id!r}: invalid id (use the guide's numbering joined with dots, "
            "e.g. C13d.i, REL.ceo, T.my-theme)",
            index,
            "id",
        )
    where = f"code {code_id!r}"
    unknown = [str(k) for k in raw if k not in CODE_KEYS]
    if unknown:
        raise check.fail(
            f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(CODE_KEYS)})",
            index,
            unknown[0],
        )

    parent = raw.get("parent")
    if parent is not None and (not isinstance(parent, str) or not parent):
        raise check.fail(
            f"{where}: 'parent' must be a code id or null, not {_describe(parent)}", index, "parent"
        )

    kind_value = raw.get("kind")
    try:
        kind = CodeKind(kind_value)
    except (ValueError, TypeError):
        allowed = ", ".join(k.value for k in CodeKind)
        raise check.fail(
            f"{where}: invalid kind {_describe(kind_value)} (allowed: {allowed})", index, "kind"
        ) from None

    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        raise check.fail(
            f"{where}: 'label' must be non-empty text, not {_describe(label)}", index, "label"
        )
    text = _optional_text(raw, "text", where, index, check)
    description = _optional_text(raw, "description", where, index, check)

    color = raw.get("color", DEFAULT_COLOR)
    if not isinstance(color, str) or not COLOR_PATTERN.match(color):
        hint = ' (quote it: "#rrggbb"; an unquoted # starts a comment)' if color is None else ""
        raise check.fail(
            f"{where}: color must be #rrggbb, not {_describe(color)}{hint}", index, "color"
        )

    relation_value = raw.get("relation")
    relation: Relation | None = None
    if relation_value is not None:
        try:
            relation = Relation(relation_value)
        except (ValueError, TypeError):
            allowed = ", ".join(r.value for r in Relation)
            raise check.fail(
                f"{where}: invalid relation {_describe(relation_value)} "
                f"(allowed: {allowed}, or null)",
                index,
                "relation",
            ) from None

    return CodeDef(
        id=code_id,
        parent=parent,
        kind=kind,
        label=label.strip(),
        text=text,
        description=description,
        color=color.lower(),
        relation=relation,
        lexicon=_build_lexicon(raw.get("lexicon"), where, index, check),
        ordinal=index,
    )


def _optional_text(
    raw: Mapping[str, Any], key: str, where: str, index: int, check: _Checker
) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise check.fail(f"{where}: '{key}' must be text, not {_describe(value)}", index, key)
    return value.strip()


def _build_lexicon(raw: Any, where: str, index: int, check: _Checker) -> Lexicon:
    if raw is None:
        return Lexicon()
    if not isinstance(raw, Mapping):
        raise check.fail(
            f"{where}: 'lexicon' must be a mapping with lemmas and phrases", index, "lexicon"
        )
    unknown = [str(k) for k in raw if k not in LEXICON_KEYS]
    if unknown:
        raise check.fail(
            f"{where}: unknown lexicon key {unknown[0]!r} (allowed: lemmas, phrases)",
            index,
            f"lexicon.{unknown[0]}",
        )
    lemmas = _entries(raw.get("lemmas"), "lemmas", where, index, check)
    for n, lemma in enumerate(lemmas):
        key = "lexicon.lemmas"
        if any(ch.isspace() for ch in lemma):
            raise check.fail(
                f"{where}: lemma {lemma!r} must be a single word (put expressions under phrases)",
                index,
                key,
                n,
            )
        if lemma != lemma.lower():
            raise check.fail(
                f"{where}: lemma {lemma!r} must be lowercase ({lemma.lower()!r})", index, key, n
            )
    phrases = tuple(
        " ".join(p.split()) for p in _entries(raw.get("phrases"), "phrases", where, index, check)
    )
    seen: set[str] = set()
    for n, phrase in enumerate(phrases):
        if phrase.casefold() in seen:
            raise check.fail(f"{where}: duplicate phrase {phrase!r}", index, "lexicon.phrases", n)
        seen.add(phrase.casefold())
    return Lexicon(lemmas=lemmas, phrases=phrases)


def _entries(raw: Any, name: str, where: str, index: int, check: _Checker) -> tuple[str, ...]:
    key = f"lexicon.{name}"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise check.fail(f"{where}: lexicon {name} must be a list of text", index, key)
    out: list[str] = []
    for n, entry in enumerate(raw):
        if not isinstance(entry, str) or not entry.strip():
            raise check.fail(
                f"{where}: lexicon {name} entries must be non-empty text, not {_describe(entry)}",
                index,
                key,
                n,
            )
        if name == "lemmas" and entry in out:
            raise check.fail(f"{where}: duplicate lemma {entry!r}", index, key, n)
        out.append(entry.strip() if name == "phrases" else entry)
    return tuple(out)


def _check_tree(codes: list[CodeDef], check: _Checker) -> None:
    index_of: dict[str, int] = {}
    for index, code in enumerate(codes):
        if code.id in index_of:
            raise check.fail(
                f"duplicate code id {code.id!r} (first defined as codes[{index_of[code.id]}])",
                index,
                "id",
            )
        index_of[code.id] = index
    for index, code in enumerate(codes):
        if code.parent is not None and code.parent not in index_of:
            raise check.fail(
                f"code {code.id!r}: parent {code.parent!r} is not defined", index, "parent"
            )
    parent_of = {c.id: c.parent for c in codes}
    for index, code in enumerate(codes):
        seen = [code.id]
        current = code.parent
        while current is not None:
            if current in seen:
                cycle = " -> ".join([*seen[seen.index(current) :], current])
                raise check.fail(
                    f"code {code.id!r}: parents form a cycle ({cycle})", index, "parent"
                )
            seen.append(current)
            current = parent_of[current]
