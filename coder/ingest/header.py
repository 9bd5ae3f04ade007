"""YAML front matter between `---` lines at the top of a transcript: case, title, date, people.

The header is removed from the stored text: `split_front_matter` returns the body
that follows the closing `---` (leading blank lines dropped), and every offset of a
draft refers to that body. Errors name the line in the original file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from coder.domain import RoleGroup
from coder.errors import InputError
from coder.ingest.roles import parse_role_value

MAX_HEADER_CHARS = 64_000
KNOWN_KEYS = frozenset({"case", "title", "date", "language", "participants"})
_OPEN_RE = re.compile(r"---[ \t]*\n")
_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is reported on its own line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(slots=True)
class HeaderParticipant:
    label: str
    name: str
    role_group: RoleGroup | None  # None: not given, infer from the label
    role_title: str | None
    line: int


@dataclass(slots=True)
class Header:
    case: str | None = None
    title: str | None = None
    date: dt.date | None = None
    language: str | None = None
    participants: list[HeaderParticipant] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def split_front_matter(text: str, path: str | Path) -> tuple[Header | None, str]:
    """Split `text` into (header or None, body). The body is what gets stored."""
    if not _OPEN_RE.match(text):
        return None, text
    close = _CLOSE_RE.search(text, 4)
    if close is None:
        raise InputError("header: opening '---' without a closing '---'", path=path, line=1)
    raw = text[4 : close.start()]
    if len(raw) > MAX_HEADER_CHARS:
        raise InputError("header: too long", path=path, line=1)
    body = text[close.end() :]
    body = body.lstrip("\n") if body.strip() else ""
    return _parse_header(raw, path), body


def _line_of(node: yaml.Node | None, default: int = 1) -> int:
    # +2: marks are 0-based and the YAML starts on the line after the opening '---'.
    return node.start_mark.line + 2 if node is not None else default


def _mapping_items(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                out[str(k.value)] = (k, v)
    return out


def _parse_header(raw: str, path: str | Path) -> Header:
    try:
        node = yaml.compose(raw, Loader=_Loader)
        data: Any = yaml.load(raw, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        problem = exc.problem or "invalid YAML"
        raise InputError(f"header: invalid YAML: {problem}", path=path, line=line) from None
    except Exception as exc:  # yaml can raise ValueError etc. on odd scalars
        raise InputError(f"header: invalid YAML: {exc}", path=path, line=1) from None
    header = Header()
    if data is None:
        return header
    if not isinstance(data, dict) or node is None:
        raise InputError("header: expected 'key: value' lines", path=path, line=2)
    items = _mapping_items(node)

    def where(key: str) -> int:
        return _line_of(items[key][0]) if key in items else 2

    for key in data:
        if str(key) not in KNOWN_KEYS:
            header.notes.append(f"ignored unknown header key '{key}'")
    for key in ("case", "title", "language"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise InputError(f"header: '{key}' must be text", path=path, line=where(key))
        setattr(header, key, str(value).strip() or None)
    if data.get("date") is not None:
        header.date = _parse_date(data["date"], path, where("date"))
    if data.get("participants") is not None:
        p_node = items["participants"][1] if "participants" in items else None
        header.participants = _parse_participants(data["participants"], p_node, path, where)
    return header


def _parse_date(value: Any, path: str | Path, line: int) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _DATE_RE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise InputError(f"header: bad date {text!r} (expected YYYY-MM-DD)", path=path, line=line)


def _parse_participants(
    value: Any, node: yaml.Node | None, path: str | Path, where: Any
) -> list[HeaderParticipant]:
    if not isinstance(value, list):
        line = where("participants")
        raise InputError("header: 'participants' must be a list", path=path, line=line)
    nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    out: list[HeaderParticipant] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        item_node = nodes[i] if i < len(nodes) else None
        line = _line_of(item_node, where("participants"))
        if isinstance(item, str):
            item = {"label": item}
        if not isinstance(item, dict):
            raise InputError("header: each participant needs 'label:'", path=path, line=line)
        fields = _mapping_items(item_node) if item_node is not None else {}
        for key in ("label", "name", "role"):
            if not isinstance(item.get(key), str | int | float | None):
                raise InputError(f"header: participant '{key}' must be text", path=path, line=line)
        label = item.get("label")
        if label is None or not str(label).strip():
            raise InputError("header: participant without 'label'", path=path, line=line)
        label = str(label).strip()
        if label.casefold() in seen:
            raise InputError(f"header: participant {label!r} listed twice", path=path, line=line)
        seen.add(label.casefold())
        name = str(item.get("name") or label).strip()
        role_group: RoleGroup | None = None
        role_title: str | None = None
        role = item.get("role")
        if role is not None and str(role).strip():
            parsed = parse_role_value(str(role))
            if parsed is None:
                role_line = _line_of(fields["role"][1], line) if "role" in fields else line
                groups = ", ".join(g.value for g in RoleGroup)
                raise InputError(
                    f"header: unknown role {str(role)!r} for {label!r} "
                    f"(use one of {groups} or a Norwegian title)",
                    path=path,
                    line=role_line,
                )
            role_group, role_title = parsed
        out.append(HeaderParticipant(label, name, role_group, role_title, line))
    return out
