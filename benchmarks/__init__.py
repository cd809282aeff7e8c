"""Benchmark scripts; run each as `python benchmarks/<name>.py` (see its docstring)."""
