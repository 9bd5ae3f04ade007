"""Build the demo-b transcripts that need a special encoding, and write their gold annotations.

- transcripts/hamar-1-etatsmodell.txt is generated from scripts/demo_sources/hamar-1-etatsmodell.txt
  (UTF-8 with a BOM and CRLF line endings).
- tests/tagging/gold/<stem>.jsonl gets one line per informant turn (not the interviewer's), in order,
  from the hand-made annotations below; the quote is the first 60 characters of the turn's text.

Run from the repository root: python scripts/make_demo_b.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(__file__).resolve().parent / "demo_sources"
TRANSCRIPTS = ROOT / "transcripts"
GOLD = ROOT / "tests" / "tagging" / "gold"

U, C, P, N = "units", "ceo", "politicians", None

# (relation, codes) per informant turn, in the order the turns occur.
ANNOTATIONS: dict[str, list[tuple[str | None, list[str]]]] = {
    "flora-2-virksomheter.md": [
        (N, ["A1"]),
        (U, ["A2"]),
        (U, ["A2"]),
        (N, ["A3", "B5c"]),
        (C, ["B5a", "B5b"]),
        (U, ["B5b"]),
        (N, ["B5d", "B9"]),
        (U, ["B9"]),
        (N, ["B6", "B7"]),
        (N, ["B10"]),
        (N, ["B10"]),
        (C, ["B11"]),
        (U, ["B12"]),
        (U, ["C15a", "C15b"]),
        (U, ["C15a", "C15c"]),
        (U, ["C15c", "C15e.i.3"]),
        (U, ["C15c", "C15e.i.3"]),
        (U, ["C15e.i.3"]),
        (U, ["C15d.iii"]),
        (U, ["C15d.iii"]),
        (U, ["C15d.i"]),
        (U, ["C15d.i"]),
        (U, ["C15d.i", "B7"]),
        (U, ["C15d.iv"]),
        (U, ["C15d.iv"]),
        (U, ["C15e.i.2", "C15e.i.4"]),
        (U, ["C15e.i.1"]),
        (U, ["C15e.i.1"]),
        (U, ["C15e.ii"]),
        (U, ["C15e.ii"]),
        (U, ["C15f"]),
        (U, ["C15f"]),
        (U, ["C15f", "B10"]),
        (P, ["C13b", "C13c", "C13d.i"]),
        (C, ["C14a", "C14b", "C14d.i"]),
        (N, ["D"]),
        (U, ["D"]),
        (U, ["E"]),
        (U, ["E"]),
        (U, ["E"]),
        (P, ["E"]),
    ],
    "kongsvinger-1-lederteam.txt": [
        (N, ["A1", "A3"]),
        (C, ["B5a", "B5c"]),
        (U, ["A2"]),
        (C, ["A2", "C14a"]),
        (N, ["B5c"]),
        (N, ["B4", "B6"]),
        (N, ["B7", "B8"]),
        (N, ["B8"]),
        (C, ["B10", "B11"]),
        (C, ["B11"]),
        (U, ["B12"]),
        (C, ["C14a", "C14b"]),
        (C, ["C14a"]),
        (C, ["C14c", "B5a"]),
        (C, ["C14c", "C15c"]),
        (U, ["C15c"]),
        (C, ["C14c"]),
        (C, ["C14c"]),
        (C, ["C14d.i", "C14d.ii"]),
        (C, ["C14d.ii"]),
        (C, ["C14d.iii"]),
        (C, ["C14d.iv"]),
        (U, ["C15d.i"]),
        (C, ["C14e.i"]),
        (C, ["C14e.i", "C15e.i.3"]),
        (C, ["C14e.ii"]),
        (C, ["C14f"]),
        (P, ["C13d.i", "C13f"]),
        (P, ["C13f"]),
        (N, ["D"]),
        (N, ["D"]),
        (U, ["D"]),
        (C, ["E"]),
        (C, ["E"]),
        (C, ["E"]),
        (P, ["E"]),
    ],
    "kongsvinger-2-politikere.md": [
        (P, ["A1", "A2"]),
        (N, ["A1"]),
        (P, ["A2"]),
        (P, ["A3", "B5c"]),
        (P, ["C13a"]),
        (P, ["C13a"]),
        (P, ["C13b"]),
        (P, ["C13b", "C13e.iii"]),
        (P, ["C13c"]),
        (P, ["C13c"]),
        (P, ["C13b"]),
        (P, ["C13b"]),
        (P, ["C13c"]),
        (P, ["C13c", "C13f"]),
        (P, ["C13c"]),
        (P, ["C13d.i"]),
        (P, ["C13d.ii"]),
        (P, ["C13d.iii"]),
        (P, ["C13d.iii"]),
        (P, ["C13e.i"]),
        (P, ["C13e.ii"]),
        (P, ["C13e.ii"]),
        (P, ["C13e.iii"]),
        (P, ["C13e.iii"]),
        (P, ["C13e.iii"]),
        (P, ["C13e.iii"]),
        (P, ["C13f"]),
        (P, ["C13f"]),
        (P, ["C13f"]),
        (P, ["D"]),
        (U, ["D"]),
        (P, ["E"]),
        (P, ["E"]),
        (P, ["E"]),
        (P, ["E"]),
        (P, ["E"]),
    ],
    "hamar-1-etatsmodell.txt": [
        (N, ["A1"]),
        (N, ["A1"]),
        (N, ["A1"]),
        (N, ["A1", "A3"]),
        (N, ["A3"]),
        (C, ["A2"]),
        (U, ["A2"]),
        (U, ["A2"]),
        (N, ["A3"]),
        (C, ["B4", "B5a"]),
        (C, ["B5a"]),
        (U, ["C15c"]),
        (U, ["B5b"]),
        (U, ["B5b"]),
        (N, ["B5d"]),
        (N, ["B6", "B7"]),
        (N, ["B8"]),
        (N, ["B9"]),
        (N, ["B10"]),
        (N, ["B10"]),
        (C, ["B11"]),
        (C, ["B12"]),
        (U, ["B12", "B5a"]),
        (N, ["A1"]),
        (N, ["A1"]),
        (N, ["D"]),
        (P, ["D"]),
        (C, ["D"]),
        (U, ["D"]),
        (U, ["D"]),
        (N, ["D"]),
        (C, ["E"]),
        (U, ["E"]),
    ],
    "hamar-2-stab-og-sektor.txt": [
        (C, ["B5a"]),
        (C, ["B5a", "B5c"]),
        (U, ["B5b", "B11"]),
        (N, ["B5a"]),
        (U, ["B5b"]),
        (P, ["C13b"]),
        (C, ["C14a"]),
        (C, ["C14b"]),
        (C, ["C14c"]),
        (C, ["C14c"]),
        (C, ["C14d.i", "C14d.iii"]),
        (C, ["C14d.i", "C14d.iv"]),
        (C, ["C14d.iv"]),
        (C, ["C14e.i", "C14e.ii"]),
        (C, ["C14f"]),
        (U, ["C15a", "C15b"]),
        (U, ["C15a", "C15b", "B5b"]),
        (U, ["C15c"]),
        (U, ["C15c"]),
        (U, ["C15d.i", "C15d.iii"]),
        (U, ["C15d.iii", "B5b"]),
        (U, ["C15d.iii"]),
        (U, ["C15d.i"]),
        (U, ["C15d.i", "C15c"]),
        (U, ["C15d.iv"]),
        (U, ["C15d.iv"]),
        (U, ["C15e.i.2"]),
        (U, ["C15e.i.2", "C15e.i.1"]),
        (U, ["C15e.i.3"]),
        (U, ["C15e.ii"]),
        (U, ["C15e.ii"]),
        (U, ["C15f"]),
        (U, ["C15f", "B5b"]),
        (U, ["E"]),
        (U, ["E"]),
        (U, ["E"]),
        (U, ["E"]),
        (P, ["E"]),
    ],
}

VALID_IDS = (
    {"A1", "A2", "A3", "D", "E"}
    | {f"B{n}" for n in range(4, 13)}
    | {"B5a", "B5b", "B5c", "B5d"}
    | {f"C13{x}" for x in "abcdef"}
    | {"C13d.i", "C13d.ii", "C13d.iii", "C13e.i", "C13e.ii", "C13e.iii"}
    | {f"C14{x}" for x in "abcdef"}
    | {"C14d.i", "C14d.ii", "C14d.iii", "C14d.iv", "C14e.i", "C14e.ii"}
    | {f"C15{x}" for x in "abcdef"}
    | {"C15d.i", "C15d.ii", "C15d.iii", "C15d.iv", "C15e.i", "C15e.ii"}
    | {f"C15e.i.{n}" for n in range(1, 5)}
)


def build_hamar_1() -> None:
    text = (SRC / "hamar-1-etatsmodell.txt").read_text(encoding="utf-8")
    data = "\ufeff" + text.replace("\r\n", "\n").replace("\n", "\r\n")
    (TRANSCRIPTS / "hamar-1-etatsmodell.txt").write_bytes(data.encode("utf-8"))


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")


def split_header(text: str) -> tuple[dict, str]:
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not m:
        raise SystemExit(f"no YAML header")
    return yaml.safe_load(m.group(1)), text[m.end():]


def turns(path: Path) -> list[tuple[str, str]]:
    header, body = split_header(read_text(path))
    labels = {p["label"] for p in header["participants"]}
    out: list[tuple[str, str]] = []
    for para in re.split(r"\n\s*\n", body):
        para = para.strip()
        if not para or para.startswith("# "):
            continue
        m = re.match(r"\*\*(.+?):\*\* (.*)", para, re.S) or re.match(r"([^:\n]+): (.*)", para, re.S)
        if not m or m.group(1) not in labels:
            raise SystemExit(f"{path.name}: paragraph without a known label: {para[:50]!r}")
        out.append((m.group(1), m.group(2)))
    used = {label for label, _ in out}
    if used != labels:
        raise SystemExit(f"{path.name}: header labels not all used: {labels - used}")
    return out


def main() -> int:
    build_hamar_1()
    GOLD.mkdir(parents=True, exist_ok=True)
    for name, notes in ANNOTATIONS.items():
        path = TRANSCRIPTS / name
        informant = [(lab, txt) for lab, txt in turns(path) if lab != "Intervjuer"]
        if len(informant) != len(notes):
            raise SystemExit(f"{name}: {len(informant)} informant turns, {len(notes)} annotations")
        lines = []
        for (label, spoken), (relation, codes) in zip(informant, notes):
            assert 1 <= len(codes) <= 3 and set(codes) <= VALID_IDS, (name, codes)
            lines.append(json.dumps({"file": name, "speaker": label, "quote": spoken[:60],
                                     "relation": relation, "codes": codes}, ensure_ascii=False))
        (GOLD / f"{path.stem}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{name}: {len(lines)} gold lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
