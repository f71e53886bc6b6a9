"""Benchmarks of the generator and the site: figures, not tests."""
