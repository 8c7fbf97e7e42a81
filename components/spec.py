"""The component spec: one decorator declares a component's ports, parameters, roles and docs once.

Writing a component::

    @component(id="export-data", category="Data Input and Output",
               inputs={"dataset": DataFrame}, roles={Role.TABLE_WRITER})
    def export_data(dataset, *, path: Param(str, "", required=True, kind=Kind.WRITE_PATH),
                    format: Param(str, "auto", choices=("auto", "csv", "parquet"))):
        '''Write a table to the datastore.'''

- `inputs` / `outputs` name the ports and their types (`Input(type, optional=True)`
  for an input a graph may leave unconnected).
- Each keyword parameter annotated with `Param(type, default, ...)` is a setting;
  `kind=` says what its value means (`Kind.READ_PATH` is fingerprinted into the
  cache key, `Kind.WRITE_PATH` is not, `Kind.LABEL` names the label column,
  `Kind.COLUMN(S)` name columns); `widget=` only hints the parameter panel and
  follows from the kind when left out. `from_training=fn` fixes a setting that
  would otherwise be chosen from whatever rows arrive: the inference conversion
  sets it to `fn(training node params, description of its input table)`.
- `roles=` says what the component is (see `components.roles.Role`): training
  only, a row picker, a scorer, that it evaluates, has no inference form, is a
  web-service input or output, a table reader or writer, a saved artifact, or
  re-applies a transformation. `inference_params=` are the settings it takes in
  an inference graph (apply-image-transformation: `{"mode": "inference"}`).
- A function parameter named `ctx` receives the `RunContext` (progress, log,
  metrics, cancellation, the datastore).

A third-party package declares components the same way and lists its module
under the entry point group `designer.components`.
"""
from __future__ import annotations

import dataclasses
import inspect
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from components.ports import PortType, port_type
from components.roles import Kind, Role, checked_kind, checked_roles


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
    `kind` says what the value means (a `components.roles.Kind`: "read-path",
    "write-path", "column", "columns", "label"); `widget` hints the parameter
    panel: "column" (pick one upstream column), "columns" (pick several, comma
    separated), "code" (code editor), "text" (multi-line), "path" (a path inside
    a datastore). Either follows from the other when only one is given (a bare
    `widget="path"` is a read path). `from_training(params, table)` chooses the
    value an inference graph fixes when this setting was left at its default.
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
    kind: str | None = None
    from_training: Callable[[Mapping, Mapping], Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.type not in (bool, int, float, str):
            raise TypeError(f"Param type must be bool, int, float or str, not {self.type!r}")
        if self.choices is not None:
            object.__setattr__(self, "choices", tuple(self.choices))
        kind, widget = checked_kind(self.kind, self.widget)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "widget", widget)

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

    def to_json(self) -> dict:
        out = {"name": self.name, "type": self.type_name, "default": self.default,
               "description": self.description, "required": self.required}
        for key in ("min", "max", "widget", "kind"):
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
    #: What the component is (`components.roles.Role` values), for conversion, serving, run summaries.
    roles: frozenset = frozenset()
    #: Settings the component takes in an inference graph.
    inference_params: Mapping[str, Any] = field(default_factory=dict)
    #: Free-form words the palette search also matches.
    tags: tuple = ()

    @property
    def training_only(self) -> bool:
        return Role.TRAINING_ONLY in self.roles

    def params_of_kind(self, kind: str) -> list[Param]:
        """The parameters whose values mean `kind` (e.g. `Kind.READ_PATH`), in declaration order."""
        return [p for p in self.params.values() if p.kind == kind]

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
            "roles": sorted(self.roles),
            "inference_params": dict(self.inference_params),
            "tags": list(self.tags),
        }


_REGISTRY: dict[str, ComponentSpec] = {}


def component(*, id: str, category: str, inputs: Mapping[str, Any] | None = None,
              outputs: Mapping[str, Any] | None = None, version: str = "1",
              name: str | None = None, roles: Iterable[str] = (), inference_params: Mapping[str, Any] | None = None,
              training_only: bool = False, tags: tuple = ()):
    """Declare a component (see the module docstring). `training_only=True` is short for that role."""

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
        unknown = sorted(set(inference_params or {}) - set(params))
        if unknown:
            raise ValueError(f"component {id!r}: inference_params names unknown parameter(s) {unknown}")
        spec = ComponentSpec(
            id=id, version=str(version), name=name or _title(id), category=category,
            description=doc, inputs=input_ports, outputs=output_ports, params=params,
            function=function, wants_context="ctx" in signature.parameters,
            roles=checked_roles(roles, training_only=training_only),
            inference_params=dict(inference_params or {}), tags=tuple(tags),
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
    return dataclasses.replace(param, name=name)


def _title(component_id: str) -> str:
    return " ".join(word.capitalize() for word in component_id.split("-"))


def with_role(catalogue: Mapping[str, ComponentSpec], role: str) -> list[ComponentSpec]:
    """The components declaring `role`, built-in ones first, then by id (so a plugin cannot shadow them)."""
    found = [s for s in catalogue.values() if role in s.roles]
    return sorted(found, key=lambda s: (not s.function.__module__.startswith("components."), s.id))


def registered() -> dict[str, ComponentSpec]:
    """The raw registry (use `components.catalogue()` to get it with every module loaded)."""
    return _REGISTRY
