"""Benchmark: suggestion throughput against raw nlp.pipe throughput of the same pipeline.

Text: informant and interviewer turns of the demo transcripts, shuffled and repeated with a
fixed seed until there are at least --words words, cut into transcripts of 60 segments.
Prints words per CPU-second for parsing alone and for parsing plus tagging, and their ratio
(target >= 0.8: the tagging layer should cost little beside the parser). Both sides run on
each transcript back to back, in alternating order, --repeat times; each transcript's fastest
time per side is summed (the same figures with medians, and wall-clock figures, follow).

    PYTHONPATH=. python bench/bench_tagging.py [--words 100000] [--model PATH] [--blank]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
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
    # warm-up: load lazily initialised parts of both paths, fill the tagger's word caches
    list(pipe.nlp.pipe(texts[:50]))
    for t in transcripts:
        list(suggester.iter_suggest(t))

    # The machine's speed drifts by a quarter over seconds (shared virtual CPUs), so whole
    # runs of each side compared best-of-N still catch the two in different weather. Instead
    # both sides run on each transcript in turn, back to back and in alternating order, and
    # each transcript keeps its fastest time per side over the repeats: both sides get the
    # same chances at a quiet moment, and the sums cover the whole text.
    n_sugg = 0
    n = len(transcripts)
    raw_cpu = [[] for _ in range(n)]
    tag_cpu = [[] for _ in range(n)]
    raw_wall = [[] for _ in range(n)]
    tag_wall = [[] for _ in range(n)]

    def timed(fn: object, cpu: list[float], wall: list[float]) -> None:
        w0, c0 = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)

    for r in range(args.repeat):
        n_sugg = 0
        for k, t in enumerate(transcripts):
            chunk = [s.text for s in t]

            def raw_one(chunk: list[str] = chunk) -> None:
                for _ in pipe.nlp.pipe(chunk, batch_size=args.batch_size):
                    pass

            def tagged_one(t: list[SegmentInput] = t) -> None:
                nonlocal n_sugg
                for s in suggester.iter_suggest(t):
                    n_sugg += len(s.codes)

            first, second = (raw_one, tagged_one) if (r + k) % 2 == 0 else (tagged_one, raw_one)
            for fn in (first, second):
                if fn is raw_one:
                    timed(fn, raw_cpu[k], raw_wall[k])
                else:
                    timed(fn, tag_cpu[k], tag_wall[k])

    def total(times: list[list[float]], pick: object = min) -> float:
        return sum(pick(ts) for ts in times)  # type: ignore[operator]

    raw, tagged = total(raw_cpu), total(tag_cpu)
    raw_median, tagged_median = total(raw_cpu, statistics.median), total(tag_cpu, statistics.median)
    raw_w, tagged_w = total(raw_wall), total(tag_wall)

    print(f"pipeline: {pipe.name} ({'statistical' if pipe.statistical else 'blank tokenizer'})")
    print(f"text: {n_words} words in {len(texts)} segments, {len(transcripts)} transcripts")
    print(
        f"CPU time, each transcript's fastest of {args.repeat} interleaved runs per side, summed:"
    )
    print(f"raw nlp.pipe:      {raw:8.2f} s  {n_words / raw:10.0f} words/s")
    print(
        f"parse + tagging:   {tagged:8.2f} s  {n_words / tagged:10.0f} words/s  ({n_sugg} code suggestions)"
    )
    print(f"tagging overhead:  {(tagged - raw) / n_words * 1e6:8.1f} µs/word")
    print(f"throughput ratio (tagging / raw): {raw / tagged:.2f}  (target >= 0.80)")
    print(
        f"with medians instead of fastest: raw {raw_median:.2f} s, parse + tagging "
        f"{tagged_median:.2f} s, ratio {raw_median / tagged_median:.2f}"
    )
    print(
        f"wall clock: raw {n_words / raw_w:.0f} words/s, parse + tagging "
        f"{n_words / tagged_w:.0f} words/s, ratio {raw_w / tagged_w:.2f}"
    )


if __name__ == "__main__":
    main()
