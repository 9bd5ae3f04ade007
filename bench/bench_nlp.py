"""Words per second of the NLP pipeline on the parliament transcript, one CPU thread.

Run: ``PYTHONPATH=. python bench/bench_nlp.py [--purpose tagging] [--repeat 3]``.
Uses the components the purpose needs (tagging by default) and compares with the target
of 10,000 words/s per core. Speed is words per CPU-second of this single-threaded process
(other jobs on a shared machine do not distort it); wall-clock speed is printed too.
Prints figures only, never transcript text.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

TARGET = 10_000
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEXT = (
    ROOT.parent / "shared/realdata/parlamint-no/ParlaMint-NO_2022-03-22.speaker_turns.txt"
)
LABEL = re.compile(r"^[^():]+ \([^)]*\): ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=Path, default=DEFAULT_TEXT)
    parser.add_argument("--purpose", default="tagging")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    from coder.nlp import load, loaded_source

    turns = [LABEL.sub("", line) for line in args.text.read_text("utf-8").splitlines()]
    turns = [t for t in turns if t.strip()]
    nlp = load(args.purpose)
    list(nlp.pipe(turns[:5]))  # warm up
    best = best_wall = 0.0
    words = 0
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        words = sum(len(doc) for doc in nlp.pipe(turns, batch_size=args.batch_size))
        best = max(best, words / (time.process_time() - cpu))
        best_wall = max(best_wall, words / (time.perf_counter() - start))
    src = loaded_source()
    print(f"pipeline   {src.name if src else '?'} ({src.kind if src else '?'})")
    print(f"components {', '.join(nlp.pipe_names)}")
    print(f"words      {words} in {len(turns)} turns")
    print(f"speed      {best:,.0f} words per CPU-second (best of {args.repeat})")
    print(f"wall       {best_wall:,.0f} words/s (lower when other work shares the core)")
    print(f"target     {TARGET:,} words/s per core")
    print("result     " + ("meets target" if best >= TARGET else "BELOW target"))


if __name__ == "__main__":
    main()
