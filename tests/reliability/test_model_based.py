"""Model-based test of coding, undo and redo with several coders and autocode (issue 15).

Hypothesis drives random interleavings of accept, reject, code (whole segment or span),
relation, remove, memo, memo edit, undo, redo and autocode by two coders against a plain-Python
model of what must be stored. Each coder's rows are their own, so no step may be refused and
after every step the database must hold exactly what the model holds: no decision lost, none
written over another coder's, no undo or redo touching a row its action did not make.

`make test` runs at least 2,000 steps per backend; CODER_SLOW=1 runs a long opt-in round
(figures in docs/reliability.md).
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import delete, select

from coder.domain import PROJECT, Relation
from coder.services import coding
from coder.store.codings import CodingRepo
from coder.store.convert import span_key
from coder.store.db import Store
from coder.store.models import Action, Coding, Memo
from coder.store.transcripts import TranscriptRepo
from tests.factories import SAMPLE_TURNS, make_draft

CODERS = ("anna", "bjorn")
CODES = ("C13", "C14", "C15")
RELATIONS = (None, Relation.POLITICIANS, Relation.CEO, Relation.UNITS)
SLOW = bool(os.environ.get("CODER_SLOW"))
EXAMPLES, STEPS = (400, 200) if SLOW else (40, 90)

Key = tuple[int, str, str]  # segment, code, span key


@dataclass
class CoderModel:
    """What one coder must have stored, and their own undo/redo history of those states."""

    codings: dict[Key, tuple[str, str | None, str]] = field(default_factory=dict)
    memos: dict[str, Key | int] = field(default_factory=dict)  # text -> coding key or segment
    undo: list[Any] = field(default_factory=list)
    redo: list[Any] = field(default_factory=list)

    def state(self) -> Any:
        return copy.deepcopy((self.codings, self.memos))

    def restore(self, state: Any) -> None:
        self.codings, self.memos = copy.deepcopy(state)


def _segments(store: Store) -> list[tuple[int, int, int]]:
    with store.session() as s:
        tid = TranscriptRepo(s).add_draft(make_draft(SAMPLE_TURNS), None).id
    with store.session() as s:
        return [(seg.id, seg.start, seg.end) for seg in TranscriptRepo(s).segments(tid)][1:]


def _machine(store: Store, segments: list[tuple[int, int, int]], counter: list[int]) -> type:
    seg_ids = [sid for sid, _, _ in segments]
    spans = {sid: (start, end) for sid, start, end in segments}

    def suggestion_relation(seg: int, code: str) -> Relation | None:
        return RELATIONS[(seg + CODES.index(code)) % len(RELATIONS)]

    class CodingMachine(RuleBasedStateMachine):
        @initialize()
        def fresh(self) -> None:
            with store.session() as s:
                s.execute(delete(Memo))
                s.execute(delete(Coding))
                s.execute(delete(Action))
            self.model = {c: CoderModel() for c in CODERS}
            self.suggested: set[tuple[int, str]] = set()
            self.memo_count = 0

        # -- helpers -------------------------------------------------------------------
        def _act(self, who: str, change: Any) -> None:
            """Apply `change` to the model as one action of `who` (recorded only if it changes)."""
            m = self.model[who]
            before = m.state()
            change(m)
            if m.state() != before:
                m.undo.append(before)
                m.redo.clear()

        def _suggestion_id(self, seg: int, code: str) -> int | None:
            with store.session() as s:
                row = CodingRepo(s).find(seg, code, PROJECT, None)
                return None if row is None else row.id

        def _own_id(self, who: str, key: Key) -> int:
            with store.session() as s:
                row = s.scalar(
                    select(Coding).where(
                        Coding.segment_id == key[0],
                        Coding.code_id == key[1],
                        Coding.span_key == key[2],
                        Coding.coder == who,
                    )
                )
                assert row is not None, (who, key)
                return row.id

        # -- rules ---------------------------------------------------------------------
        @rule(seg=st.sampled_from(seg_ids), code=st.sampled_from(CODES))
        def autocode(self, seg: int, code: str) -> None:
            counter[0] += 1
            with store.session() as s:
                CodingRepo(s).upsert_suggestion(
                    seg, code, PROJECT, score=0.7, evidence=["e"],
                    relation=suggestion_relation(seg, code),
                )
            self.suggested.add((seg, code))

        @rule(who=st.sampled_from(CODERS), pick=st.integers(0, 99), accept=st.booleans())
        def decide(self, who: str, pick: int, accept: bool) -> None:
            if not self.suggested:
                return
            counter[0] += 1
            seg, code = sorted(self.suggested)[pick % len(self.suggested)]
            sid = self._suggestion_id(seg, code)
            assert sid is not None
            if accept:
                coding.accept_suggestion(store, sid, who)
            else:
                coding.reject_suggestion(store, sid, who)
            status = "accepted" if accept else "rejected"
            rel = suggestion_relation(seg, code)

            def change(m: CoderModel) -> None:
                key = (seg, code, "")
                if key in m.codings:
                    _, relation, origin = m.codings[key]
                    m.codings[key] = (status, relation, origin)
                else:
                    m.codings[key] = (status, rel.value if rel else None, "suggested")

            self._act(who, change)

        @rule(
            who=st.sampled_from(CODERS),
            seg=st.sampled_from(seg_ids),
            code=st.sampled_from(CODES),
            part=st.sampled_from([None, (0, 5), (2, 9)]),
            relation=st.sampled_from(RELATIONS),
        )
        def code(self, who: str, seg: int, code: str, part: Any, relation: Any) -> None:
            counter[0] += 1
            start, _end = spans[seg]
            span = None if part is None else (start + part[0], start + part[1])
            coding.code_segment(store, seg, code, who, span=span, relation=relation)
            key = (seg, code, span_key(*(span or (None, None))))

            def change(m: CoderModel) -> None:
                if key in m.codings:
                    _, rel, origin = m.codings[key]
                    m.codings[key] = ("accepted", relation.value if relation else rel, origin)
                else:
                    m.codings[key] = ("accepted", relation.value if relation else None, "manual")

            self._act(who, change)

        @rule(who=st.sampled_from(CODERS), pick=st.integers(0, 99), relation=st.sampled_from(RELATIONS))
        def relation(self, who: str, pick: int, relation: Any) -> None:
            own = sorted(self.model[who].codings)
            if not own:
                return
            counter[0] += 1
            key = own[pick % len(own)]
            coding.set_relation(store, self._own_id(who, key), relation, who)

            def change(m: CoderModel) -> None:
                status, _, origin = m.codings[key]
                m.codings[key] = (status, relation.value if relation else None, origin)

            self._act(who, change)

        @rule(who=st.sampled_from(CODERS), pick=st.integers(0, 99))
        def remove(self, who: str, pick: int) -> None:
            own = sorted(self.model[who].codings)
            if not own:
                return
            counter[0] += 1
            key = own[pick % len(own)]
            coding.remove_coding(store, self._own_id(who, key), who)

            def change(m: CoderModel) -> None:
                del m.codings[key]
                for text in [t for t, target in m.memos.items() if target == key]:
                    del m.memos[text]

            self._act(who, change)

        @rule(who=st.sampled_from(CODERS), pick=st.integers(0, 99), on_coding=st.booleans())
        def memo(self, who: str, pick: int, on_coding: bool) -> None:
            counter[0] += 1
            self.memo_count += 1
            text = f"notat {self.memo_count}"
            own = sorted(self.model[who].codings)
            target: Key | int
            if on_coding and own:
                target = own[pick % len(own)]
                coding.add_memo(store, who, text, coding_id=self._own_id(who, target))
            else:
                target = seg_ids[pick % len(seg_ids)]
                coding.add_memo(store, who, text, segment_id=target)
            self._act(who, lambda m: m.memos.__setitem__(text, target))

        @rule(who=st.sampled_from(CODERS), pick=st.integers(0, 99))
        def edit_memo(self, who: str, pick: int) -> None:
            own = sorted(self.model[who].memos)
            if not own:
                return
            counter[0] += 1
            old = own[pick % len(own)]
            self.memo_count += 1
            new = f"notat {self.memo_count}"
            with store.session() as s:
                memo_id = s.scalar(select(Memo.id).where(Memo.author == who, Memo.text == old))
            assert memo_id is not None
            coding.edit_memo(store, memo_id, new, who)

            def change(m: CoderModel) -> None:
                m.memos[new] = m.memos.pop(old)

            self._act(who, change)

        @rule(who=st.sampled_from(CODERS))
        def undo(self, who: str) -> None:
            counter[0] += 1
            m = self.model[who]
            kind = coding.undo(store, who)
            assert (kind is None) == (not m.undo), (who, kind)
            if m.undo:
                m.redo.append(m.state())
                m.restore(m.undo.pop())

        @rule(who=st.sampled_from(CODERS))
        def redo(self, who: str) -> None:
            counter[0] += 1
            m = self.model[who]
            kind = coding.redo(store, who)
            assert (kind is None) == (not m.redo), (who, kind)
            if m.redo:
                m.undo.append(m.state())
                m.restore(m.redo.pop())

        # -- what must hold after every step -------------------------------------------
        @invariant()
        def stored_is_modelled(self) -> None:
            if not hasattr(self, "model"):
                return
            with store.session() as s:
                rows = s.execute(
                    select(
                        Coding.id, Coding.coder, Coding.segment_id, Coding.code_id,
                        Coding.span_key, Coding.status, Coding.relation, Coding.origin,
                    )
                ).all()
                memos = s.execute(
                    select(Memo.author, Memo.text, Memo.coding_id, Memo.segment_id)
                ).all()
            by_id = {r.id: (r.segment_id, r.code_id, r.span_key) for r in rows}
            suggested = {(r.segment_id, r.code_id) for r in rows if r.coder == PROJECT}
            assert suggested == self.suggested
            for who in CODERS:
                got = {
                    (r.segment_id, r.code_id, r.span_key): (r.status, r.relation, r.origin)
                    for r in rows
                    if r.coder == who
                }
                assert got == self.model[who].codings, who
                got_memos = {
                    m.text: (by_id[m.coding_id] if m.coding_id is not None else m.segment_id)
                    for m in memos
                    if m.author == who
                }
                assert got_memos == self.model[who].memos, who

    return CodingMachine


def test_interleaved_coders_undo_redo_and_autocode_match_the_model(store: Store) -> None:
    counter = [0]
    machine = _machine(store, _segments(store), counter)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=not SLOW,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    print(f"\nmodel-based: {counter[0]} steps over {EXAMPLES} runs on {store.dialect}")
    assert counter[0] >= (2000 if not SLOW else 20000), counter[0]


@pytest.mark.parametrize("who", CODERS)
def test_the_model_catches_a_row_under_the_wrong_coder(store: Store, who: str) -> None:
    """The invariant itself can fail: a row that changes hands, as in the finding, is seen."""
    segments = _segments(store)
    state = _machine(store, segments, [0])()
    state.fresh()
    state.autocode(segments[0][0], "C13")
    state.stored_is_modelled()
    with store.session() as s:
        row = s.scalar(select(Coding).where(Coding.coder == PROJECT))
        assert row is not None
        row.coder = who
    with pytest.raises(AssertionError):
        state.stored_is_modelled()
