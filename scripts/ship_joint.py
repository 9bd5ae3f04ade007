"""Package the joint Bokmål+Nynorsk run and score it on both official dev splits.

    python scripts/ship_joint.py training/joint-run ../shared/corpora OUT

spaCy chose its checkpoints on the selection split carved from train (joint_corpus.py), so
both official dev splits are unseen by that choice; all three are recorded in meta.json
(`performance` = Bokmål dev, `performance_nn` = Nynorsk dev, `performance_selection`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(run_output: Path, corpora: Path, dest: Path) -> dict[str, dict[str, float]]:
    import spacy

    from coder.nlp.evaluate import evaluate_folder
    from coder.nlp.labels import NAME_CONSISTENCY
    from coder.nlp.package import package_pipeline

    run = run_output / "run"
    ner = run / "ner-best"
    package_pipeline(
        run / "last-eval",
        dest,
        dev_dir=corpora / "ndt-nob" / "dev",
        train_dir=run_output.parent / "joint" / "train",
        ner_from=ner if ner.is_dir() else None,
    )
    nlp = spacy.load(dest)
    nlp.add_pipe(NAME_CONSISTENCY, last=True)
    scores = {
        name: {k: round(v, 4) for k, v in evaluate_folder(nlp, folder).as_dict().items()}
        for name, folder in (
            ("nob_dev", corpora / "ndt-nob" / "dev"),
            ("nno_dev", corpora / "ndt-nno" / "dev"),
            ("selection", run_output.parent / "joint" / "dev"),
        )
    }
    meta_path = dest / "meta.json"
    meta = json.loads(meta_path.read_text("utf-8"))
    meta["performance_nn"] = scores["nno_dev"] | {
        "evaluated_on": "NDT Nynorsk dev/ split, as loaded by coder.nlp.load()"
    }
    meta["performance_selection"] = scores["selection"] | {
        "evaluated_on": "the checkpoint-selection split (every 12th train file of each standard)"
    }
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return scores


if __name__ == "__main__":
    out = main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(json.dumps(out, indent=2))
