"""Benchmark scripts and the synthetic-corpus generator they share."""
