"""Ingest: one reader per file format, each turning a file into a `TranscriptDraft`.

Public API: `read_transcript(path, case=...)`, `read_text_transcript(text, name=...)`,
`SUPPORTED_EXTENSIONS`. (.qdpx is not handled here; the services layer routes it to
the REFI-QDA importer.)
"""

from coder.ingest.draft import ParticipantDraft, SegmentDraft, TranscriptDraft
from coder.ingest.registry import SUPPORTED_EXTENSIONS, read_transcript
from coder.ingest.text import read_text_transcript

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "ParticipantDraft",
    "SegmentDraft",
    "TranscriptDraft",
    "read_text_transcript",
    "read_transcript",
]
