"""Build five fictional demo transcripts and their gold annotations from UTF-8 sources.

Sources live in ``scripts/demo_sources/<stem>.txt``. Each source is a transcript in the
plain-text convention (YAML front matter, then one ``Label: text`` turn per line, blank
line between turns) with one addition used only here: every informant turn ends with a
gold annotation in double brackets, ``[[units: C15a C15d.i]]`` (relation ``politicians``,
``ceo``, ``units`` or ``-`` for none, then 1-3 codebook ids). The annotation is stripped
from the transcript and written to ``tests/tagging/gold/<stem>.jsonl``.

Outputs (in ``transcripts/``), chosen by the target file name's extension:

* ``.txt``  UTF-8 (or the encoding given in TARGETS), YAML header, ``Label: text`` turns
* ``.md``   YAML header, ``# Title`` heading, ``**Label:** text`` turns
* ``.docx`` no header; one paragraph per turn, bold label run + ": " + normal text run;
            the case is only in the core properties title (import with ``--case``)
* ``.vtt``  WebVTT with ``NOTE case:``/``NOTE date:`` blocks, cues of 1-3 sentences,
            ``<v Label>`` voice tags, timestamps at roughly 150 words per minute

Run: ``/work/main/.venv/bin/python scripts/make_demo_a.py`` (deterministic output).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "scripts" / "demo_sources"
OUT = ROOT / "transcripts"
GOLD = ROOT / "tests" / "tagging" / "gold"

# target file name -> (encoding, newline)
TARGETS: dict[str, tuple[str, str]] = {
    "arendal-1-politikk-og-ledelse.txt": ("utf-8", "\n"),
    "arendal-2-stab-og-enheter.docx": ("utf-8", "\n"),
    "stord-1-ledergruppe.md": ("utf-8", "\n"),
    "stord-2-enhetsledere.txt": ("cp1252", "\r\n"),
    "flora-1-formannskap.vtt": ("utf-8", "\n"),
}

ANNOT = re.compile(r"\s*\[\[\s*(politicians|ceo|units|-)\s*:\s*([^\]]+?)\s*\]\]\s*$")
TURN = re.compile(r"^([^:\n]{1,60}?):\s+(.*)$")
VALID_RELATIONS = {"politicians", "ceo", "units", None}


def parse_source(path: Path) -> tuple[dict, list[dict]]:
    raw = path.read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", raw, re.S)
    if not m:
        sys.exit(f"{path}: no YAML header")
    header = yaml.safe_load(m.group(1))
    header["_raw"] = m.group(0)  # written verbatim to .txt/.md targets
    labels = {p["label"]: p for p in header["participants"]}
    turns: list[dict] = []
    for lineno, line in enumerate(raw[m.end() :].split("\n"), start=1):
        line = line.strip()
        if not line:
            continue
        tm = TURN.match(line)
        if not tm or tm.group(1) not in labels:
            sys.exit(f"{path}:{lineno}: not a turn with a known label: {line[:50]!r}")
        label, text = tm.group(1), tm.group(2)
        am = ANNOT.search(text)
        role = labels[label]["role"]
        if role == "interviewer":
            if am:
                sys.exit(f"{path}:{lineno}: interviewer turn is annotated")
            relation, codes = None, []
        else:
            if not am:
                sys.exit(f"{path}:{lineno}: informant turn lacks [[relation: codes]]")
            text = text[: am.start()]
            relation = None if am.group(1) == "-" else am.group(1)
            codes = am.group(2).split()
        turns.append(
            {
                "label": label,
                "role": role,
                "text": text.strip(),
                "relation": relation,
                "codes": codes,
            }
        )
    return header, turns


def header_yaml(header: dict) -> str:
    return header["_raw"]


def write_txt(target: Path, header: dict, turns: list[dict], encoding: str, newline: str) -> None:
    parts = [header_yaml(header)]
    for t in turns:
        parts.append(f"{t['label']}: {t['text']}\n")
    text = "\n".join(parts)
    target.write_bytes(text.replace("\n", newline).encode(encoding))


def write_md(target: Path, header: dict, turns: list[dict]) -> None:
    parts = [header_yaml(header), f"# {header['title']}\n"]
    for t in turns:
        parts.append(f"**{t['label']}:** {t['text']}\n")
    target.write_text("\n".join(parts), encoding="utf-8")


def write_docx(target: Path, header: dict, turns: list[dict]) -> None:
    import docx

    doc = docx.Document()
    for t in turns:
        p = doc.add_paragraph()
        run = p.add_run(t["label"])
        run.bold = True
        p.add_run(": " + t["text"])
    cp = doc.core_properties
    cp.title = f"{header['case']} — {header['title'][0].lower()}{header['title'][1:]}"
    cp.author = "coder demo data (fiktiv)"
    cp.subject = "Fiktivt gruppeintervju til demonstrasjon og testing"
    d = header["date"]
    stamp = dt.datetime(d.year, d.month, d.day, 12, 0, 0)
    cp.created = stamp
    cp.modified = stamp
    cp.last_modified_by = "coder demo data"
    cp.revision = 1
    doc.save(target)
    _freeze_zip(target, (d.year, d.month, d.day, 12, 0, 0))


def _freeze_zip(path: Path, when: tuple[int, int, int, int, int, int]) -> None:
    """Rewrite the .docx zip with fixed member timestamps so rebuilds are byte-identical."""
    import zipfile

    with zipfile.ZipFile(path) as zin:
        members = [(info.filename, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


SENT = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÆØÅ«\"(–-])")


def cues_for(text: str) -> list[str]:
    """Split a turn into cues of 1-3 sentences (max ~32 words); the first cue has >= 60 chars."""
    sentences = SENT.split(text)
    cues: list[str] = []
    cur: list[str] = []
    for s in sentences:
        cur.append(s)
        words = sum(len(x.split()) for x in cur)
        first_short = not cues and len(" ".join(cur)) < 60
        if not first_short and (len(cur) >= 3 or words >= 18):
            cues.append(" ".join(cur))
            cur = []
    if cur:
        if cues and len(" ".join(cur)) < 25 and len(cues[-1].split()) < 30:
            cues[-1] = cues[-1] + " " + " ".join(cur)
        else:
            cues.append(" ".join(cur))
    return cues


def ts(ms: int) -> str:
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def write_vtt(target: Path, header: dict, turns: list[dict]) -> None:
    lines = [
        "WEBVTT",
        "",
        f"NOTE case: {header['case']}",
        "",
        f"NOTE date: {header['date']}",
        "",
        f"NOTE title: {header['title']}",
        "",
    ]
    t_ms = 4_200
    gap_cycle = [350, 600, 250, 900, 450, 700]
    n = 0
    for k, turn in enumerate(turns):
        if k:
            t_ms += 800  # a short pause when the speaker changes
        for cue in cues_for(turn["text"]):
            words = len(cue.split())
            dur = max(1_200, round(words * 400))  # 150 words per minute
            lines.append(f"{ts(t_ms)} --> {ts(t_ms + dur)}")
            lines.append(f"<v {turn['label']}>{cue}")
            lines.append("")
            n += 1
            t_ms += dur + gap_cycle[n % len(gap_cycle)]
    target.write_text("\n".join(lines), encoding="utf-8")


def write_gold(stem: str, name: str, turns: list[dict]) -> int:
    GOLD.mkdir(parents=True, exist_ok=True)
    n = 0
    with open(GOLD / f"{stem}.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for t in turns:
            if t["role"] == "interviewer":
                continue
            rec = {
                "file": name,
                "speaker": t["label"],
                "quote": t["text"][:60],
                "relation": t["relation"],
                "codes": t["codes"],
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, (encoding, newline) in TARGETS.items():
        stem, ext = name.rsplit(".", 1)
        src = SOURCES / f"{stem}.txt"
        if not src.exists():
            print(f"{name}: source missing, skipped", file=sys.stderr)
            continue
        header, turns = parse_source(src)
        target = OUT / name
        if ext == "txt":
            write_txt(target, header, turns, encoding, newline)
        elif ext == "md":
            write_md(target, header, turns)
        elif ext == "docx":
            write_docx(target, header, turns)
        elif ext == "vtt":
            write_vtt(target, header, turns)
        n = write_gold(stem, name, turns)
        words = sum(len(t["text"].split()) for t in turns)
        print(f"{name}: {len(turns)} turns, {n} gold lines, {words} spoken words")


if __name__ == "__main__":
    main()
