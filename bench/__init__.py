"""Benchmarks that print figures; tests never assert timings."""
