"""Fixtures for the analysis tests: the hand-built project, once per backend."""

from tests.analysis.analysis_project import project_store  # noqa: F401
