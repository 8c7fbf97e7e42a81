"""Samplers over a search space with Optuna: random (RandomSampler), grid (GridSampler), bayesian (TPESampler).

The study lives in memory; a sweep restarted after a server stop rebuilds it from its
finished trials (`replay`), so Bayesian sampling keeps what it learnt and grid sampling
does not repeat a point. Each trial's Optuna view (`state`) is plain JSON for that purpose.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from components.search_space import Dimension, SearchSpaceError, grid_size, quantized

SAMPLINGS = ("random", "grid", "bayesian")
#: normal(mu, sigma) is sampled as a quantile in (EDGE, 1 - EDGE), mapped through the inverse normal CDF.
EDGE = 1e-6


@dataclass
class Suggestion:
    """One trial's parameter values, and the Optuna trial that produced them."""

    number: int
    parameters: dict
    state: dict  # {"params": Optuna's internal values, "system_attrs": ...}: JSON, for `replay`


def check_sampling(sampling: str, dimensions: dict[str, Dimension]) -> None:
    if sampling not in SAMPLINGS:
        raise SearchSpaceError("", f"sampling must be one of {', '.join(SAMPLINGS)}, not {sampling!r}")
    if sampling == "grid":
        for dim in dimensions.values():
            if not dim.is_discrete:
                raise SearchSpaceError(dim.name, f"grid sampling needs choice() or quniform() for every "
                                                 f"parameter, and {dim.name} is {dim.expression()}")


class TrialSampler:
    """ask() → the next Suggestion; tell(number, value | None) when its trial has finished."""

    def __init__(self, dimensions: dict[str, Dimension], sampling: str = "random", goal: str = "maximize",
                 seed: int | None = None):
        import optuna

        check_sampling(sampling, dimensions)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.dimensions = dimensions
        self.sampling = sampling
        if sampling == "grid":
            sampler = _GridSampler({n: d.grid_values() for n, d in dimensions.items()}, seed=seed)
        elif sampling == "bayesian":
            # The constant liar keeps concurrent trials from all being sent to the same promising spot.
            sampler = optuna.samplers.TPESampler(seed=seed, constant_liar=True,
                                                 n_startup_trials=min(10, max(2, len(dimensions) * 2)))
        else:
            sampler = optuna.samplers.RandomSampler(seed=seed)
        self.study = optuna.create_study(direction=goal, sampler=sampler)
        self._open: dict[int, Any] = {}

    @property
    def capacity(self) -> int | None:
        """How many distinct trials the space holds (grid only)."""
        return grid_size(self.dimensions) if self.sampling == "grid" else None

    def ask(self) -> Suggestion:
        trial = self.study.ask()
        grid = self.sampling == "grid"
        values = {name: _suggest(trial, dim, grid) for name, dim in self.dimensions.items()}
        self._open[trial.number] = trial
        frozen = next(t for t in reversed(self.study.get_trials(deepcopy=False)) if t.number == trial.number)
        state = {"params": dict(trial.params), "system_attrs": _jsonable(frozen.system_attrs)}
        return Suggestion(trial.number, values, state)

    def report(self, number: int, step: int, value: float) -> None:
        """An intermediate value (one epoch's metric), which TPE uses for trials stopped early."""
        trial = self._open.get(number)
        if trial is not None and value is not None:
            trial.report(float(value), step)

    def tell(self, number: int, value: float | None, *, pruned: bool = False) -> None:
        import optuna

        trial = self._open.pop(number, None)
        if trial is None:
            return
        if value is not None and not pruned:
            self.study.tell(trial, float(value))
        else:
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED if pruned else optuna.trial.TrialState.FAIL)

    def replay(self, state: dict, value: float | None, intermediate: list | None = None) -> None:
        """Add a trial finished before a restart, as Optuna saw it."""
        import optuna

        params = state.get("params") or {}
        distributions = {}
        for name, dim in self.dimensions.items():
            distributions.update(_distributions(dim, self.sampling == "grid"))
        distributions = {k: v for k, v in distributions.items() if k in params}
        if set(distributions) != set(params):
            return  # the space changed since: nothing to learn from this trial
        finished = value is not None
        frozen = optuna.trial.create_trial(
            params=params, distributions=distributions, value=float(value) if finished else None,
            state=optuna.trial.TrialState.COMPLETE if finished else optuna.trial.TrialState.PRUNED,
            system_attrs=dict(state.get("system_attrs") or {}),
            intermediate_values={i + 1: float(v) for i, v in enumerate(intermediate or []) if v is not None},
        )
        self.study.add_trial(frozen)


def _grid_sampler_class():
    import optuna

    class GridWithoutStop(optuna.samplers.GridSampler):
        """GridSampler, minus its Study.stop() once the grid is used up: that call only works inside
        study.optimize(), and the sweep stops by itself at `capacity`."""

        def after_trial(self, study, trial, state, values) -> None:
            return None

    return GridWithoutStop


def _GridSampler(*args, **kwargs):
    return _grid_sampler_class()(*args, **kwargs)


def _distributions(dim: Dimension, grid: bool) -> dict:
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    kind, args, name = dim.kind, dim.args, dim.name
    if kind == "choice" or grid:
        return {name: CategoricalDistribution(dim.grid_values())}
    if kind == "uniform":
        return {name: FloatDistribution(args[0], args[1])}
    if kind == "loguniform":
        return {name: FloatDistribution(args[0], args[1], log=True)}
    if kind == "quniform":
        return {name: FloatDistribution(args[0], args[1])}
    if kind == "randint":
        return {name: IntDistribution(args[0], args[1] - 1)}
    return {name: FloatDistribution(EDGE, 1 - EDGE)}  # normal: its quantile


def _suggest(trial, dim: Dimension, grid: bool) -> Any:
    kind, args, name = dim.kind, dim.args, dim.name
    if kind == "choice" or grid:
        return trial.suggest_categorical(name, dim.grid_values())
    if kind == "uniform":
        return trial.suggest_float(name, args[0], args[1])
    if kind == "loguniform":
        return trial.suggest_float(name, args[0], args[1], log=True)
    if kind == "quniform":
        return quantized(trial.suggest_float(name, args[0], args[1]), args[2])
    if kind == "randint":
        return trial.suggest_int(name, args[0], args[1] - 1)
    quantile = trial.suggest_float(name, EDGE, 1 - EDGE)
    return statistics.NormalDist(args[0], args[1]).inv_cdf(quantile)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
