"""Codebook export: YAML that the loader reads back unchanged, and Markdown for people to read."""

from __future__ import annotations

from typing import Any

import yaml

from coder.codebook.model import Codebook, CodeDef

WIDTH = 96  # YAML lines are wrapped near this width, between words and between list entries


def _flow_scalar(value: Any) -> str:
    """A scalar as YAML writes it inside a flow list: quoted exactly when it must be.

    Text with YAML line-break characters (NEL, LS, PS) or other non-printables is written
    double-quoted with escapes, since single-quoted YAML folds those breaks.
    """
    awkward = isinstance(value, str) and (
        not value.isprintable() or any(ch in value for ch in "\x85\u2028\u2029")
    )
    dumped = yaml.dump(
        [value],
        Dumper=yaml.SafeDumper,
        default_style='"' if awkward else None,
        default_flow_style=True,
        allow_unicode=True,
        width=2**31 - 1,
    )
    return dumped.strip()[1:-1]


def _is_plain_line(value: str) -> bool:
    return value.isprintable() and value == value.strip() and "  " not in value


def _text_lines(key: str, value: str, indent: str) -> list[str]:
    """`key: value`, or a folded/literal block when the text is long or spans lines."""
    single = f"{indent}{key}: {_flow_scalar(value)}"
    if len(single) <= WIDTH or not value:
        return [single]
    body = indent + "  "
    if "\n" not in value and _is_plain_line(value):
        lines = [f"{indent}{key}: >-"]
        current = ""
        for word in value.split(" "):
            if current and len(body) + len(current) + 1 + len(word) > WIDTH:
                lines.append(body + current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        lines.append(body + current)
        return lines
    parts = value.split("\n")
    literal_ok = (
        not value.endswith("\n")
        and not value[:1].isspace()
        and all(p.isprintable() and p == p.rstrip() for p in parts)
    )
    if literal_ok:
        return [f"{indent}{key}: |-", *((body + p) if p else "" for p in parts)]
    return [single]


def _flow_list_lines(key: str, items: tuple[str, ...], indent: str) -> list[str]:
    """`key: [a, b, c]` wrapped between entries, never inside one."""
    if not items:
        return [f"{indent}{key}: []"]
    rendered = [_flow_scalar(item) for item in items]
    lines: list[str] = []
    current = f"{indent}{key}: ["
    cont = indent + "  "
    for n, item in enumerate(rendered):
        piece = item + ("]" if n == len(rendered) - 1 else ",")
        at_start = current.endswith("[") or current == cont
        candidate = current + ("" if at_start else " ") + piece
        if len(candidate) > WIDTH and not at_start:
            lines.append(current)
            current = cont + piece
        else:
            current = candidate
    lines.append(current)
    return lines


def code_to_dict(code: CodeDef) -> dict[str, Any]:
    """One code as plain data in the loader's schema (relation left out when there is none)."""
    data: dict[str, Any] = {
        "id": code.id,
        "parent": code.parent,
        "kind": code.kind.value,
        "label": code.label,
        "text": code.text,
        "description": code.description,
        "color": code.color,
    }
    if code.relation is not None:
        data["relation"] = code.relation.value
    data["lexicon"] = {"lemmas": list(code.lexicon.lemmas), "phrases": list(code.lexicon.phrases)}
    return data


def codebook_to_dict(cb: Codebook) -> dict[str, Any]:
    """The whole codebook as plain data (JSON-serialisable) in the loader's schema."""
    return {
        "name": cb.name,
        "version": cb.version,
        "language": cb.language,
        "source": cb.source,
        "codes": [code_to_dict(c) for c in cb.codes],
    }


def codebook_to_yaml(cb: Codebook) -> str:
    """YAML in the loader's schema, laid out for hand editing; loads back to an equal Codebook.

    Written line by line rather than by yaml.dump so that long texts fold between words and
    lexicon lists wrap between entries; every scalar is still quoted by PyYAML itself.
    """
    out: list[str] = []
    for key in ("name", "version", "language", "source"):
        out += _text_lines(key, str(getattr(cb, key)), "")
    out.append("codes:")
    for code in cb.codes:
        out.append("")
        out.append(f"- id: {_flow_scalar(code.id)}")
        out.append(f"  parent: {_flow_scalar(code.parent)}")
        out.append(f"  kind: {code.kind.value}")
        out += _text_lines("label", code.label, "  ")
        out += _text_lines("text", code.text, "  ")
        out += _text_lines("description", code.description, "  ")
        out.append(f"  color: {_flow_scalar(code.color)}")
        if code.relation is not None:
            out.append(f"  relation: {code.relation.value}")
        out.append("  lexicon:")
        out += _flow_list_lines("lemmas", code.lexicon.lemmas, "    ")
        out += _flow_list_lines("phrases", code.lexicon.phrases, "    ")
    return "\n".join(out) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def codebook_to_markdown(cb: Codebook) -> str:
    """A readable tree: one heading per code with its id and label, the full text, the lexicon."""
    out = [f"# {cb.name}", ""]
    meta = [f"Version {cb.version}", f"language `{cb.language}`", f"{len(cb)} codes"]
    out.append(" · ".join(meta))
    if cb.source:
        out += ["", f"Source: {cb.source}"]
    for code, depth in cb.iter_tree():
        hashes = "#" * min(depth + 2, 6)
        out += ["", f"{hashes} `{code.id}` {code.label}", ""]
        facts = [code.kind.value]
        if code.relation is not None:
            facts.append(f"relation: {code.relation.value}")
        facts.append(f"colour `{code.color}`")
        out.append(" · ".join(facts))
        if code.text:
            out += ["", *(f"> {line}" if line else ">" for line in code.text.splitlines())]
        if code.description:
            out += ["", f"*{code.description.strip()}*"]
        if code.lexicon.lemmas:
            out += ["", f"- Lemmas: {_md_escape(', '.join(code.lexicon.lemmas))}"]
        if code.lexicon.phrases:
            phrases = ", ".join(f"«{p}»" for p in code.lexicon.phrases)
            prefix = "" if code.lexicon.lemmas else "\n"
            out.append(f"{prefix}- Phrases: {_md_escape(phrases)}")
    return "\n".join(out) + "\n"
