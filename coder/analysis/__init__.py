"""Synthesis over codings: summaries per relation, contrasts, co-occurrence, distinctive terms, quotes."""
