"""Calling one component function with inputs and parameters, and naming its outputs."""
from __future__ import annotations

from typing import Any, Mapping

from components.context import RunContext
from components.spec import ComponentError, ComponentSpec


def resolved_params(spec: ComponentSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared parameter with its default filled in and its value coerced to the declared type."""
    return {name: p.coerce(params.get(name, p.default)) for name, p in spec.params.items()}


def call_component(spec: ComponentSpec, inputs: Mapping[str, Any], params: Mapping[str, Any],
                   ctx: RunContext | None = None) -> dict[str, Any]:
    """Run `spec`'s function and return {output port: value}.

    A function may return a dict keyed by port, a tuple in declared port order,
    or a bare value when it has exactly one output.
    """
    kwargs = {name: inputs.get(name) for name in spec.inputs}
    kwargs.update(resolved_params(spec, params))
    if spec.wants_context:
        kwargs["ctx"] = ctx or RunContext()
    result = spec.function(**kwargs)
    return name_outputs(spec, result)


def name_outputs(spec: ComponentSpec, result: Any) -> dict[str, Any]:
    ports = list(spec.outputs)
    if not ports:
        return {}
    if isinstance(result, dict) and set(result) == set(ports):
        return dict(result)
    if len(ports) == 1:
        return {ports[0]: result}
    if isinstance(result, tuple) and len(result) == len(ports):
        return dict(zip(ports, result))
    raise ComponentError(f"component {spec.id} returned {type(result).__name__}, expected outputs {ports}")
