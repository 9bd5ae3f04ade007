"""Side by side with qc (`qualitative-coding` on PyPI): import the same transcripts, count codes.

qc codes in a text editor; it is driven here without one through its documented custom-editor
setting (settings.yaml `editors:`), whose command is a small script that writes the codes file.
Both tools get the same keyword rule per speaker turn; the counts must agree, and the times of
`import` and of counting (`qc codes stats` vs `coder codebook show --json`) are compared.
qc is found via $QC_BIN, PATH, or .venv-qc/bin/qc (see bench/README.md: it pins rich<14, which
conflicts with Textual, so it lives in its own virtual environment).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, Result, child_env, run_child, skipped
from bench.corpus import write_corpus

RULES = {"politikerne": "B5", "budsjettet": "C13", "enhetslederne": "C15"}
EDITOR_SCRIPT = """
import sys
rules = {rules!r}
corpus, codes = sys.argv[1], sys.argv[2]
lines = open(corpus, encoding="utf-8").read().splitlines()
out = [", ".join(c for w, c in rules.items() if w in line) for line in lines]
open(codes, "w", encoding="utf-8").write("\\n".join(out) + "\\n")
"""


def qc_binary() -> str | None:
    env = os.environ.get("QC_BIN")
    if env and Path(env).is_file():
        return env
    found = shutil.which("qc")
    if found:
        return found
    local = ROOT / ".venv-qc" / "bin" / "qc"
    return str(local) if local.is_file() else None


def _qc(qc: str, args: list[str], cwd: Path) -> float:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    run = run_child([qc, *args], env=env, cwd=cwd)
    if run.returncode != 0:
        tail = (run.stderr.strip() or run.stdout.strip() or "no output").splitlines()[-1]
        raise RuntimeError(f"qc {' '.join(args[:2])} exited {run.returncode}: {tail}")
    return run.seconds


def _qc_project(qc: str, work: Path, src: Path) -> tuple[float, float, dict[str, int]]:
    import yaml

    work.mkdir()
    _qc(qc, ["init"], work)
    script = work / "bench_editor.py"
    script.write_text(EDITOR_SCRIPT.format(rules=RULES), encoding="utf-8")
    settings_path = work / "settings.yaml"
    settings = yaml.safe_load(settings_path.read_text(encoding="utf-8")) or {}
    settings["editors"] = {
        "bench": {
            "name": "bench",
            "code_command": f'{sys.executable} {script} "{{corpus_file_path}}" "{{codes_file_path}}"',
            "memo_command": "true",
        }
    }
    settings["editor"] = "bench"
    settings_path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    # .txt needs no conversion; the default importer would call pandoc
    t_import = _qc(
        qc, ["corpus", "import", "--recursive", "--importer", "verbatim", str(src)], work
    )
    names = sorted(p.name for p in src.iterdir())
    for name in names:
        _qc(qc, ["code", "bench", "--pattern", name], work)  # a substring of the path
    out = work / "stats.csv"
    t_count = _qc(qc, ["codes", "stats", "--outfile", str(out)], work)
    counts: dict[str, int] = {}
    with out.open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) >= 2 and row[0] in RULES.values():
                counts[row[0]] = int(float(row[-1]))
    return t_import, t_count, counts


def _coder_project(work: Path, src: Path) -> tuple[float, float, dict[str, int]]:
    from coder.services.coding import code_segment
    from coder.services.project import open_store
    from coder.store.transcripts import TranscriptRepo

    work.mkdir()
    url = f"sqlite:///{work / 'coder.sqlite'}"
    base = [sys.executable, "-m", "coder", "--db", url]
    env = child_env()
    run = run_child([*base, "import", str(src)], env=env)
    if run.returncode != 0:
        raise RuntimeError(f"coder import exited {run.returncode}: {run.stderr.strip()[-200:]}")
    t_import = run.seconds
    store = open_store(url)
    try:
        with store.session() as s:
            repo = TranscriptRepo(s)
            segs = [seg for t in repo.list_transcripts() for seg in repo.segments(t.id)]
        for seg in segs:
            for word, code in RULES.items():
                if word in seg.text:
                    code_segment(store, seg.id, code, "bench")
    finally:
        store.dispose()
    run = run_child([*base, "codebook", "show", "--json"], env=env)
    if run.returncode != 0:
        raise RuntimeError(f"coder codebook show exited {run.returncode}")
    counts = {c["id"]: c["accepted"] for c in json.loads(run.stdout) if c["id"] in RULES.values()}
    return t_import, run.seconds, counts


def run(scale: str = "full") -> list[Result]:
    qc = qc_binary()
    if qc is None:
        return [skipped("qc side by side", "qc not installed (see bench/README.md)")]
    files, per_file = (20, 5_000) if scale == "full" else (2, 300)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        write_corpus(src, files, per_file, seed=4242)
        qi, qcount, qcounts = _qc_project(qc, Path(tmp) / "qc", src)
        ci, ccount, ccounts = _coder_project(Path(tmp) / "coder", src)
    words = files * per_file
    agree = qcounts == ccounts
    return [
        Result(
            f"import {files} transcripts (~{words:,} words): coder CLI",
            ci,
            "s",
            baseline=qi,
            baseline_label="qc corpus import",
            note="whole CLI runs; coder parses speakers and segments into its database",
        ),
        Result(
            "code counts: coder codebook show --json",
            ccount,
            "s",
            baseline=qcount,
            baseline_label="qc codes stats",
            note=f"counts {'agree' if agree else 'DIFFER'}: coder {ccounts} / qc {qcounts}",
        ),
        Result(
            "code counts agree with qc",
            float(sum(ccounts.values())),
            "codings",
            baseline=float(sum(qcounts.values())) or None,
            baseline_label="qc's count",
            target="equal",
            passed=agree,
        ),
    ]
