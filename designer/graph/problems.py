"""A problem with a graph document (which node and port, a code, a message a person can act on), and the
error that carries them."""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    node: str | None
    port: str | None
    code: str
    message: str
    #: The parameter at fault, when one is (an unknown column).
    param: str | None = None

    def to_json(self) -> dict:
        out = asdict(self)
        if self.param is None:
            out.pop("param")
        return out

    def __str__(self) -> str:
        where = ""
        if self.node is not None:
            where = f"node '{self.node}'" + (f" port '{self.port}'" if self.port else "")
        elif self.port:
            where = f"port '{self.port}'"
        return f"{where}: {self.message}" if where else self.message


class GraphInvalid(Exception):
    """The graph or the run's parameters are not acceptable; `problems` name node and port."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
