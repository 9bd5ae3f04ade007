"""Score the tagger on the gold set (same as `coder tagging-eval`), for CI logs and notebooks.

PYTHONPATH=. python scripts/eval_tagging.py [--gold DIR] [--transcripts DIR] [--json]
    [--no-curve] [--embeddings] [--blank]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coder.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["tagging-eval", *sys.argv[1:]])
