"""Benchmarks and alignment evaluation."""
