"""Check the hand-made gold annotations in tests/tagging/gold/*.jsonl against the demo transcripts.

Each gold line is ``{"file", "speaker", "quote", "relation", "codes"}`` for one informant turn
(interviewer turns have no line). The checks:

* the line is well formed; ``relation`` is politicians/ceo/units/null; ``codes`` holds 1-3
  distinct ids from the codebook id list below;
* ``file`` exists in ``transcripts/`` and has the gold file's stem;
* ``quote`` (at most 60 characters) occurs verbatim in the decoded transcript;
* the gold lines follow the transcript's informant turns one to one and in order: same
  speaker label, and the quote is the start of that turn's spoken text.

The transcript readers here are deliberately small and independent of ``coder.ingest`` so the
gold data can be trusted when the importer itself is under test.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLD_DIR = Path(__file__).resolve().parent / "gold"
TRANSCRIPTS = REPO_ROOT / "transcripts"

RELATIONS = {"politicians", "ceo", "units", None}
INTERVIEWER_LABELS = {"intervjuer", "interviewer", "i", "int"}


def _valid_ids() -> frozenset[str]:
    roman = ["i", "ii", "iii", "iv"]
    ids = {"A1", "A2", "A3", "D", "E"}
    ids |= {f"B{n}" for n in range(4, 13)}
    ids |= {f"B5{c}" for c in "abcd"}
    ids |= {f"C13{c}" for c in "abcdef"}
    ids |= {f"C13d.{r}" for r in roman[:3]} | {f"C13e.{r}" for r in roman[:3]}
    ids |= {f"C14{c}" for c in "abcdef"}
    ids |= {f"C14d.{r}" for r in roman[:4]} | {f"C14e.{r}" for r in roman[:2]}
    ids |= {f"C15{c}" for c in "abcdef"}
    ids |= {f"C15d.{r}" for r in roman[:4]}
    ids |= {"C15e.i", "C15e.ii"} | {f"C15e.i.{n}" for n in range(1, 5)}
    return frozenset(ids)


VALID_IDS = _valid_ids()
# extra.jsonl holds self-contained passages in another shape (checked in test_gold_eval.py)
GOLD_FILES = sorted(p for p in GOLD_DIR.glob("*.jsonl") if p.name != "extra.jsonl")


# --------------------------------------------------------------------------- readers


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _ws(text: str) -> str:
    return " ".join(text.split())


def decode_bytes(raw: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return _norm(raw.decode(enc))
        except UnicodeDecodeError:
            continue
    return _norm(raw.decode("latin-1"))


def read_text(path: Path) -> str:
    """The transcript as text: decoded plain text, or the paragraphs of a .docx."""
    if path.suffix.lower() == ".docx":
        docx = pytest.importorskip("docx")
        return _norm("\n\n".join(p.text for p in docx.Document(str(path)).paragraphs))
    return decode_bytes(path.read_bytes())


Turn = tuple[str, str]  # (label, spoken text)


def _split_front_matter(text: str) -> tuple[dict, str]:
    m = re.match(r"^---\n(.*?)\n---[ \t]*\n", text, re.S)
    if not m:
        return {}, text
    return (yaml.safe_load(m.group(1)) or {}), text[m.end() :]


def _interviewers(header: dict) -> set[str]:
    people = header.get("participants") or []
    found = {p.get("label") for p in people if p.get("role") == "interviewer"}
    return {str(x) for x in found if x}


def turns_plain(text: str) -> tuple[list[Turn], set[str]]:
    header, body = _split_front_matter(text)
    labels = {str(p["label"]) for p in header.get("participants") or [] if "label" in p}
    line_re = re.compile(
        r"^(?:\*\*(?P<b>[^*\n]{1,80}?):\*\*|(?P<p>[^:\n*#]{1,80}?):)[ \t]*(?P<t>.*)$"
    )
    turns: list[list[str]] = []
    for line in body.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("# "):
            continue
        m = line_re.match(stripped)
        label = m and (m.group("b") or m.group("p")).strip()
        if m and (label in labels or (not labels and re.match(r"^[A-ZÆØÅ]", label))):
            turns.append([label, m.group("t")])
        elif turns:
            turns[-1][1] += "\n" + stripped
    return [(lab, txt) for lab, txt in turns], _interviewers(header)


def turns_docx(path: Path) -> list[Turn]:
    docx = pytest.importorskip("docx")
    turns: list[list[str]] = []
    for p in docx.Document(str(path)).paragraphs:
        text = _norm(p.text).strip()
        if not text:
            continue
        runs = [r for r in p.runs if r.text]
        if runs and runs[0].bold:
            label = runs[0].text.strip().rstrip(":").strip()
            rest = text[len(runs[0].text.strip()) :].lstrip()
            rest = rest[1:].lstrip() if rest.startswith(":") else rest
            turns.append([label, rest])
        elif turns:
            turns[-1][1] += "\n" + text
    return [(lab, txt) for lab, txt in turns]


def turns_vtt(text: str) -> list[Turn]:
    voice = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*)$")
    turns: list[list[str]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.strip().split("\n") if ln.strip()]
        idx = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
        if idx is None:
            continue  # WEBVTT header, NOTE, STYLE or REGION block
        cue = " ".join(lines[idx + 1 :]).strip()
        m = voice.match(cue)
        label = m.group(1).strip() if m else (turns[-1][0] if turns else "")
        body = re.sub(r"</v>", "", m.group(2) if m else cue).strip()
        if turns and turns[-1][0] == label:
            turns[-1][1] += " " + body
        else:
            turns.append([label, body])
    return [(lab, txt) for lab, txt in turns]


def transcript_turns(path: Path) -> tuple[list[Turn], set[str]]:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return turns_docx(path), set()
    text = read_text(path)
    if suffix == ".vtt":
        return turns_vtt(text), set()
    return turns_plain(text)


def is_interviewer(label: str, interviewers: set[str]) -> bool:
    return label in interviewers or label.strip().lower() in INTERVIEWER_LABELS


def load_gold(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported as failure
                pytest.fail(f"{path.name}:{n}: not JSON: {exc}")
    return rows


# --------------------------------------------------------------------------- tests


def test_gold_folder_has_files() -> None:
    assert GOLD_FILES, f"no gold files in {GOLD_DIR}"


def test_codebook_id_list() -> None:
    assert len(VALID_IDS) == 58
    assert {"C13d.i", "C15e.i.2", "C14e.ii", "B5d"} <= VALID_IDS
    assert "C14e.iii" not in VALID_IDS and "C13" not in VALID_IDS


@pytest.mark.parametrize("gold", GOLD_FILES, ids=lambda p: p.name)
def test_gold_lines_are_well_formed(gold: Path) -> None:
    rows = load_gold(gold)
    assert rows, f"{gold.name} is empty"
    problems = []
    for n, row in enumerate(rows, start=1):
        where = f"{gold.name}:{n}"
        if set(row) != {"file", "speaker", "quote", "relation", "codes"}:
            problems.append(f"{where}: keys {sorted(row)}")
            continue
        if Path(row["file"]).stem != gold.stem:
            problems.append(f"{where}: file {row['file']!r} does not match the gold file's stem")
        if not isinstance(row["speaker"], str) or not row["speaker"].strip():
            problems.append(f"{where}: empty speaker")
        if not isinstance(row["quote"], str) or not row["quote"].strip() or len(row["quote"]) > 60:
            problems.append(f"{where}: quote must be 1-60 characters")
        if row["relation"] not in RELATIONS:
            problems.append(f"{where}: relation {row['relation']!r}")
        codes = row["codes"]
        if not isinstance(codes, list) or not 1 <= len(codes) <= 3 or len(set(codes)) != len(codes):
            problems.append(f"{where}: codes must be 1-3 distinct ids, got {codes!r}")
        else:
            bad = [c for c in codes if c not in VALID_IDS]
            if bad:
                problems.append(f"{where}: unknown code ids {bad}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("gold", GOLD_FILES, ids=lambda p: p.name)
def test_quotes_occur_verbatim(gold: Path) -> None:
    rows = load_gold(gold)
    problems = []
    texts: dict[str, str] = {}
    for n, row in enumerate(rows, start=1):
        path = TRANSCRIPTS / row["file"]
        if not path.is_file():
            problems.append(f"{gold.name}:{n}: transcript {row['file']} not found in transcripts/")
            continue
        if row["file"] not in texts:
            texts[row["file"]] = read_text(path)
        if _norm(row["quote"]) not in texts[row["file"]]:
            problems.append(f"{gold.name}:{n}: quote not found verbatim: {row['quote']!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("gold", GOLD_FILES, ids=lambda p: p.name)
def test_gold_lines_follow_informant_turns(gold: Path) -> None:
    rows = load_gold(gold)
    files = {row["file"] for row in rows}
    assert len(files) == 1, f"{gold.name}: one transcript per gold file, got {sorted(files)}"
    path = TRANSCRIPTS / files.pop()
    if not path.is_file():
        pytest.fail(f"transcript {path.name} not found in transcripts/")
    turns, interviewers = transcript_turns(path)
    informant = [(lab, txt) for lab, txt in turns if not is_interviewer(lab, interviewers)]
    assert informant, f"{path.name}: no informant turns found"
    assert len(turns) > len(informant), f"{path.name}: no interviewer turns found"
    problems = []
    if len(informant) != len(rows):
        problems.append(f"{path.name}: {len(informant)} informant turns but {len(rows)} gold lines")
    for n, (row, (label, text)) in enumerate(zip(rows, informant, strict=False), start=1):
        quote, spoken = _ws(_norm(row["quote"])), _ws(text)
        if row["speaker"] != label:
            problems.append(f"{gold.name}:{n}: speaker {row['speaker']!r}, turn is by {label!r}")
        if not spoken.startswith(quote) or len(quote) < min(len(spoken), 55):
            problems.append(f"{gold.name}:{n}: quote does not start the turn: {row['quote']!r}")
        if len(problems) > 5:
            break
    assert not problems, "\n".join(problems)
