"""Hyperparameter sweeps: search spaces, samplers and early-termination policies (pure), and a thin runner."""
