"""Import benchmark: words/s of read_transcript on a synthetic ~1,000,000-word transcript.

Run from the repository root: `PYTHONPATH=. python bench/bench_import.py [--words N]`.
The transcript is generated with a fixed seed (Norwegian-looking words, group-interview
speaker labels, turns of 20-200 words) and written as .txt, .docx and .vtt to a
temporary directory.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from coder.ingest import read_transcript

SPEAKERS = ["Intervjuer", "Ordfører", "Rådmann", "Økonomisjef", "Kommunalsjef helse",
            "Virksomhetsleder skole", "Kari Nordmann", "Ola Hansen"]  # fmt: skip
_VOCAB_TEXT = (
    "vi har en god dialog med politikerne og rådmannen om budsjettet men stab og støtte"
    " må levere tjenester til virksomhetene i kommunen det er viktig at økonomi personal"
    " og IKT fungerer godt sammen for å få til samspillet i tonivåmodellen så ja altså"
    " når enhetslederne trenger hjelp skal de få det raskt før året er omme også i år"
)
VOCAB = _VOCAB_TEXT.split(" ")


def make_turns(words: int, seed: int = 20261129) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    turns: list[tuple[str, str]] = []
    total = 0
    while total < words:
        n = rng.randint(20, 200)
        body = " ".join(rng.choice(VOCAB) for _ in range(n))
        turns.append((rng.choice(SPEAKERS), body[0].upper() + body[1:] + "."))
        total += n
    return turns


def write_txt(turns: list[tuple[str, str]], path: Path) -> None:
    path.write_text("\n\n".join(f"{s}: {t}" for s, t in turns) + "\n", encoding="utf-8")


def write_docx(turns: list[tuple[str, str]], path: Path) -> None:
    import docx

    document = docx.Document()
    for speaker, text in turns:
        par = document.add_paragraph()
        par.add_run(speaker).bold = True
        par.add_run(" " + text)
    document.save(str(path))


def _ts(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def write_vtt(turns: list[tuple[str, str]], path: Path) -> None:
    out = ["WEBVTT", ""]
    t = 0
    for speaker, text in turns:
        words = text.split()
        for i in range(0, len(words), 12):  # ~12 words a cue, like real captions
            dur = 4000
            out += [
                f"{_ts(t)} --> {_ts(t + dur)}",
                f"<v {speaker}>{' '.join(words[i : i + 12])}",
                "",
            ]
            t += dur
    path.write_text("\n".join(out), encoding="utf-8")


def bench(path: Path, repeats: int) -> tuple[float, int, int]:
    best = float("inf")
    draft = None
    for _ in range(repeats):
        start = time.perf_counter()
        draft = read_transcript(path)
        best = min(best, time.perf_counter() - start)
    assert draft is not None
    return best, draft.word_count, len(draft.segments)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    turns = make_turns(args.words)
    with tempfile.TemporaryDirectory() as tmp:
        files = {ext: Path(tmp) / f"bench.{ext}" for ext in ("txt", "docx", "vtt")}
        write_txt(turns, files["txt"])
        write_docx(turns, files["docx"])
        write_vtt(turns, files["vtt"])
        for ext, path in files.items():
            seconds, words, segments = bench(path, args.repeats if ext != "docx" else 1)
            size = path.stat().st_size / 1_048_576
            print(
                f"{ext:5s} {size:6.1f} MB  {words:>9,d} words  {segments:>6,d} segments  "
                f"{seconds:6.2f} s  {words / seconds:>10,.0f} words/s"
            )


if __name__ == "__main__":
    main()
