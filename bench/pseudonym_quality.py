"""Pseudonymisation quality: leaks, mis-attributions and damaged words, on three inputs.

    PYTHONPATH=. python -m bench.pseudonym_quality [--no-ner] [--verbose]

- demo: the demo transcripts (transcripts/), every segment a quote, pseudonymised as
  `coder quotes --status all --pseudonymise` does;
- realdata: ../shared/realdata/parlamint-no (one sitting day of Stortinget), the same way;
- traps: tests/export/data/pseudonym/pseudonym_traps.txt (and its NFD twin), an adversarial
  transcript written without seeing the code, checked item by item against expected.json.

What is counted (the figures README states):
- leak: a person's name part that survives. On the traps: an item to replace that is not fully
  replaced. On demo/realdata: a participant's (and, for realdata, a hand-listed mentioned
  person's) name part left in the output capitalised inside a sentence, in capitals, or as a
  full name in any case; sentence-initial everyday words ("Hans engasjement") are not counted.
- mis-attribution: a participant label put where another person is named: a label naming
  another municipality than the quote's, a label whose participant does not carry the replaced
  name, or (traps) a different label than the participant meant.
- damage: a word that is no person replaced (traps: items to keep; demo/realdata: place names
  from the municipality/county/country list, "Plan", "Fag").
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CODER_SHARED_DIR", ROOT.parent / "shared"))
TRAPS = ROOT / "tests" / "export" / "data" / "pseudonym"
_LABEL = re.compile(r"\[[^\[\]]+\]")
_WORD = re.compile(r"\[[^\[\]]+\]|[^\W\d_][\w\u0300-\u036f]*(?:['’][\w]+)?|\S")
_PARTICIPANT_LABEL = re.compile(r"\[([^\[\],]+?) (\d+)(?:, ([^\[\]]+))?\]")
# Trap items marked "keep" that name other people (a public or historical figure, another
# family): the project pseudonymises every person, so "[Person n]" is right for them too;
# only a participant's label there is wrong.
OTHER_PEOPLE = frozenset({"Erna Solbergs", "Solberg", "Olav Tryggvason", "Dahle"})
DAMAGE_WORDS = frozenset({"Plan", "Fag"})


@dataclass
class Tally:
    name: str
    texts: int = 0
    labels: int = 0
    leaks: int = 0
    misattributed: int = 0
    damaged: int = 0
    items: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, kind: str, text: str) -> None:
        if len(self.examples) < 60:
            self.examples.append(f"{kind}: {' '.join(text.split())}")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def replaced_spans(original: str, output: str) -> list[tuple[int, int, str]]:
    """(start, end, pseudonym) in the original for every pseudonym in the output: the output's
    literal text is matched against the original with each pseudonym as a wildcard."""
    labels = list(_LABEL.finditer(output))
    pattern = []
    pos = 0
    for m in labels:
        pattern.append(re.escape(output[pos : m.start()]))
        pattern.append("(.+?)")
        pos = m.end()
    pattern.append(re.escape(output[pos:]))
    found = re.fullmatch("".join(pattern), original, re.DOTALL)
    if found is not None:
        return [(found.start(k + 1), found.end(k + 1), m.group()) for k, m in enumerate(labels)]
    a, b = _tokens(original), _tokens(output)  # changed beyond the pseudonyms: by words
    sm = difflib.SequenceMatcher(None, [t[0] for t in a], [t[0] for t in b], autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal" or i1 == i2:
            continue
        out.append((a[i1][1], a[i2 - 1][2], output[b[j1][1] : b[j2 - 1][2]] if j1 < j2 else ""))
    return out


def _fold(word: str) -> str:
    from coder.export.pseudonymise import fold

    return fold(word)


def _name_keys(text: str) -> set[str]:
    """Folded name words of a stretch of text, without genitive endings."""
    out = set()
    for w in re.findall(r"[^\W\d_][\w\u0300-\u036f]*", text):
        if len(w) < 2 or not w[:1].isalpha():
            continue
        out.add(_fold(w))
        if w.endswith("s"):
            out.add(_fold(w[:-1]))
    return out


def _people_tokens(key: dict[str, str]) -> dict[str, set[str]]:
    return {label: {_fold(w) for w in re.findall(r"[^\W\d_]+", real)} for label, real in key.items()}


def score_pairs(
    tally: Tally,
    pairs: Iterable[tuple[str, str, str | None]],
    key: dict[str, str],
    names: set[str],
    ordinary: frozenset[str],
    places: frozenset[str],
) -> None:
    """Count over (original, output, municipality) triples; `names` are the folded name parts
    of everyone named (participants and people read by hand): they must not survive, and a
    replaced stretch holding none of them is damage."""
    people = _people_tokens(key)
    for original, output, case in pairs:
        tally.texts += 1
        for m in _PARTICIPANT_LABEL.finditer(output):
            if m.group(1) == "Person":
                continue
            tally.labels += 1
            if case and m.group(3) and m.group(3) != case:
                tally.misattributed += 1
                tally.note("other municipality", output[max(0, m.start() - 60) : m.end() + 20])
        for start, end, new in replaced_spans(original, output):
            gone = original[start:end]
            for lab in _PARTICIPANT_LABEL.finditer(new):
                if lab.group(1) == "Person" or (case and lab.group(3) and lab.group(3) != case):
                    continue
                carried = people.get(lab.group(), set())
                keys = _name_keys(gone) - {"s"}
                if carried and keys and not (keys & carried):
                    tally.misattributed += 1
                    tally.note("not this participant's name", f"{gone!r} -> {lab.group()}")
            words = re.findall(r"[^\W\d_]+", gone)
            lone_place = len(words) == 1 and (words[0] in DAMAGE_WORDS or _fold(words[0]) in places)
            if lone_place or not (_name_keys(gone) & names):
                tally.damaged += 1  # a place, department or other word taken for a person
                tally.note("damaged", f"{gone!r} -> {new!r}")
        tally.leaks += _leaks(tally, output, names, ordinary)


def _leaks(tally: Tally, output: str, names: set[str], ordinary: frozenset[str]) -> int:
    toks = [(w, s, e) for w, s, e in _tokens(output) if not w.startswith("[")]
    found = 0
    for i, (w, s, _e) in enumerate(toks):
        if not w[:1].isalpha() or len(w) < 2:
            continue
        base = w[:-1] if w.endswith("s") and _fold(w[:-1]) in names else w
        if _fold(base) not in names:
            continue
        prev = output[:s].rstrip()
        initial = not prev or prev[-1] in ".!?:;«»\"“”—–(\n"
        nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
        full = (
            nxt[:1].isalpha()
            and _fold(nxt) in names
            and output[toks[i][2] : toks[i + 1][1]].strip() == ""
        )
        capital = w[:1].isupper() and (not initial or w.casefold() not in ordinary)
        shouting = w.isupper() and len(w) >= 3
        if capital or shouting or full:
            found += 1
            tally.note("leak", output[max(0, s - 50) : s + 30])
    return found


# -- inputs ----------------------------------------------------------------------------------
def _store_with_quotes(paths: Sequence[Path], workdir: Path):  # type: ignore[no-untyped-def]
    from coder.services.importing import import_files
    from coder.services.project import open_store
    from coder.store.codings import CodingRepo
    from coder.store.transcripts import TranscriptRepo

    store = open_store(f"sqlite:///{workdir / 'q.sqlite'}")
    report = import_files(store, list(paths))
    if report.failed:
        raise SystemExit(f"import failed: {report.failed[0].message}")
    with store.session() as s:
        repo = TranscriptRepo(s)
        codings = CodingRepo(s)
        for t in repo.list_transcripts():
            for seg in repo.segments(t.id):
                codings.upsert_suggestion(
                    seg.id, "C13", "auto", score=0.5, evidence=[], relation=None
                )
    return store


def quotes_pairs(paths: Sequence[Path], use_ner: bool):  # type: ignore[no-untyped-def]
    """(original quote, pseudonymised quote) pairs and the key, as the quotes export makes them."""
    from coder.services import synthesis

    with tempfile.TemporaryDirectory() as tmp:
        store = _store_with_quotes(paths, Path(tmp))
        try:
            quotes = synthesis.quotes(store, status="all")
            ps = synthesis.build_pseudonymiser(
                store, ner_texts=[synthesis.quote_scope(q) for q in quotes], use_ner=use_ner
            )
            done = [synthesis.pseudonymise_quote(q, ps) for q in quotes]
            names = {
                _fold(t) for p in ps._people if p.participant for t in p.tokens  # noqa: SLF001
            }
            return quotes, done, ps.key(), names
        finally:
            store.dispose()


def _lexicon() -> frozenset[str]:
    from coder.analysis.stopwords import norwegian_stop_words
    from coder.export.names_nb import AMBIGUOUS_GIVEN, ORDINARY_NAME_WORDS

    return frozenset(norwegian_stop_words() | ORDINARY_NAME_WORDS | AMBIGUOUS_GIVEN)


def _places() -> frozenset[str]:
    from coder.export.places_nb import place_words

    return frozenset(_fold(w) for w in place_words())


# People the demo transcripts name besides their participants, as read by hand (fiction).
DEMO_MENTIONED = """
Trond Berge; Anne Grethe Vatne; Kari Mathisen; Liv Salvesen; Hilde Rønningen; Tor Einar Lunde;
Jon Arild Homme; Geir Olsen; Anita; Arne; Gunn Tveit; Jan Petter; Helge Brattli; Mona Sandvik;
Randi Aas; Turid; Eli
"""


def _listed(people: str) -> set[str]:
    return {
        _fold(w)
        for person in people.replace("\n", " ").split(";")
        for w in re.findall(r"[^\W\d_]+", person)
        if len(w) > 1
    }


def measure_demo(use_ner: bool) -> Tally:
    quotes, done, key, names = quotes_pairs([ROOT / "transcripts"], use_ner)
    tally = Tally("demo transcripts")
    pairs = [(q.text, d.text, q.case) for q, d in zip(quotes, done, strict=True)]
    score_pairs(tally, pairs, key, names | _listed(DEMO_MENTIONED), _lexicon(), _places())
    return tally


def parlamint_names() -> set[str]:
    """Hand-listed people mentioned in the ParlaMint day (tests/export/test_pseudonymise_parlamint)."""
    sys.path.insert(0, str(ROOT))
    from tests.export.test_pseudonymise_parlamint import MENTIONED

    return _listed(MENTIONED)


def measure_realdata(use_ner: bool) -> Tally:
    src = SHARED / "realdata" / "parlamint-no" / "ParlaMint-NO_2022-03-22.speaker_turns.txt"
    quotes, done, key, names = quotes_pairs([src], use_ner)
    tally = Tally("realdata (ParlaMint-NO)")
    pairs = [(q.text, d.text, q.case) for q, d in zip(quotes, done, strict=True)]
    score_pairs(tally, pairs, key, names | parlamint_names(), _lexicon(), _places())
    return tally


# -- the adversarial transcript ----------------------------------------------------------------
def read_traps(path: Path) -> tuple[list[tuple[str, str]], str]:
    """The turns (label, text) of the trap transcript and its municipality, read by hand."""
    text = path.read_text(encoding="utf-8")
    _, header, body = text.split("---", 2)
    case = re.search(r"^case:\s*(.+)$", header, re.M)
    turns = []
    for block in re.split(r"\n\s*\n", body.strip()):
        label, _, said = block.partition(": ")
        turns.append((label.strip(), said))
    return turns, case.group(1).strip() if case else ""


def pseudonymise_traps(path: Path, use_ner: bool) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Each turn's (original, pseudonymised) text, and speaker label -> pseudonym."""
    from coder.export.pseudonymise import (
        ParticipantRef,
        Pseudonymiser,
        ScopedText,
        default_entity_finder,
    )

    turns, case = read_traps(path)
    labels = list(dict.fromkeys(label for label, _ in turns))
    roles = {labels[0]: "interviewer"}
    refs = [
        ParticipantRef(n, label, label, roles.get(label, "other"), case, transcript=1)
        for n, label in enumerate(labels, start=1)
    ]
    docs = [ScopedText(said, 1, case) for _, said in turns]
    finder = default_entity_finder() if use_ner else None
    ps = Pseudonymiser(refs, [ScopedText(path.read_text("utf-8"), 1, case)], entities=finder,
                       ner_texts=docs)  # fmt: skip
    out = [(said, ps.text(said, transcript=1, case=case)) for _, said in turns]
    return out, {r.label: ps.participant(r.id) or "" for r in refs}


def _who(item: str, speakers: dict[str, str]) -> str | None:
    keys = _name_keys(item.replace("@", " ").replace(".", " "))
    for label, pseudonym in speakers.items():
        if keys & {_fold(w) for w in label.split()}:
            return pseudonym
    return None


def measure_traps(path: Path, expected: list[dict[str, object]], use_ner: bool) -> Tally:
    turns, speakers = pseudonymise_traps(path, use_ner)
    tally = Tally(f"adversarial ({path.name})")
    by_turn: dict[int, list[dict[str, object]]] = {}
    for item in expected:
        by_turn.setdefault(int(item["turn"]), []).append(item)  # type: ignore[arg-type]
    for n, (original, output) in enumerate(turns, start=1):
        tally.texts += 1
        tally.labels += len(_PARTICIPANT_LABEL.findall(output))
        spans = replaced_spans(original, output)
        keeps: dict[str, int] = {}
        for item in by_turn.get(n, []):
            text, action = str(item["text"]), str(item["action"])
            tally.items += 1
            places = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", original)]
            if action == "keep":
                keeps[text] = keeps.get(text, 0) + 1
                if keeps[text] > len(places):
                    continue
                at = places[keeps[text] - 1]
                hit = [s for s in spans if s[0] < at + len(text) and s[1] > at]
                if not hit:
                    continue
                labels = [m.group() for s in hit for m in _PARTICIPANT_LABEL.finditer(s[2])]
                if text in OTHER_PEOPLE:
                    if any(not lab.startswith("[Person") for lab in labels):
                        tally.misattributed += 1
                        tally.note(f"turn {n} misattributed", f"{text!r} -> {hit[0][2]!r}")
                    continue
                tally.damaged += 1
                tally.note(f"turn {n} damaged", f"{text!r} -> {hit[0][2]!r}")
                continue
            head = text.split("-")[0] if re.search(r"-[a-zæøå]", text) else text
            tail = text[len(head) :]
            want = _who(head, speakers)
            for at in places:
                words = [m for m in re.finditer(r"[^\W\d_]+", head)]
                cover = [_covered(spans, at + w.start(), at + w.end(), original) for w in words]
                if not all(cover):
                    tally.leaks += 1
                    tally.note(f"turn {n} leak", f"{text!r} in {output[:120]!r}")
                    continue
                new = " ".join(s[2] for s in spans if s[0] < at + len(head) and s[1] > at)
                if want and want not in new:
                    tally.misattributed += 1
                    tally.note(f"turn {n} misattributed", f"{text!r} -> {new!r} (want {want})")
                if tail and tail not in output:
                    tally.damaged += 1
                    tally.note(f"turn {n} damaged", f"{text!r}: {tail!r} lost")
    return tally


def _covered(spans: list[tuple[int, int, str]], start: int, end: int, text: str) -> bool:
    """Is the word at start..end replaced, but for a genitive ending kept after the pseudonym?"""
    return any(
        s[0] <= start and (s[1] >= end or text[s[1] : end] in ("s", "'s", "’s", "'", "’"))
        for s in spans
    )


def load_expected() -> list[dict[str, object]]:
    return json.loads((TRAPS / "expected.json").read_text(encoding="utf-8"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-ner", action="store_true", help="name lists and rules only")
    parser.add_argument("--verbose", action="store_true", help="print every leak and mistake")
    parser.add_argument("--only", choices=["demo", "realdata", "traps"], action="append")
    args = parser.parse_args(argv)
    use_ner = not args.no_ner
    only = set(args.only or ["demo", "realdata", "traps"])
    tallies: list[Tally] = []
    if "traps" in only:
        expected = load_expected()
        for name in ("pseudonym_traps.txt", "pseudonym_traps_nfd.txt"):
            tallies.append(measure_traps(TRAPS / name, expected, use_ner))
    if "demo" in only:
        tallies.append(measure_demo(use_ner))
    if "realdata" in only:
        tallies.append(measure_realdata(use_ner))
    print(f"pseudonymisation, NER {'on' if use_ner else 'off'}")
    print(f"{'input':34} {'texts':>5} {'items':>5} {'labels':>6} {'leaks':>5} "
          f"{'misattr':>7} {'damaged':>7}")  # fmt: skip
    for t in tallies:
        print(f"{t.name:34} {t.texts:5} {t.items or '':>5} {t.labels:6} {t.leaks:5} "
              f"{t.misattributed:7} {t.damaged:7}")  # fmt: skip
    if args.verbose:
        for t in tallies:
            for e in t.examples:
                print(f"  {t.name}: {e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
