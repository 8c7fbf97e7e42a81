"""Search-space expressions in Azure ML's vocabulary, parsed safely (Python's `ast` with a whitelist, no eval).

    choice(a, b, ...)       one of the listed values (numbers, text, true/false)
    uniform(lo, hi)         a real number evenly between lo and hi
    loguniform(lo, hi)      a real number whose logarithm is even between log(lo) and log(hi): bounds are values
    quniform(lo, hi, q)     round(uniform(lo, hi) / q) * q
    randint(hi) / randint(lo, hi)   a whole number from lo (default 0) up to, not including, hi
    normal(mu, sigma)       a real number from a normal distribution
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

FUNCTIONS = ("choice", "uniform", "loguniform", "quniform", "randint", "normal")


class SearchSpaceError(ValueError):
    """An expression that is not Azure ML's vocabulary or whose arguments make no sense; names the parameter."""

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter}: {message}" if parameter else message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Dimension:
    """One parameter's distribution: `kind` is one of FUNCTIONS, `args` its arguments as given."""

    name: str
    kind: str
    args: tuple

    @property
    def is_discrete(self) -> bool:
        """Grid sampling can enumerate it (choice, quniform)."""
        return self.kind in ("choice", "quniform")

    def grid_values(self) -> list:
        """Every value grid sampling tries, in order."""
        if self.kind == "choice":
            return list(self.args)
        if self.kind == "quniform":
            lo, hi, q = self.args
            first, last = round(lo / q), round(hi / q)
            return [quantized(k * q, q) for k in range(first, last + 1)]
        raise SearchSpaceError(self.name, f"{self.kind}() is continuous; grid sampling needs choice() or "
                                          "quniform() for every parameter")

    def expression(self) -> str:
        return f"{self.kind}({', '.join(_show(a) for a in self.args)})"


def quantized(value: float, q: float) -> float | int:
    """round(value / q) * q, as a whole number when q is, without binary noise such as 0.30000000000000004."""
    result = round(value / q) * q
    if float(q).is_integer():
        return int(result)
    digits = max(0, -math.floor(math.log10(abs(q)))) + 6
    return round(result, digits)


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)


def parse_expression(name: str, text: Any) -> Dimension:
    """`text` such as "loguniform(0.001, 100)" → Dimension; SearchSpaceError naming `name` otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise SearchSpaceError(name, "the expression must be text such as \"choice(1, 2)\" or \"uniform(0, 1)\"")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise SearchSpaceError(name, f"cannot read {text.strip()!r}; write e.g. \"uniform(0.001, 0.1)\"") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise SearchSpaceError(name, f"{text.strip()!r} is not one of {', '.join(f + '()' for f in FUNCTIONS)}")
    kind = call.func.id.lower()
    if kind not in FUNCTIONS:
        raise SearchSpaceError(name, f"unknown function {call.func.id}(); use one of "
                                     f"{', '.join(f + '()' for f in FUNCTIONS)}")
    if call.keywords:
        raise SearchSpaceError(name, f"{kind}() takes its arguments by position, e.g. {kind}(0, 1)")
    args = tuple(_literal(name, kind, node) for node in call.args)
    return _checked(Dimension(name, kind, args))


def _literal(name: str, kind: str, node: ast.AST) -> Any:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(name, kind, node.operand)
        if not _is_number(value):
            raise SearchSpaceError(name, f"a sign goes only before a number in {kind}()")
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool)):
        return node.value
    if isinstance(node, ast.Name) and node.id.lower() in ("true", "false"):
        return node.id.lower() == "true"
    if isinstance(node, ast.Name) and kind == "choice":
        return node.id  # choice(relu, tanh): bare words are text
    raise SearchSpaceError(name, f"the arguments of {kind}() must be plain numbers"
                                 + (" or text" if kind == "choice" else ""))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _checked(dim: Dimension) -> Dimension:
    name, kind, args = dim.name, dim.kind, dim.args
    if kind == "choice":
        if not args:
            raise SearchSpaceError(name, "choice() needs at least one value")
        if len(set(map(repr, args))) != len(args):
            raise SearchSpaceError(name, "choice() lists a value twice")
        return dim
    if not all(_is_number(a) and math.isfinite(a) for a in args):
        raise SearchSpaceError(name, f"the arguments of {kind}() must be finite numbers")
    expected = {"uniform": (2,), "loguniform": (2,), "quniform": (3,), "randint": (1, 2), "normal": (2,)}[kind]
    if len(args) not in expected:
        shapes = {"uniform": "uniform(lo, hi)", "loguniform": "loguniform(lo, hi)",
                  "quniform": "quniform(lo, hi, q)", "randint": "randint(hi) or randint(lo, hi)",
                  "normal": "normal(mu, sigma)"}
        raise SearchSpaceError(name, f"write {shapes[kind]}")
    if kind == "randint":
        if not all(float(a).is_integer() for a in args):
            raise SearchSpaceError(name, "randint() takes whole numbers")
        lo, hi = (0, args[0]) if len(args) == 1 else args
        if hi <= lo:
            raise SearchSpaceError(name, f"randint({lo}, {hi}) is empty: the upper bound is not included")
        return Dimension(name, kind, (int(lo), int(hi)))
    if kind == "normal":
        if args[1] <= 0:
            raise SearchSpaceError(name, "the sigma of normal(mu, sigma) must be above 0")
        return Dimension(name, kind, tuple(float(a) for a in args))
    lo, hi = args[0], args[1]
    if hi <= lo:
        raise SearchSpaceError(name, f"the lower bound of {kind}() must be below the upper bound")
    if kind == "loguniform" and lo <= 0:
        raise SearchSpaceError(name, "loguniform(lo, hi) takes the bounds as values, which must be above 0 "
                                     "(e.g. loguniform(0.0001, 0.1))")
    if kind == "quniform" and args[2] <= 0:
        raise SearchSpaceError(name, "the step q of quniform(lo, hi, q) must be above 0")
    return Dimension(name, kind, tuple(args))


def parse_search_space(space: Any) -> dict[str, Dimension]:
    """{"name": "expr", ...} or the text "name=expr; name=expr" (one per line works too) → {name: Dimension}."""
    if isinstance(space, str):
        space = _split_text(space)
    if not isinstance(space, dict) or not space:
        raise SearchSpaceError("", "the search space must name at least one parameter with an expression")
    dimensions = {}
    for name, text in space.items():
        if not isinstance(name, str) or not name.strip():
            raise SearchSpaceError(str(name), "a parameter name is missing")
        dimensions[name.strip()] = parse_expression(name.strip(), text)
    return dimensions


def _split_text(text: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    for part in _top_level_split(text):
        part = part.strip()
        if not part:
            continue
        name, sep, expression = part.partition("=")
        if not sep:
            raise SearchSpaceError(part, "write each parameter as NAME=EXPRESSION, e.g. C=loguniform(0.001, 100)")
        if name.strip() in entries:
            raise SearchSpaceError(name.strip(), "the parameter is named twice")
        entries[name.strip()] = expression.strip()
    return entries


def _top_level_split(text: str) -> list[str]:
    """Split on ';' and new lines outside parentheses and quotes (choice values may hold ';')."""
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char in ";\n" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def grid_size(dimensions: dict[str, Dimension]) -> int:
    size = 1
    for dim in dimensions.values():
        size *= len(dim.grid_values())
    return size
