"""Benchmarks: latency and throughput of the real app, measured against a hello-world baseline."""
