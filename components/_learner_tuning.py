"""What tuning needs of a learner: a copy with other hyperparameters, checked against its algorithm's
declared parameters, and a small default search space read from those declarations."""
from __future__ import annotations

import math
from typing import Any

from components.models import Learner
from components.spec import ComponentError, ComponentSpec

#: Parameters that say how to train, not what to learn: never swept by default.
NOT_TUNED = ("seed", "tol", "validation_fraction", "patience")


def algorithm_spec(learner: Learner) -> ComponentSpec | None:
    import components

    return components.get(learner.algorithm)


def with_hyperparameters(learner: Learner, values: dict) -> Learner:
    """`learner` with `values` replacing some hyperparameters, each checked like a node parameter."""
    spec = algorithm_spec(learner)
    params = spec.params if spec is not None else {}
    known = sorted(learner.hyperparameters)
    changed = dict(learner.hyperparameters)
    for name, value in values.items():
        if name not in learner.hyperparameters:
            raise ComponentError(f"{learner.algorithm} has no hyperparameter '{name}' to tune "
                                 f"(it has: {', '.join(known)}).")
        param = params.get(name)
        if param is not None:
            if param.type is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if param.type is int and isinstance(value, float) and value.is_integer():
                value = int(value)
            problem = param.check(value)
            if problem is not None:
                raise ComponentError(f"search space: {problem[1]}")
            if name == "hidden_layers":  # the network keeps its layer sizes as a list
                from components.algorithms import parse_hidden_layers

                value = parse_hidden_layers(value)
        changed[name] = value
    return Learner(learner.algorithm, learner.task, changed)


def default_search_space(spec: ComponentSpec, current: dict, *, grid: bool = False) -> dict[str, str]:
    """A small space around the declared defaults: positive reals a decade either way (log scale),
    whole numbers of 4 or more at half and full size; fixed settings and choices stay as they are."""
    space: dict[str, str] = {}
    for name, param in spec.params.items():
        if name in NOT_TUNED or param.choices is not None or name not in current:
            continue
        value = current[name]
        if param.type is float and isinstance(value, (int, float)) and value > 0:
            lo = max(value / 10, param.min if param.min is not None else 0.0)
            hi = min(value * 10, param.max if param.max is not None else math.inf)
            if lo <= 0 or hi <= lo:
                continue
            space[name] = (f"choice({_short(lo)}, {_short(value)}, {_short(hi)})" if grid
                           else f"loguniform({_short(lo)}, {_short(hi)})")
        elif param.type is int and isinstance(value, int) and not isinstance(value, bool) and value >= 4:
            low = max(value // 2, int(param.min) if param.min is not None else 1)
            if low < value:
                space[name] = f"choice({low}, {value})"
    return space


def _short(value: float) -> str:
    return f"{value:.6g}"


def metric_goal(metric: str) -> str:
    """Losses and errors are minimised; everything else is maximised."""
    return "minimize" if metric in ("log_loss", "mae", "mse", "rmse") else "maximize"


def json_value(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
