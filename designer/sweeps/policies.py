"""Azure ML's early-termination policies as pure functions over metric sequences.

Every value a trial reports for the watched metric is one *interval* (1, 2, 3, ...).
A policy is applied at every interval that is a multiple of `evaluation_interval` and
at least `delay_evaluation`; a trial is judged at its own latest interval N against
what every trial (itself included) had reported up to interval N, so a young trial is
never compared with the later, better values of older ones.

- bandit: stop when the trial's best value up to N is not within `slack_factor`
  (ratio) or `slack_amount` (absolute) of the best value any trial reported up to N.
  Maximising with slack_factor s: stop if best_N(trial) < best_N(all) / (1 + s);
  minimising: stop if best_N(trial) > best_N(all) * (1 + s). With slack_amount a:
  below best - a, or above best + a.
- median_stopping: stop when the trial's best value up to N is worse than the median
  of the running averages (mean of the values up to N) of all trials, finished or running.
- truncation_selection: at interval N, stop the trial if its value at N is among the
  lowest `truncation_percentage` percent of the values the trials had at N (a trial with
  fewer intervals counts with its latest value); `exclude_finished_jobs` leaves finished
  trials out of the ranking.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any, Sequence

POLICIES = ("bandit", "median_stopping", "truncation_selection")
GOALS = ("maximize", "minimize")


class PolicyError(ValueError):
    """An early_termination object Azure ML would not accept; `field` names the culprit."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class Policy:
    policy: str
    evaluation_interval: int = 1
    delay_evaluation: int = 0
    slack_factor: float | None = None
    slack_amount: float | None = None
    truncation_percentage: float | None = None
    exclude_finished_jobs: bool = False

    def applies_at(self, interval: int) -> bool:
        every = max(1, self.evaluation_interval)  # Azure's SDK v2 default of 0 means every interval
        return interval >= 1 and interval % every == 0 and interval >= self.delay_evaluation

    def to_json(self) -> dict:
        out: dict[str, Any] = {"policy": self.policy, "evaluation_interval": self.evaluation_interval,
                               "delay_evaluation": self.delay_evaluation}
        if self.policy == "bandit":
            out.update({"slack_factor": self.slack_factor} if self.slack_factor is not None
                       else {"slack_amount": self.slack_amount})
        if self.policy == "truncation_selection":
            out.update(truncation_percentage=self.truncation_percentage,
                       exclude_finished_jobs=self.exclude_finished_jobs)
        return out


@dataclass
class TrialCurve:
    """What a policy sees of one trial: the watched values in order, and whether it has finished."""

    values: list = field(default_factory=list)
    finished: bool = False


def parse_policy(data: Any) -> Policy | None:
    """The contract's `early_termination` object (None or {"policy": "none"} means no policy)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise PolicyError("early_termination", "early_termination must be an object with a 'policy'")
    name = data.get("policy")
    if name in (None, "", "none", "default"):
        return None
    if name not in POLICIES:
        raise PolicyError("policy", f"policy must be one of {', '.join(POLICIES)}, not {name!r}")
    known = {"policy", "evaluation_interval", "delay_evaluation"} | {
        "bandit": {"slack_factor", "slack_amount"}, "median_stopping": set(),
        "truncation_selection": {"truncation_percentage", "exclude_finished_jobs"}}[name]
    unknown = sorted(set(data) - known)
    if unknown:
        raise PolicyError(unknown[0], f"{name} does not take {', '.join(unknown)} (it takes "
                                      f"{', '.join(sorted(known - {'policy'}))})")
    interval = _whole(data, "evaluation_interval", 1, minimum=0)
    delay = _whole(data, "delay_evaluation", 0, minimum=0)
    if name == "bandit":
        factor, amount = data.get("slack_factor"), data.get("slack_amount")
        if (factor is None) == (amount is None):
            raise PolicyError("slack_factor", "bandit needs exactly one of slack_factor or slack_amount")
        key = "slack_factor" if factor is not None else "slack_amount"
        value = _number(data, key)
        if value < 0:
            raise PolicyError(key, f"{key} must be 0 or more")
        return Policy(name, interval, delay, slack_factor=value if key == "slack_factor" else None,
                      slack_amount=value if key == "slack_amount" else None)
    if name == "truncation_selection":
        if "truncation_percentage" not in data:
            raise PolicyError("truncation_percentage", "truncation_selection needs truncation_percentage (1-99)")
        percentage = _number(data, "truncation_percentage")
        if not 1 <= percentage <= 99:
            raise PolicyError("truncation_percentage", "truncation_percentage must be between 1 and 99")
        exclude = data.get("exclude_finished_jobs", False)
        if not isinstance(exclude, bool):
            raise PolicyError("exclude_finished_jobs", "exclude_finished_jobs must be true or false")
        return Policy(name, interval, delay, truncation_percentage=percentage, exclude_finished_jobs=exclude)
    return Policy(name, interval, delay)


def _whole(data: dict, key: str, default: int, *, minimum: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise PolicyError(key, f"{key} must be a whole number")
    if value < minimum:
        raise PolicyError(key, f"{key} must be {minimum} or more")
    return int(value)


def _number(data: dict, key: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PolicyError(key, f"{key} must be a number")
    return float(value)


# ---------------------------------------------------------------- decisions

def _better(goal: str):
    return max if goal == "maximize" else min


def _up_to(values: Sequence, interval: int) -> list:
    return [v for v in values[:interval] if v is not None]


def should_terminate(policy: Policy | None, goal: str, trial: TrialCurve, trials: Sequence[TrialCurve]) -> bool:
    """Whether `trial` (one of `trials`, judged at its latest interval) is stopped now."""
    if policy is None or trial.finished or not trial.values or trial.values[-1] is None:
        return False
    interval = len(trial.values)
    if not policy.applies_at(interval):
        return False
    if policy.policy == "bandit":
        return bandit_stops(policy, goal, trial.values, [t.values for t in trials], interval)
    if policy.policy == "median_stopping":
        return median_stops(goal, trial.values, [t.values for t in trials], interval)
    pool = [t.values for t in trials if not (policy.exclude_finished_jobs and t.finished and t is not trial)]
    return truncation_stops(policy.truncation_percentage, goal, trial.values, pool, interval)


def bandit_stops(policy: Policy, goal: str, values: Sequence, all_values: Sequence[Sequence], interval: int) -> bool:
    better = _better(goal)
    bests = [better(seen) for seen in (_up_to(v, interval) for v in all_values) if seen]
    own = _up_to(values, interval)
    if not bests or not own:
        return False
    best, mine = better(bests), better(own)
    if policy.slack_factor is not None:
        if goal == "maximize":
            return mine < best / (1 + policy.slack_factor)
        return mine > best * (1 + policy.slack_factor)
    if goal == "maximize":
        return mine < best - policy.slack_amount
    return mine > best + policy.slack_amount


def median_stops(goal: str, values: Sequence, all_values: Sequence[Sequence], interval: int) -> bool:
    averages = [statistics.fmean(seen) for seen in (_up_to(v, interval) for v in all_values) if seen]
    own = _up_to(values, interval)
    if len(averages) < 2 or not own:
        return False  # nothing to compare with yet
    median = statistics.median(averages)
    mine = _better(goal)(own)
    return mine < median if goal == "maximize" else mine > median


def truncation_stops(percentage: float, goal: str, values: Sequence, pool: Sequence[Sequence],
                     interval: int) -> bool:
    at_interval = [seen[-1] for seen in (_up_to(v, interval) for v in pool) if seen]
    own = _up_to(values, interval)
    if not own or len(at_interval) < 2:
        return False
    cut = math.floor(len(at_interval) * percentage / 100)
    if cut == 0:
        return False
    mine = own[-1]
    worse_than_me = sum(1 for v in at_interval if (v < mine if goal == "maximize" else v > mine))
    return worse_than_me < cut
