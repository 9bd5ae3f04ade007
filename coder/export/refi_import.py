"""REFI-QDA project import (.qdpx): codes, text sources, codings, cases and notes, all or nothing.

refi_read reads and checks the archive (nothing is written if it is broken); this module turns it
into our rows in one transaction:

* Each text source becomes a transcript whose segments tile the text: one segment per paragraph
  block (or per line when the text has no blank lines) including the blank lines after it, and
  when blocks open with speaker labels ("Ordfører: ...") one segment per speaker turn. Roles come
  from our own "speakers" variable, else from ingest's label mapping, else "other".
* A selection is split at segment boundaries into one coding per segment it touches, with a span
  unless it covers the whole segment; because segments tile the text, the pieces together are
  exactly the selected characters.
* Codings are stored as origin "imported", status "accepted", coder = the creating User's name.
* Codes are matched or created by refi_codebook.plan_codes; codes already in the project keep
  their id, kind, text and lexicon and take label, colour and description from the file.
* Cases become municipalities (known variables fill the facts, others go to the notes).
* Notes become memos on the coding, segment, transcript or code that references them (first
  reference wins), otherwise project memos; a selection's description is a memo on its segment.
* Warnings (skipped sources and elements) are reported in ImportOutcome.inferred_roles, the
  outcome's note list. Importing the same archive again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coder.domain import CodingOrigin, CodingStatus, ImportOutcome, Relation, RoleGroup
from coder.export.refi_codebook import PlannedCode, plan_codes, planned_to_codebook
from coder.export.refi_common import (
    split_selection,
    tile_segments,
)
from coder.export.refi_read import CaseEntry, ProjectContent, TextSource, read_project
from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft
from coder.ingest.roles import infer_role
from coder.ingest.speakers import match_label, speaker_key
from coder.store.codes import CodeRepo
from coder.store.convert import case_info, span_key
from coder.store.db import Store
from coder.store.models import Code, Coding, Memo, Segment
from coder.store.transcripts import CaseFacts, TranscriptRepo

MAX_WARNINGS = 25
PG_INT_MAX = 2**31 - 1
FOREIGN_COLOR = "#b07aa1"  # the colour new themes get elsewhere in coder

CASE_FIELDS = {
    "county": "county",
    "fylke": "county",
    "population": "population",
    "innbyggere": "population",
    "innbyggertall": "population",
    "organisation model": "organisation_model",
    "organization model": "organisation_model",
    "organisasjonsmodell": "organisation_model",
    "reform year": "reform_year",
    "reformår": "reform_year",
}


# -- speakers -------------------------------------------------------------------------------------


def _infer_group(label: str) -> RoleGroup:
    """The role group a speaker label implies (the same mapping ingest uses), else OTHER."""
    return infer_role(label)[0]


def _speaker_labels(
    text: str, segments: list[tuple[int, int]], declared: dict[str, str]
) -> list[str | None]:
    """The speaker label opening each segment, if any (declared ones, else when a speaker recurs)."""
    found: list[str | None] = []
    known = frozenset(speaker_key(k) for k in declared)
    for start, end in segments:
        m = match_label(text[start:end].lstrip().split("\n", 1)[0], known)
        found.append(" ".join(m.name.split()) if m else None)
    if declared:
        return [lbl if lbl is not None and lbl in declared else None for lbl in found]
    # Without a declaration, trust labels only in a text laid out as turns: some speaker recurs.
    counts = Counter(lbl for lbl in found if lbl)
    if not any(n >= 2 for n in counts.values()):
        return [None] * len(found)
    return found


def _turns(
    segments: list[tuple[int, int]], labels: list[str | None]
) -> tuple[list[tuple[int, int]], list[str | None]]:
    """Join unlabelled paragraphs onto the labelled turn before them (a turn runs to the next
    label), so segments are speaker turns; paragraphs before the first label stay as they are."""
    out: list[tuple[int, int]] = []
    out_labels: list[str | None] = []
    for (start, end), label in zip(segments, labels, strict=True):
        if label is None and out_labels and out_labels[-1] is not None:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
            out_labels.append(label)
    return out, out_labels


def _layout(source: TextSource) -> tuple[list[ParticipantDraft], list[SegmentDraft]] | None:
    """Our own segments and participants from the "coder layout" variable, if it is sound."""
    data = source.layout
    try:
        parts = [
            ParticipantDraft(str(lb), str(dn), RoleGroup(rg), rt if rt is None else str(rt))
            for lb, dn, rg, rt in data["participants"]
        ]
        segs = [
            SegmentDraft(i, int(a), int(b), sp if sp is None else str(sp), sm, em)
            for i, (a, b, sp, sm, em) in enumerate(data["segments"])
        ]
    except (TypeError, KeyError, ValueError):
        return None
    labels = {p.label for p in parts}
    pos = 0
    for g in segs:
        if not (pos <= g.start < g.end <= len(source.text)) or (
            g.speaker is not None and g.speaker not in labels
        ):
            return None
        pos = g.end
    return parts, segs


def _draft(path: Path, source: TextSource) -> TranscriptDraft:
    exact = _layout(source) if source.layout is not None else None
    participants, segments = exact if exact is not None else _inferred_layout(source)
    return TranscriptDraft(
        source_path=f"{path}:{source.name}",
        source_name=source.name,
        format="qdpx",
        sha256=source.sha256,
        text=source.text,
        title=source.title,
        interview_date=source.interview_date,
        participants=participants,
        segments=segments,
    )


def _inferred_layout(source: TextSource) -> tuple[list[ParticipantDraft], list[SegmentDraft]]:
    """Speakers and segments found in the text, for sources without coder's own layout."""
    tiles = tile_segments(source.text)
    spans, labels = _turns(tiles, _speaker_labels(source.text, tiles, source.speakers))
    participants: list[ParticipantDraft] = []
    seen: set[str] = set()
    for label in labels:
        if label and label not in seen:
            seen.add(label)
            declared = source.speakers.get(label)
            group = RoleGroup(declared) if declared else _infer_group(label)
            participants.append(
                ParticipantDraft(
                    label=label[:200],
                    display_name=label[:200],
                    role_group=group,
                    role_inferred=not declared,
                )
            )
    segments = [
        SegmentDraft(ordinal=i, start=s, end=e, speaker=labels[i][:200] if labels[i] else None)
        for i, (s, e) in enumerate(spans)
    ]
    return participants, segments


# -- relations ----------------------------------------------------------------------------------------


def _relation_of(code_id: str | None) -> Relation | None:
    if code_id and code_id.startswith("REL.") and code_id[4:] in Relation._value2member_map_:
        return Relation(code_id[4:])
    return None


def fold_relations(source: TextSource, code_ids: dict[str, str]) -> None:
    """REL.* codings become the relation of the codings they travel with.

    In a selection that holds other codings, a REL.x coding is their relation (our export writes
    one per selection). A REL.x coding alone in its selection (QualCoder writes each coding as its
    own selection) is the relation of the codings by the same coder over exactly the same range.
    A REL.x coding with nothing to attach to stays a coding.
    """
    by_range: dict[tuple[int, int, str], list[Any]] = {}
    for sel in source.selections:
        for c in sel.codings:
            if _relation_of(code_ids.get(c.code_guid)) is None:
                by_range.setdefault((sel.start, sel.end, c.coder), []).append(c)
    for sel in source.selections:
        rel = [c for c in sel.codings if _relation_of(code_ids.get(c.code_guid)) is not None]
        if not rel:
            continue
        others = [c for c in sel.codings if c not in rel]
        for r in rel:
            relation = _relation_of(code_ids.get(r.code_guid))
            targets = others or by_range.get((sel.start, sel.end, r.coder), [])
            targets = [t for t in targets if t.relation is None]
            if not targets:
                continue
            for t in targets:
                t.relation = relation
            sel.codings.remove(r)


# -- writing ----------------------------------------------------------------------------------------


@dataclass
class _Tally:
    sources: int = 0
    unchanged_sources: int = 0
    codes_added: int = 0
    codes_updated: int = 0
    codings: int = 0
    folded: int = 0
    cases: int = 0
    cases_changed: int = 0
    memos: int = 0
    segments: int = 0
    participants: int = 0
    words: int = 0


def _case_facts(case: CaseEntry, warnings: list[str]) -> CaseFacts:
    facts: dict[str, Any] = {}
    extra: list[str] = []
    for var, value in case.values.items():
        target = CASE_FIELDS.get(var.lower())
        if target in ("population", "reform_year"):
            try:
                number = int(float(value.replace(" ", "").replace("\u00a0", "")))
            except ValueError:
                number = None
            if number is not None and 0 <= number <= PG_INT_MAX:
                facts[target] = number
                continue
            extra.append(f"{var}: {value}")
        elif target is not None and value:
            facts[target] = value[:100] if target == "organisation_model" else value[:200]
        elif value:
            extra.append(f"{var}: {value}")
    notes = "\n".join(p for p in [case.description, *extra] if p) or None
    return CaseFacts(name=case.name, notes=notes, **facts)


def _plan(project: ProjectContent, existing: dict[str, str]) -> list[PlannedCode]:
    return plan_codes(project.codes, existing)


def _write(store: Store, path: Path, project: ProjectContent) -> _Tally:
    tally = _Tally()
    warnings = project.warnings
    with store.session() as s:
        codes = CodeRepo(s)
        trepo = TranscriptRepo(s)
        if not codes.setting("project.title"):
            codes.set_setting("project.title", project.name)
        current = {c.id: c for c in codes.list()}
        existing = {cid: c.label for cid, c in current.items()}
        planned = _plan(project, existing)
        full = {
            d.id: d for d in planned_to_codebook(planned, name=project.name, source=str(path)).codes
        }
        code_ids: dict[str, str] = {}
        ordinal = max((c.ordinal for c in current.values()), default=0)
        for p in planned:
            if p.guid:
                code_ids[p.guid] = p.id
            if p.id in current:
                info = current[p.id]
                changes = {
                    k: v
                    for k, v in (
                        ("label", p.label),
                        ("description", p.description),
                        ("color", p.color),
                    )
                    if v and v != getattr(info, k)
                }
                if changes:
                    codes.edit(p.id, **changes)
                    tally.codes_updated += 1
                continue
            d = full[p.id]
            ordinal += 1
            s.add(
                Code(
                    id=p.id,
                    parent_id=p.parent_id if p.parent_id in existing else None,
                    kind=d.kind.value,
                    label=p.label,
                    text=d.text,
                    description=p.description,
                    color=p.color or (d.color if not p.foreign else FOREIGN_COLOR),
                    relation=d.relation.value if d.relation else None,
                    lexicon={"lemmas": list(d.lexicon.lemmas), "phrases": list(d.lexicon.phrases)},
                    ordinal=ordinal,
                )
            )
            existing[p.id] = p.label
            tally.codes_added += 1
        s.flush()

        case_of: dict[str, int] = {}
        for case in project.cases:
            before = trepo.case_row(case.name)
            old = None if before is None else case_info(before)
            info = trepo.upsert_case(_case_facts(case, warnings))
            tally.cases += 1
            if old != info:
                tally.cases_changed += 1
            for g in case.sources:
                if g in case_of and case_of[g] != info.id:
                    warnings.append(f"source {g} belongs to several cases; kept the first")
                    continue
                case_of[g] = info.id

        coding_rows: dict[str, Coding] = {}
        seg_targets: dict[
            str, tuple[int, int]
        ] = {}  # selection guid -> (transcript id, segment id)
        source_ids: dict[str, int] = {}
        for source in project.sources:
            same = trepo.by_sha(source.sha256)
            if same is not None:
                tally.unchanged_sources += 1
                warnings.append(
                    f"source {source.name!r} was imported before (transcript {same.id})"
                )
                continue
            draft = _draft(path, source)
            row = trepo.add_draft(draft, case_of.get(source.guid))
            source_ids[source.guid] = row.id
            tally.sources += 1
            tally.segments += len(draft.segments)
            tally.participants += len(draft.participants)
            tally.words += draft.word_count
            seg_rows = s.scalars(
                select(Segment).where(Segment.transcript_id == row.id).order_by(Segment.ordinal)
            ).all()
            bounds = [(r.start_offset, r.end_offset) for r in seg_rows]
            keys: set[tuple[int, str, str, str]] = set()
            fold_relations(source, code_ids)
            for sel in source.selections:
                pieces = split_selection(bounds, sel.start, sel.end)
                if not pieces:
                    continue
                seg_targets[sel.guid] = (row.id, seg_rows[pieces[0][0]].id)
                for c in sel.codings:
                    code_id = code_ids.get(c.code_guid)
                    if code_id is None:
                        warnings.append(f"skipped a coding of an unknown code {c.code_guid}")
                        continue
                    for k, lo, hi in pieces:
                        seg = seg_rows[k]
                        whole = lo == seg.start_offset and hi == seg.end_offset
                        skey = "" if whole else span_key(lo, hi)
                        key = (seg.id, code_id, c.coder, skey)
                        if key in keys:
                            tally.folded += 1
                            continue
                        keys.add(key)
                        crow = Coding(
                            segment_id=seg.id,
                            code_id=code_id,
                            coder=c.coder,
                            origin=CodingOrigin.IMPORTED.value,
                            status=CodingStatus.ACCEPTED.value,
                            relation=c.relation.value if c.relation else None,
                            span_start=None if whole else lo,
                            span_end=None if whole else hi,
                            span_key=skey,
                            evidence=[],
                        )
                        if c.created is not None:
                            crow.created_at = c.created
                            crow.updated_at = c.created
                        s.add(crow)
                        coding_rows.setdefault(c.guid, crow)
                        tally.codings += 1
        s.flush()
        tally.memos = _write_memos(s, project, source_ids, seg_targets, coding_rows, code_ids)
    return tally


def _write_memos(
    s: Any,
    project: ProjectContent,
    source_ids: dict[str, int],
    seg_targets: dict[str, tuple[int, int]],
    coding_rows: dict[str, Coding],
    code_ids: dict[str, str],
) -> int:
    """Memos from notes (attached where first referenced) and from descriptions of selections."""
    targets: dict[str, dict[str, Any]] = {}

    def claim(note: str, **where: Any) -> None:
        targets.setdefault(note, where)

    for source in project.sources:
        for sel in source.selections:
            for c in sel.codings:
                row = coding_rows.get(c.guid)
                for note in c.notes:
                    if row is not None:
                        claim(
                            note,
                            coding_id=row.id,
                            segment_id=row.segment_id,
                            transcript_id=source_ids.get(source.guid),
                        )
                    else:
                        claim(note, skip=True)
            target = seg_targets.get(sel.guid)
            for note in sel.notes:
                if target is not None:
                    claim(note, transcript_id=target[0], segment_id=target[1])
                else:
                    claim(note, skip=True)
        for note in source.notes:
            claim(
                note, transcript_id=source_ids.get(source.guid), skip=source.guid not in source_ids
            )
    for code in project.codes:
        for note in code.note_refs:
            claim(note, code_id=code_ids.get(code.guid))
    written = 0
    for guid, note in project.notes.items():
        where = dict(targets.get(guid, {}))
        if where.pop("skip", False):
            continue
        if _memo_exists(s, note.author, note.text, where):
            continue
        row = Memo(
            author=note.author, text=note.text, **{k: v for k, v in where.items() if v is not None}
        )
        if note.created is not None:
            row.created_at = note.created
        if note.modified is not None or note.created is not None:
            row.updated_at = note.modified or note.created
        s.add(row)
        written += 1
    for source in project.sources:
        tid = source_ids.get(source.guid)
        if tid is None:
            continue
        if source.description_memo:
            s.add(Memo(author=source.author, text=source.description_memo, transcript_id=tid))
            written += 1
        for sel in source.selections:
            target = seg_targets.get(sel.guid)
            if sel.description and target is not None:
                first = next(
                    (coding_rows[c.guid] for c in sel.codings if c.guid in coding_rows), None
                )
                s.add(
                    Memo(
                        author=sel.author,
                        text=sel.description,
                        transcript_id=target[0],
                        segment_id=target[1],
                        coding_id=first.id if first is not None else None,
                    )
                )
                written += 1
    s.flush()
    return written


def _memo_exists(s: Any, author: str, text: str, where: dict[str, Any]) -> bool:
    q = select(Memo.id).where(Memo.author == author, Memo.text == text)
    for col in ("transcript_id", "segment_id", "code_id", "coding_id"):
        value = where.get(col)
        q = q.where(getattr(Memo, col).is_(None) if value is None else getattr(Memo, col) == value)
    return s.scalar(q.limit(1)) is not None


# -- entry point ------------------------------------------------------------------------------------


def _notes_for(warnings: list[str]) -> list[str]:
    if len(warnings) <= MAX_WARNINGS:
        return list(warnings)
    return warnings[:MAX_WARNINGS] + [f"... and {len(warnings) - MAX_WARNINGS} more warnings"]


def import_qdpx(store: Store, path: Path | str, *, dry_run: bool = False) -> ImportOutcome:
    """Import a REFI-QDA project into the store in one transaction (see the module docstring)."""
    p = Path(path)
    project = read_project(p)
    selections = sum(len(src.selections) for src in project.sources)
    if dry_run:
        with store.session() as s:
            existing = {c.id: c.label for c in CodeRepo(s).list()}
            new_codes = sum(1 for c in _plan(project, existing) if c.id not in existing)
            s.rollback()
        drafts = [_draft(p, src) for src in project.sources]
        return ImportOutcome(
            str(p),
            "would-import",
            f"{len(project.sources)} text sources, {len(project.codes)} codes ({new_codes} new), "
            f"{selections} selections, {len(project.cases)} cases, {len(project.notes)} notes",
            segments=sum(len(d.segments) for d in drafts),
            participants=sum(len(d.participants) for d in drafts),
            words=sum(d.word_count for d in drafts),
            inferred_roles=_notes_for(project.warnings),
        )
    tally = _write(store, p, project)
    changed = (
        tally.sources or tally.codes_added or tally.codes_updated or tally.memos or tally.codings
    )
    status = "imported" if changed or not project.sources else "unchanged"
    message = (
        f"{tally.sources} text sources"
        + (f" ({tally.unchanged_sources} already imported)" if tally.unchanged_sources else "")
        + f", {tally.codes_added} codes added, {tally.codes_updated} updated, "
        f"{tally.codings} codings, {tally.cases} cases, {tally.memos} memos"
    )
    if tally.folded:
        message += f"; {tally.folded} duplicate coding pieces folded"
    return ImportOutcome(
        str(p),
        status,
        message,
        segments=tally.segments,
        participants=tally.participants,
        words=tally.words,
        inferred_roles=_notes_for(project.warnings),
    )
