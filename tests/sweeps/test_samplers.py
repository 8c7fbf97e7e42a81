"""Optuna samplers over our search spaces: seeded, within bounds, grid exhaustive, replayable after a restart."""
from __future__ import annotations

import math

from components.search_space import parse_search_space
from components.trial_sampling import TrialSampler

SPACE = parse_search_space("lr=loguniform(0.0001, 0.1); n=randint(2, 5); q=quniform(0, 1, 0.25); "
                           "m=normal(10, 2); act=choice('relu', 'tanh')")


def test_random_sampling_is_seeded_and_keeps_to_each_distribution():
    first = [TrialSampler(SPACE, "random", seed=4).ask().parameters for _ in range(1)]
    again = [TrialSampler(SPACE, "random", seed=4).ask().parameters for _ in range(1)]
    assert first == again
    sampler = TrialSampler(SPACE, "random", seed=1)
    values = [sampler.ask().parameters for _ in range(200)]
    assert all(1e-4 <= v["lr"] <= 0.1 for v in values)
    assert {v["n"] for v in values} == {2, 3, 4}  # upper bound excluded
    assert {v["q"] for v in values} <= {0.0, 0.25, 0.5, 0.75, 1.0}
    assert {v["act"] for v in values} == {"relu", "tanh"}
    # loguniform spreads evenly over the exponents: about a third of the values below 0.001
    below = sum(v["lr"] < 1e-3 for v in values) / len(values)
    assert 0.2 < below < 0.47
    mean = sum(v["m"] for v in values) / len(values)
    spread = math.sqrt(sum((v["m"] - mean) ** 2 for v in values) / len(values))
    assert abs(mean - 10) < 0.5 and 1.6 < spread < 2.4


def test_grid_sampling_visits_every_point_once():
    space = parse_search_space("a=choice(1, 2, 3); b=quniform(0, 10, 5)")
    sampler = TrialSampler(space, "grid", seed=0)
    assert sampler.capacity == 9
    seen = []
    for _ in range(9):
        suggestion = sampler.ask()
        seen.append((suggestion.parameters["a"], suggestion.parameters["b"]))
        sampler.tell(suggestion.number, 1.0)
    assert sorted(seen) == sorted((a, b) for a in (1, 2, 3) for b in (0, 5, 10))


def test_a_grid_replayed_after_a_restart_does_not_repeat_points():
    space = parse_search_space("a=choice(1, 2, 3, 4)")
    before = TrialSampler(space, "grid", seed=0)
    done = []
    for _ in range(2):
        suggestion = before.ask()
        before.tell(suggestion.number, 0.5)
        done.append(suggestion)
    after = TrialSampler(space, "grid", seed=0)
    for suggestion in done:
        after.replay(suggestion.state, 0.5)
    rest = [after.ask().parameters["a"] for _ in range(2)]
    assert sorted(rest + [s.parameters["a"] for s in done]) == [1, 2, 3, 4]


def test_bayesian_sampling_moves_towards_the_better_region():
    space = parse_search_space("x=uniform(0, 1)")
    sampler = TrialSampler(space, "bayesian", goal="minimize", seed=0)
    xs = []
    for _ in range(30):
        suggestion = sampler.ask()
        x = suggestion.parameters["x"]
        xs.append(x)
        sampler.tell(suggestion.number, (x - 0.8) ** 2)
    late = xs[-10:]
    assert sum(abs(x - 0.8) for x in late) / len(late) < sum(abs(x - 0.8) for x in xs[:10]) / 10
