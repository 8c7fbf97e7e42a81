"""Schedules: when a pipeline or graph runs by itself (timing), who fires it (scheduler), what follows (promotion)."""
