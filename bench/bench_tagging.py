"""Benchmark: suggestion throughput against raw nlp.pipe throughput of the same pipeline.

Text: informant and interviewer turns of the demo transcripts, shuffled and repeated with a
fixed seed until there are at least --words words, cut into transcripts of 60 segments.
Prints words per CPU-second for parsing alone and for parsing plus tagging, and their ratio
(target >= 0.8: the tagging layer should cost little beside the parser), best of alternating
runs; wall-clock figures follow on their own line.

    PYTHONPATH=. python bench/bench_tagging.py [--words 100000] [--model PATH] [--blank]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import time
from pathlib import Path

# One BLAS thread: the figures are per core, and OpenBLAS's spinning helper threads would
# inflate the CPU time of the parser (the baseline) and so flatter the ratio.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coder.codebook.loader import default_codebook  # noqa: E402
from coder.ingest import read_transcript  # noqa: E402
from coder.tagging.pipeline import Pipeline, blank_pipeline, load_pipeline  # noqa: E402
from coder.tagging.suggest import SegmentInput, Suggester, segment_inputs  # noqa: E402


def corpus(words: int, seed: int = 7) -> list[list[SegmentInput]]:
    pool: list[SegmentInput] = []
    for path in sorted((ROOT / "transcripts").iterdir()):
        if path.suffix not in (".txt", ".md", ".docx", ".vtt") or path.name == "README.md":
            continue
        pool.extend(segment_inputs(read_transcript(path)))
    rng = random.Random(seed)
    out: list[SegmentInput] = []
    total = 0
    while total < words:
        batch = pool[:]
        rng.shuffle(batch)
        for seg in batch:
            out.append(seg)
            total += len(seg.text.split())
            if total >= words:
                break
    return [out[i : i + 60] for i in range(0, len(out), 60)]


def pick(args: argparse.Namespace) -> Pipeline:
    if args.blank:
        return blank_pipeline()
    if args.model:
        import spacy

        with contextlib.suppress(ImportError):
            import coder.nlp.lemmas  # noqa: F401  (registers coder's components if present)
        return Pipeline(spacy.load(args.model, exclude=["parser", "ner"]), str(args.model), True)
    return load_pipeline()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--model", type=Path, default=None, help="a spaCy pipeline folder")
    ap.add_argument("--blank", action="store_true", help="tokenizer-only pipeline")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--repeat", type=int, default=5, help="alternating runs of each (best kept)")
    args = ap.parse_args()
    pipe = pick(args)
    transcripts = corpus(args.words)
    texts = [s.text for t in transcripts for s in t]
    n_words = sum(len(t.split()) for t in texts)
    suggester = Suggester(default_codebook(), pipe.nlp, batch_size=args.batch_size)
    # warm-up: load lazily initialised parts of both paths
    list(pipe.nlp.pipe(texts[:50]))
    list(suggester.iter_suggest(transcripts[0]))

    def run_raw() -> None:
        for _ in pipe.nlp.pipe(texts, batch_size=args.batch_size):
            pass

    n_sugg = 0

    def run_tagged() -> None:
        nonlocal n_sugg
        n_sugg = 0
        for t in transcripts:
            for s in suggester.iter_suggest(t):
                n_sugg += len(s.codes)

    # Alternate the two and keep the best of each: a busy machine slows single runs unevenly.
    raw = tagged = raw_wall = tagged_wall = float("inf")
    for _ in range(args.repeat):
        for fn, which in ((run_raw, "raw"), (run_tagged, "tagged")):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            if which == "raw":
                raw, raw_wall = min(raw, cpu), min(raw_wall, wall)
            else:
                tagged, tagged_wall = min(tagged, cpu), min(tagged_wall, wall)

    print(f"pipeline: {pipe.name} ({'statistical' if pipe.statistical else 'blank tokenizer'})")
    print(f"text: {n_words} words in {len(texts)} segments, {len(transcripts)} transcripts")
    print(f"CPU time, best of {args.repeat} alternating runs:")
    print(f"raw nlp.pipe:      {raw:8.2f} s  {n_words / raw:10.0f} words/s")
    print(
        f"parse + tagging:   {tagged:8.2f} s  {n_words / tagged:10.0f} words/s  ({n_sugg} code suggestions)"
    )
    print(f"tagging overhead:  {(tagged - raw) / n_words * 1e6:8.1f} µs/word")
    print(f"throughput ratio (tagging / raw): {raw / tagged:.2f}  (target >= 0.80)")
    print(
        f"wall clock: raw {n_words / raw_wall:.0f} words/s, parse + tagging "
        f"{n_words / tagged_wall:.0f} words/s, ratio {raw_wall / tagged_wall:.2f}"
    )


if __name__ == "__main__":
    main()
