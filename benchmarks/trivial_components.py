"""Trivial components for overhead benchmarks: the work is nothing, so what is measured is the executor."""
from components.ports import AnyPort
from components.spec import Input, Param, component


@component(id="bench-increment", category="Benchmark", inputs={"value": Input(AnyPort, optional=True)},
           outputs={"value": AnyPort})
def bench_increment(value, *, step: Param(int, 1), salt: Param(str, "")):
    """Add `step` to the input (0 when unconnected)."""
    return (value or 0) + step


def chain_graph(n: int, salt: str) -> dict:
    nodes = [{"id": f"n{i}", "component": "bench-increment", "params": {"salt": salt}} for i in range(n)]
    edges = [{"source": f"n{i}", "source_port": "value", "target": f"n{i + 1}", "target_port": "value"}
             for i in range(n - 1)]
    return {"format": "designer-graph/1", "name": f"chain {n}", "nodes": nodes, "edges": edges}


def fan_out_graph(n: int, salt: str) -> dict:
    nodes = [{"id": f"n{i}", "component": "bench-increment", "params": {"salt": salt, "step": i}} for i in range(n)]
    edges = [{"source": "n0", "source_port": "value", "target": f"n{i}", "target_port": "value"} for i in range(1, n)]
    return {"format": "designer-graph/1", "name": f"fan-out {n}", "nodes": nodes, "edges": edges}
