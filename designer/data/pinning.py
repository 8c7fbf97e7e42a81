"""Before a run: every registered-dataset parameter is pinned to one version's content digest."""
from __future__ import annotations

from dataclasses import replace
from components.registered_data import pinned_reference
from designer.graph.dataset_checks import Lookup, choose_version, dataset_params, expected_kind
from designer.graph.problems import Problem

def pin_datasets(plan, versions: Lookup):
    """The plan with each dataset parameter as "NAME:VERSION@DIGEST", plus the problems and (node, name, version) reads."""
    problems: list[Problem] = []
    reads: list[tuple[str, str, int]] = []
    nodes = dict(plan.nodes)
    for node_id, planned in plan.nodes.items():
        names = dataset_params(planned.spec)
        if not names:
            continue
        params = dict(planned.params)
        for name in names:
            record, problem = choose_version(params.get(name), versions, expected_kind(planned.spec))
            if problem:
                problems.append(Problem(node_id, None, "unknown-dataset", f"parameter '{name}': {problem}"))
                continue
            params[name] = pinned_reference(record["name"], record["version"], record["digest"])
            reads.append((node_id, record["name"], record["version"]))
        nodes[node_id] = replace(planned, params=params)
    return replace(plan, nodes=nodes), problems, reads
