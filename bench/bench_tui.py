"""Workspace speed: time to first Coding screen and keystroke latency on a 50,000-word transcript.

Run: PYTHONPATH=. python bench/bench_tui.py [--words 50000]. Prints the figures and their ratio to
the targets (first screen <= 0.5 s, keystroke to updated screen <= 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from coder.codebook.model import Codebook
from coder.domain import Relation, RoleGroup
from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft
from coder.services.project import open_store
from coder.store.codes import CodeRepo
from coder.store.codings import CodingRepo
from coder.store.db import Store
from coder.store.transcripts import TranscriptRepo

TARGET_FIRST_SCREEN = 0.5
TARGET_KEYSTROKE = 0.050

SENTENCE = (
    "vi har et godt samarbeid med økonomiavdelingen og personalavdelingen men politikerne i "
    "formannskapet ønsker mer styringsinformasjon fra rådmannen og ledergruppa når budsjettet "
    "skal vedtas får virksomhetslederne lite hjelp fra stab og støtte i kommunen det handler om "
    "tillit rolleforståelse og kapasitet i organisasjonen"
)
WORDS = SENTENCE.split(" ")
SPEAKERS = [
    ("Intervjuer", RoleGroup.INTERVIEWER),
    ("Ordfører", RoleGroup.POLITICIAN),
    ("Rådmann", RoleGroup.CEO_LEVEL),
    ("Økonomisjef", RoleGroup.STAFF_SUPPORT),
    ("Rektor", RoleGroup.UNIT_LEADER),
]


def big_draft(words: int, seed: int = 7) -> TranscriptDraft:
    """A transcript of about `words` words in turns of 20-90 words, speakers in rotation."""
    rng = random.Random(seed)
    parts: list[str] = []
    segments: list[SegmentDraft] = []
    pos = 0
    count = 0
    i = 0
    while count < words:
        label = SPEAKERS[i % len(SPEAKERS)][0]
        n = rng.randint(20, 90)
        sentence_words = [rng.choice(WORDS) for _ in range(n)]
        for k in range(7, n, rng.randint(8, 14)):
            sentence_words[k] += "."
        body = " ".join(sentence_words).capitalize() + "."
        prefix = f"{label}: "
        start = pos + len(prefix)
        parts.append(prefix + body + "\n\n")
        segments.append(SegmentDraft(ordinal=i, start=start, end=start + len(body), speaker=label))
        pos += len(prefix) + len(body) + 2
        count += n
        i += 1
    text = "".join(parts)
    return TranscriptDraft(
        source_path="bench-50k.txt",
        source_name="bench-50k.txt",
        format="txt",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        title="Benchmark transcript",
        case_name="Hamar",
        participants=[
            ParticipantDraft(label=lbl, display_name=lbl, role_group=g) for lbl, g in SPEAKERS
        ],
        segments=segments,
    )


def build(url: str, words: int) -> tuple[Store, int, int]:
    """A project with the big transcript and two suggestions on every third informant turn."""
    from coder.codebook.model import CodeDef, Lexicon
    from coder.domain import CodeKind

    store = open_store(url, seed_codebook=False)
    codes = tuple(
        CodeDef(
            cid,
            parent,
            CodeKind.QUESTION if parent else CodeKind.SECTION,
            label,
            ordinal=n,
            color=color,
            lexicon=Lexicon((label.split()[0].lower(),), ()),
        )
        for n, (cid, parent, label, color) in enumerate(
            [
                ("B", None, "Samspill", "#f28e2b"),
                ("B5", "B", "Politikerne og stab", "#edc948"),
                ("C", None, "Styring", "#59a14f"),
                ("C13", "C", "Styringsinformasjon", "#76b7b2"),
            ]
        )
    )
    with store.session() as s:
        CodeRepo(s).sync_codebook(
            Codebook(name="bench", version="1", source="bench", language="nb", codes=codes)
        )
        repo = TranscriptRepo(s)
        case = repo.ensure_case("Hamar")
        draft = big_draft(words)
        tid = repo.add_draft(draft, case.id).id
    with store.session() as s:
        segs = TranscriptRepo(s).segments(tid)
        codings = CodingRepo(s)
        n = 0
        for seg in segs[1::3]:
            for code, score, rel in (("B5", 0.8, Relation.POLITICIANS), ("C13", 0.6, Relation.CEO)):
                codings.upsert_suggestion(
                    seg.id, code, "bench", score=score, evidence=["politiker"], relation=rel
                )
                n += 1
    return store, tid, len(draft.segments)


class Clock:
    """Wall time and this process's CPU time (all threads): on a shared, loaded machine the CPU
    time is the steadier figure of the work a keystroke costs."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


async def measure(store: Store, tid: int) -> dict[str, list[tuple[float, float]]]:
    from coder.tui.app import CoderApp
    from coder.tui.screens.coding import CodingScreen

    app = CoderApp(store, coder="bench", poll_seconds=None)
    out: dict[str, list[tuple[float, float]]] = {}
    start = Clock()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        out["start"] = [start.stop()]
        t0 = Clock()
        app.open_transcript(tid)
        while True:
            screen = app.screen
            if isinstance(screen, CodingScreen) and screen.data is not None:
                break
            await asyncio.sleep(0.002)
        await pilot.pause()  # one refresh: the lines are on screen
        out["first_screen"] = [t0.stop()]
        # Again, with the Coding screen already built (the usual case after the first transcript).
        app.switch_mode("library")
        await pilot.pause()
        t0 = Clock()
        app.open_transcript(tid)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["warm_screen"] = [t0.stop()]
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        noop: list[tuple[float, float]] = []
        for _ in range(10):
            t = Clock()
            await pilot.press("z")  # bound to nothing: the cost of the Pilot and one frame
            await pilot.pause()
            noop.append(t.stop())
        out["noop"] = noop
        moves: list[tuple[float, float]] = []
        for key in ["j"] * 20 + ["k"] * 10 + ["G", "g"]:
            t = Clock()
            await pilot.press(key)
            await pilot.pause()
            moves.append(t.stop())
        out["move"] = moves
        accepts: list[tuple[float, float]] = []
        for _ in range(10):
            await pilot.press("n")
            await pilot.pause()
            t = Clock()
            await pilot.press("a")
            await pilot.pause()
            accepts.append(t.stop())
        out["accept"] = accepts
        spans: list[tuple[float, float]] = []
        for _ in range(10):
            t = Clock()
            await pilot.press("shift+right")
            await pilot.pause()
            spans.append(t.stop())
        out["span"] = spans
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        t = time.perf_counter()
        store, tid, n_segments = build(url, args.words)
        print(
            f"built {args.words:,}-word transcript, {n_segments} segments in {time.perf_counter() - t:.2f} s"
        )
        figures = asyncio.run(measure(store, tid))
        store.dispose()
    wall, cpu = figures["start"][0]
    print(f"app start (Library shown): wall {wall * 1000:.0f} ms, cpu {cpu * 1000:.0f} ms")
    wall, cpu = figures["first_screen"][0]
    print(
        f"first Coding screen: wall {wall * 1000:.0f} ms, cpu {cpu * 1000:.0f} ms "
        f"(target {TARGET_FIRST_SCREEN * 1000:.0f} ms; ratio wall {wall / TARGET_FIRST_SCREEN:.2f}, "
        f"cpu {cpu / TARGET_FIRST_SCREEN:.2f})"
    )
    wall, cpu = figures["warm_screen"][0]
    print(
        f"reopen (screen built): wall {wall * 1000:.0f} ms, cpu {cpu * 1000:.0f} ms "
        f"(ratio wall {wall / TARGET_FIRST_SCREEN:.2f}, cpu {cpu / TARGET_FIRST_SCREEN:.2f})"
    )
    base_wall = statistics.median(w for w, _ in figures["noop"])
    base_cpu = statistics.median(c for _, c in figures["noop"])
    print(
        f"keystroke baseline (unbound key: Pilot round trip and one frame): "
        f"wall {base_wall * 1000:.1f} ms, cpu {base_cpu * 1000:.1f} ms"
    )
    for name in ("move", "span", "accept"):
        walls = [w for w, _ in figures[name]]
        cpus = [c for _, c in figures[name]]
        med_w, med_c = statistics.median(walls), statistics.median(cpus)
        net = med_w - base_wall
        print(
            f"keystroke {name:<6}: median wall {med_w * 1000:.1f} ms (net of baseline {net * 1000:.1f} ms), "
            f"cpu {med_c * 1000:.1f} ms, max wall {max(walls) * 1000:.1f} ms "
            f"(target {TARGET_KEYSTROKE * 1000:.0f} ms; ratio wall {med_w / TARGET_KEYSTROKE:.2f}, "
            f"cpu {med_c / TARGET_KEYSTROKE:.2f})"
        )
    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
