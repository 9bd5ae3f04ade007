"""The codebook: the interview guide as codes (sections, questions, items, relations, themes)."""

from coder.codebook.export import codebook_to_dict, codebook_to_markdown, codebook_to_yaml
from coder.codebook.loader import (
    codebook_from_bytes,
    codebook_from_dict,
    codebook_from_text,
    default_codebook,
    load_codebook,
)
from coder.codebook.model import Codebook, CodeDef, Level, Lexicon

__all__ = [
    "CodeDef",
    "Codebook",
    "Level",
    "Lexicon",
    "codebook_from_bytes",
    "codebook_from_dict",
    "codebook_from_text",
    "codebook_to_dict",
    "codebook_to_markdown",
    "codebook_to_yaml",
    "default_codebook",
    "load_codebook",
]
