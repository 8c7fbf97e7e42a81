"""Running graphs: plans, cache keys, node tasks, the executor and its events."""
