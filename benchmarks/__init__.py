"""Ratio benchmarks: each prints our figure next to a peer or limit measured in the same run."""
