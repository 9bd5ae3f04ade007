"""Importing transcript files and folders into the project, one transaction per file."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from coder.domain import ImportOutcome
from coder.errors import CoderError, InputError
from coder.ingest import SUPPORTED_EXTENSIONS, read_transcript
from coder.ingest.draft import TranscriptDraft
from coder.store.db import Store
from coder.store.transcripts import CaseFacts, TranscriptRepo

CASES_FILE_NAMES = ("cases.yaml", "cases.yml")
PROJECT_EXTENSIONS = (".qdpx",)
ProgressFn = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    cases_loaded: int = 0

    @property
    def failed(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status in ("failed", "refused")]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[ImportOutcome]]:
    """Expand folders: transcripts, cases files, and problems (missing paths, unknown types)."""
    files: list[Path] = []
    cases: list[Path] = []
    problems: list[ImportOutcome] = []
    for p in paths:
        if not p.exists():
            problems.append(ImportOutcome(str(p), "failed", "no such file or folder"))
        elif p.is_dir():
            found, skipped = _walk_folder(p)
            problems.extend(skipped)
            for child in found:
                if child.name.lower() in CASES_FILE_NAMES:
                    cases.append(child)
                else:
                    files.append(child)
        elif p.name.lower() in CASES_FILE_NAMES:
            cases.append(p)
        elif p.suffix.lower() in SUPPORTED_EXTENSIONS + PROJECT_EXTENSIONS:
            files.append(p)
        else:
            known = ", ".join(SUPPORTED_EXTENSIONS + PROJECT_EXTENSIONS)
            problems.append(
                ImportOutcome(
                    str(p),
                    "failed",
                    f"unknown file type {p.suffix or '(none)'} (supported: {known})",
                )
            )
    return files, cases, problems


def _wanted(name: str) -> bool:
    low = name.lower()
    if low in CASES_FILE_NAMES:
        return True
    return not low.startswith("readme") and Path(low).suffix in (
        SUPPORTED_EXTENSIONS + PROJECT_EXTENSIONS
    )


def _walk_folder(root: Path) -> tuple[list[Path], list[ImportOutcome]]:
    """Transcript files inside `root`, never leaving it, and every wanted name skipped, with why.

    Symbolic links are followed only to regular files inside the folder; links to folders are
    not entered (os.walk without followlinks), so no loop or escape is possible.
    """
    real_root = root.resolve()
    found: list[Path] = []
    skipped: list[ImportOutcome] = []

    def skip(path: Path, why: str) -> None:
        skipped.append(ImportOutcome(str(path), "skipped", why))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in dirnames:
            if _wanted(d):
                skip(here / d, "a folder, not a file")
        for name in sorted(filenames):
            if name.startswith(".") or not _wanted(name):
                continue
            child = here / name
            try:
                mode = child.lstat().st_mode
            except OSError as exc:
                skip(child, f"cannot be read ({exc.strerror or exc})")
                continue
            if stat.S_ISLNK(mode):
                try:
                    target = child.resolve(strict=True)
                except RuntimeError:
                    skip(child, "symbolic link loop")
                    continue
                except OSError as exc:
                    skip(child, "symbolic link loop" if exc.errno == errno.ELOOP
                         else "dangling symbolic link")
                    continue
                if not target.is_relative_to(real_root):
                    skip(child, "symbolic link points outside the folder")
                    continue
                mode = target.stat().st_mode
            if stat.S_ISFIFO(mode):
                skip(child, "not a regular file (FIFO)")
            elif stat.S_ISSOCK(mode):
                skip(child, "not a regular file (socket)")
            elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                skip(child, "not a regular file (device)")
            elif stat.S_ISDIR(mode):
                skip(child, "a folder, not a file")
            elif stat.S_ISREG(mode):
                found.append(child)
            else:
                skip(child, "not a regular file")
    return found, skipped


def read_case_facts(path: Path) -> list[CaseFacts]:
    """A cases file: a YAML list of {name, county, population, organisation_model, reform_year, notes}."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(
            f"invalid cases file: {str(exc).splitlines()[0]}",
            path=path,
            line=(line + 1) if line is not None else None,
        ) from exc
    if isinstance(data, dict) and "cases" in data:
        data = data["cases"]
    if not isinstance(data, list):
        raise InputError("a cases file must be a list of municipalities", path=path)
    facts: list[CaseFacts] = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise InputError(f"entry {i} has no name", path=path)
        try:
            facts.append(
                CaseFacts(
                    name=str(item["name"]).strip(),
                    county=item.get("county"),
                    population=int(item["population"])
                    if item.get("population") is not None
                    else None,
                    organisation_model=item.get("organisation_model"),
                    reform_year=int(item["reform_year"])
                    if item.get("reform_year") is not None
                    else None,
                    notes=item.get("notes"),
                )
            )
        except (TypeError, ValueError) as exc:
            raise InputError(f"entry {i} ({item.get('name')}): {exc}", path=path) from exc
    return facts


def _infer_case(path: Path, known: list[str]) -> str | None:
    """A case named by the file's folder or the start of its name (arendal-1-....txt -> Arendal)."""
    stem = path.stem.lower()
    parent = path.parent.name.lower()
    for name in known:
        low = name.lower()
        if parent == low or stem == low or stem.startswith((low + "-", low + "_", low + " ")):
            return name
    return None


def import_files(
    store: Store,
    paths: Iterable[Path],
    *,
    case: str | None = None,
    dry_run: bool = False,
    on_change: str = "refuse",
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Import files and folders; each file is all-or-nothing, and a bad file never stops the batch.

    `on_change`: what to do when a file of the same name (and case) was imported before with other
    content: "refuse" (report it) or "new-version" (store it as the next version, keep the old one
    with its codings, retired).
    """
    if on_change not in ("refuse", "new-version"):
        raise ValueError(on_change)
    files, case_files, problems = collect_files(list(paths))
    report = ImportReport(outcomes=list(problems))
    for cf in case_files:
        try:
            facts = read_case_facts(cf)
        except CoderError as exc:
            report.outcomes.append(ImportOutcome(str(cf), "failed", str(exc)))
            continue
        if not dry_run:
            with store.session() as s:
                repo = TranscriptRepo(s)
                for f in facts:
                    repo.upsert_case(f)
        report.cases_loaded += len(facts)
    with store.session() as s:
        known_cases = [c.name for c in TranscriptRepo(s).list_cases()]
    total = len(files)
    for i, path in enumerate(files, 1):
        if progress:
            progress(i - 1, total, path.name)
        report.outcomes.append(
            _import_one(store, path, case, known_cases, dry_run=dry_run, on_change=on_change)
        )
    if progress:
        progress(total, total, "")
    return report


def _import_one(
    store: Store,
    path: Path,
    case: str | None,
    known_cases: list[str],
    *,
    dry_run: bool,
    on_change: str,
) -> ImportOutcome:
    if path.suffix.lower() in PROJECT_EXTENSIONS:
        return _import_project(store, path, dry_run=dry_run)
    try:
        draft = read_transcript(path)
    except CoderError as exc:
        return ImportOutcome(str(path), "failed", str(exc))
    except OSError as exc:
        return ImportOutcome(str(path), "failed", f"{path}: cannot read: {exc.strerror or exc}")
    case_name = draft.case_name or case or _infer_case(path, known_cases)
    return _store_draft(store, path, draft, case_name, dry_run=dry_run, on_change=on_change)


def _store_draft(
    store: Store,
    path: Path,
    draft: TranscriptDraft,
    case_name: str | None,
    *,
    dry_run: bool,
    on_change: str,
) -> ImportOutcome:
    inferred = [n for n in draft.notes if n.startswith("inferred")]
    out = ImportOutcome(
        str(path),
        "imported",
        segments=len(draft.segments),
        participants=len(draft.participants),
        words=draft.word_count,
        inferred_roles=inferred,
    )
    try:
        with store.session() as s:
            repo = TranscriptRepo(s)
            same = repo.by_sha(draft.sha256)
            if same is not None:
                out.status, out.transcript_id = "unchanged", same.id
                out.message = f"already imported as transcript {same.id}"
                return out
            case_row = (
                repo.ensure_case(case_name)
                if case_name and not dry_run
                else (repo.case_row(case_name) if case_name else None)
            )
            previous = repo.current_by_source(draft.source_name, case_row.id if case_row else None)
            if previous is not None and on_change == "refuse":
                out.status, out.transcript_id = "refused", previous.id
                out.message = (
                    f"{path}: changed since it was imported as transcript {previous.id}; "
                    "use --new-version to store it as a new version"
                )
                return out
            if dry_run:
                out.status = "would-import"
                out.message = f"case {case_name or '-'}"
                s.rollback()
                return out
            row = repo.add_draft(draft, case_row.id if case_row else None, previous)
            out.transcript_id = row.id
            if previous is not None:
                out.status = "new-version"
                out.message = f"version {row.version} of transcript {previous.id}"
            else:
                out.message = f"case {case_name or '-'}"
    except CoderError as exc:
        out.status, out.message = "failed", f"{path}: {exc}"
    return out


def _import_project(store: Store, path: Path, *, dry_run: bool) -> ImportOutcome:
    try:
        from coder.export.refi_import import import_qdpx
    except ImportError:
        return ImportOutcome(str(path), "failed", f"{path}: REFI-QDA import is not available")
    try:
        return import_qdpx(store, path, dry_run=dry_run)
    except CoderError as exc:
        return ImportOutcome(str(path), "failed", str(exc))
