"""The component spec: one decorator declares a component's ports, parameters and docs once."""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from components.ports import PortType, port_type


class ComponentError(Exception):
    """A problem a user can fix (bad column, bad file, one class only): shown as the node's error.

    Raise this from a component instead of letting a library exception escape,
    so the user sees one clear sentence and not a stack dump.
    """


@dataclass(frozen=True)
class Input:
    """An input port: its type and whether a graph may leave it unconnected."""

    type: PortType
    optional: bool = False
    description: str = ""


@dataclass(frozen=True)
class Param:
    """A typed parameter with its default and constraints.

    `type` is one of bool, int, float, str; `choices` makes it a dropdown;
    `widget` hints the parameter panel: "column" (pick one upstream column),
    "columns" (pick several, comma separated), "code" (code editor),
    "text" (multi-line), "path" (a path inside a datastore).
    """

    type: type
    default: Any = None
    min: float | None = None
    max: float | None = None
    choices: tuple | None = None
    description: str = ""
    widget: str | None = None
    required: bool = False
    #: Set by the decorator from the function's keyword name.
    name: str = ""

    def __post_init__(self):
        if self.type not in (bool, int, float, str):
            raise TypeError(f"Param type must be bool, int, float or str, not {self.type!r}")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))

    @property
    def type_name(self) -> str:
        return self.type.__name__

    def check(self, value: Any) -> tuple[str, str] | None:
        """Return (code, message) when `value` is not acceptable, else None."""
        if value is None:
            if self.required:
                return "missing-parameter", f"parameter '{self.name}' is required"
            return None
        if not _is_of_type(value, self.type):
            return ("parameter-type",
                    f"parameter '{self.name}' must be {self.type_name}, got {type(value).__name__} {value!r}")
        if self.choices is not None and value not in self.choices:
            return ("parameter-choice",
                    f"parameter '{self.name}' must be one of {list(self.choices)}, got {value!r}")
        if self.type in (int, float):
            if isinstance(value, float) and not math.isfinite(value):
                return "parameter-range", f"parameter '{self.name}' must be a finite number"
            if self.min is not None and value < self.min:
                return "parameter-range", f"parameter '{self.name}' must be ≥ {self.min}, got {value}"
            if self.max is not None and value > self.max:
                return "parameter-range", f"parameter '{self.name}' must be ≤ {self.max}, got {value}"
        if self.required and self.type is str and value == "":
            return "missing-parameter", f"parameter '{self.name}' is required"
        return None

    def coerce(self, value: Any) -> Any:
        """Coerce a checked value to the declared type (an int given for a float becomes float)."""
        if value is None:
            return self.default
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value

    def parse_text(self, text: str) -> Any:
        """Parse a value typed on a command line (`--param NAME=VALUE`)."""
        return parse_typed_text(self.type, text)

    def to_json(self) -> dict:
        out = {"name": self.name, "type": self.type_name, "default": self.default,
               "description": self.description, "required": self.required}
        for key in ("min", "max", "widget"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.choices is not None:
            out["choices"] = list(self.choices)
        return out


def _is_of_type(value: Any, expected: type) -> bool:
    if expected is bool:
        return isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, expected)


def json_kind(value: Any) -> str:
    """A JSON value's kind in a user's words, for error messages: 'a number', 'text', 'an array'..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def parse_typed_text(expected: type, text: str) -> Any:
    """Turn command-line text into a value of `expected`; raises ValueError with a clear message."""
    if expected is bool:
        lowered = text.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"expected true or false, got {text!r}")
    if expected is int:
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"expected a whole number, got {text!r}") from None
    if expected is float:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
    return text


@dataclass(frozen=True)
class ComponentSpec:
    """Everything the designer knows about one component, derived from its decorated function."""

    id: str
    version: str
    name: str
    category: str
    description: str
    inputs: Mapping[str, Input]
    outputs: Mapping[str, PortType]
    params: Mapping[str, Param]
    function: Callable = field(compare=False, repr=False)
    #: True when the function takes a `ctx` keyword (progress, log, metrics, cancellation, paths).
    wants_context: bool = False
    #: Training-only components are dropped by the training→inference conversion.
    training_only: bool = False
    #: Free-form hints for the inference conversion and the canvas.
    tags: tuple = ()
    #: How the outputs' schemas follow from the inputs' and the params (see components.table_schema).
    schema: Callable | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "category": self.category,
            "description": self.description,
            "inputs": [{"name": n, "type": p.type.name, "optional": p.optional,
                        "description": p.description} for n, p in self.inputs.items()],
            "outputs": [{"name": n, "type": t.name} for n, t in self.outputs.items()],
            "params": [p.to_json() for p in self.params.values()],
            "tags": list(self.tags),
        }


_REGISTRY: dict[str, ComponentSpec] = {}


def component(*, id: str, category: str, inputs: Mapping[str, Any] | None = None,
              outputs: Mapping[str, Any] | None = None, version: str = "1",
              name: str | None = None, training_only: bool = False, tags: tuple = (),
              schema: Callable | None = None):
    """Declare a component. Inputs may be a PortType (required) or an `Input` (e.g. optional).

    `schema` is the rule that tells its outputs' columns before a run (components.table_schema).
    """

    def decorate(function: Callable) -> Callable:
        # Modules with `from __future__ import annotations` hand us strings: evaluate them.
        signature = inspect.signature(function, eval_str=True)
        params: dict[str, Param] = {}
        for pname, parameter in signature.parameters.items():
            annotation = parameter.annotation
            if isinstance(annotation, Param):
                params[pname] = _named(annotation, pname)
        input_ports = {pname: (p if isinstance(p, Input) else Input(port_type(p)))
                       for pname, p in (inputs or {}).items()}
        input_ports = {pname: Input(port_type(p.type), p.optional, p.description)
                       for pname, p in input_ports.items()}
        output_ports = {pname: port_type(t) for pname, t in (outputs or {}).items()}
        doc = inspect.cleandoc(function.__doc__ or "")
        spec = ComponentSpec(
            id=id, version=str(version), name=name or _title(id), category=category,
            description=doc, inputs=input_ports, outputs=output_ports, params=params,
            function=function, wants_context="ctx" in signature.parameters,
            training_only=training_only, tags=tuple(tags), schema=schema,
        )
        if id in _REGISTRY and _REGISTRY[id].function is not function:
            existing = _REGISTRY[id].function
            if (existing.__module__, existing.__qualname__) != (function.__module__, function.__qualname__):
                raise ValueError(f"component id {id!r} is declared twice")
        _REGISTRY[id] = spec
        function.spec = spec
        return function

    return decorate


def _named(param: Param, name: str) -> Param:
    return Param(param.type, param.default, param.min, param.max, param.choices,
                 param.description, param.widget, param.required, name)


def _title(component_id: str) -> str:
    return " ".join(word.capitalize() for word in component_id.split("-"))


def registered() -> dict[str, ComponentSpec]:
    """The raw registry (use `components.catalogue()` to get it with every module loaded)."""
    return _REGISTRY
