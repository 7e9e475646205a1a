"""Benchmarks: `make bench` (python -m benchmarks [NAME ...]). Figures are ratios against a
baseline measured in the same run, never absolute targets baked into tests."""
