"""Benchmarks at scale (run: python -m xinfang.benchmarks --help; docs/benchmarks.md)."""
