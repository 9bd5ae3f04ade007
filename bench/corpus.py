"""Reproducible synthetic transcripts on disk (fixed seeds) for the import, autocode and sync benchmarks."""

from __future__ import annotations

from pathlib import Path

from bench.bench_import import make_turns, write_txt

SEED = 20261129


def write_corpus(folder: Path, files: int, words_per_file: int, *, seed: int = SEED) -> list[Path]:
    """`files` .txt transcripts of about `words_per_file` words each, named for the case Hamar."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(files):
        path = folder / f"hamar-{i + 1:04d}.txt"
        write_txt(make_turns(words_per_file, seed=seed + i), path)
        out.append(path)
    return out
