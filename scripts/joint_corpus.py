"""Lay out a joint Bokmål + Nynorsk NDT corpus for `coder nlp train`.

train/ holds both standards' train files except every 12th file of each, which goes to
dev/ (the *selection* split: spaCy picks checkpoints on it). The official dev/ splits stay
unseen by that choice, so `coder nlp evaluate` on them reports figures the selection did
not see (issue 19: NER that carries over). Files are linked, not copied.

    python scripts/joint_corpus.py ../shared/corpora training/joint
"""

from __future__ import annotations

import sys
from pathlib import Path


def lay_out(corpora: Path, dest: Path, every: int = 12) -> dict[str, int]:
    counts = {"train": 0, "dev": 0}
    for split in ("train", "dev"):
        (dest / split).mkdir(parents=True, exist_ok=True)
        for old in (dest / split).iterdir():
            old.unlink()
    for std in ("nob", "nno"):
        files = sorted((corpora / f"ndt-{std}" / "train").glob("*.conll"))
        for i, path in enumerate(files):
            split = "dev" if i % every == every // 2 else "train"
            (dest / split / f"{std}-{path.name}").symlink_to(path.resolve())
            counts[split] += 1
    return counts


if __name__ == "__main__":
    print(lay_out(Path(sys.argv[1]), Path(sys.argv[2])))
