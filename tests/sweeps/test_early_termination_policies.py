"""Azure ML's early-termination policies on hand-made metric sequences, maximising and minimising."""
from __future__ import annotations

import pytest

from designer.sweeps.policies import PolicyError, TrialCurve, parse_policy, should_terminate


def curves(*sequences, finished=()):
    return [TrialCurve(list(s), finished=i in finished) for i, s in enumerate(sequences)]


def test_bandit_stops_a_trial_outside_the_slack_factor_of_the_best_so_far():
    policy = parse_policy({"policy": "bandit", "slack_factor": 0.1})
    best, close, behind = curves([0.5, 0.8], [0.5, 0.73], [0.5, 0.72])
    trials = [best, close, behind]
    # 0.8 / 1.1 = 0.727...: 0.73 stays, 0.72 goes
    assert not should_terminate(policy, "maximize", close, trials)
    assert should_terminate(policy, "maximize", behind, trials)
    assert not should_terminate(policy, "maximize", best, trials)


def test_bandit_compares_only_with_values_up_to_the_trials_own_interval():
    policy = parse_policy({"policy": "bandit", "slack_factor": 0.1})
    older = TrialCurve([0.5, 0.9, 0.95], finished=True)
    young = TrialCurve([0.48])
    assert not should_terminate(policy, "maximize", young, [older, young])  # 0.48 vs 0.5 at interval 1
    young.values.append(0.6)
    assert should_terminate(policy, "maximize", young, [older, young])  # 0.6 < 0.9 / 1.1


def test_bandit_minimising_with_slack_amount():
    policy = parse_policy({"policy": "bandit", "slack_amount": 0.2})
    best, inside, outside = TrialCurve([1.0, 0.5]), TrialCurve([1.0, 0.7]), TrialCurve([1.0, 0.71])
    trials = [best, inside, outside]
    assert not should_terminate(policy, "minimize", inside, trials)
    assert should_terminate(policy, "minimize", outside, trials)


def test_bandit_minimising_with_slack_factor_uses_the_trials_best_value():
    policy = parse_policy({"policy": "bandit", "slack_factor": 0.5})
    best = TrialCurve([2.0, 1.0])
    recovering = TrialCurve([1.4, 9.0])  # its best (1.4) is within 1.0 * 1.5
    stuck = TrialCurve([1.6, 1.6])
    assert not should_terminate(policy, "minimize", recovering, [best, recovering, stuck])
    assert should_terminate(policy, "minimize", stuck, [best, recovering, stuck])


def test_policies_wait_for_the_delay_and_apply_at_multiples_of_the_interval():
    policy = parse_policy({"policy": "bandit", "slack_factor": 0.0, "evaluation_interval": 2,
                           "delay_evaluation": 3})
    best = TrialCurve([1, 1, 1, 1, 1, 1])
    bad = TrialCurve([])
    applied = []
    for step in range(1, 7):
        bad.values.append(0)
        applied.append(should_terminate(policy, "maximize", bad, [best, bad]))
    assert applied == [False, False, False, True, False, True]  # intervals 4 and 6


def test_median_stopping_against_running_averages_of_all_trials():
    policy = parse_policy({"policy": "median_stopping"})
    a = TrialCurve([0.2, 0.4, 0.6], finished=True)   # average up to 2: 0.3
    b = TrialCurve([0.5, 0.7])                        # 0.6
    c = TrialCurve([0.1, 0.2])                        # 0.15; best 0.2
    d = TrialCurve([0.3, 0.35])                       # 0.325; best 0.35
    trials = [a, b, c, d]
    # running averages at interval 2: 0.3, 0.6, 0.15, 0.325 → median 0.3125
    assert should_terminate(policy, "maximize", c, trials)
    assert not should_terminate(policy, "maximize", d, trials)
    assert not should_terminate(policy, "maximize", b, trials)


def test_median_stopping_minimising():
    policy = parse_policy({"policy": "median_stopping", "delay_evaluation": 2})
    trials = curves([1.0, 0.8], [0.9, 0.7], [1.2, 1.1])
    assert not should_terminate(policy, "minimize", trials[0], trials)  # best 0.8 ≤ median 0.9
    assert should_terminate(policy, "minimize", trials[2], trials)      # best 1.1 > median 0.9
    early = curves([5.0], [0.1])
    assert not should_terminate(policy, "minimize", early[0], early)   # interval 1 < delay 2


def test_truncation_selection_cancels_the_lowest_percentage_at_the_interval():
    policy = parse_policy({"policy": "truncation_selection", "truncation_percentage": 40})
    trials = curves([0.9], [0.8], [0.7], [0.6], [0.5])
    stopped = [should_terminate(policy, "maximize", t, trials) for t in trials]
    assert stopped == [False, False, False, True, True]  # floor(5 * 40%) = 2 lowest


def test_truncation_selection_minimising_and_excluding_finished_jobs():
    keep = parse_policy({"policy": "truncation_selection", "truncation_percentage": 50})
    exclude = parse_policy({"policy": "truncation_selection", "truncation_percentage": 50,
                            "exclude_finished_jobs": True})
    finished = [TrialCurve([3.0], finished=True), TrialCurve([4.0], finished=True)]
    running = [TrialCurve([1.0]), TrialCurve([2.0])]
    trials = finished + running
    assert not should_terminate(keep, "minimize", running[1], trials)   # 2.0 beats the finished 3.0 and 4.0
    assert should_terminate(exclude, "minimize", running[1], trials)    # among the running only, it is worst


def test_truncation_selection_compares_a_young_trial_with_older_values_at_its_interval():
    policy = parse_policy({"policy": "truncation_selection", "truncation_percentage": 50})
    old = TrialCurve([0.3, 0.9, 0.95])
    young = TrialCurve([0.4])
    assert not should_terminate(policy, "maximize", young, [old, young])  # 0.4 > 0.3 at interval 1


def test_an_evaluation_interval_of_zero_means_every_interval_as_in_azures_sdk():
    policy = parse_policy({"policy": "bandit", "slack_factor": 0.0, "evaluation_interval": 0})
    assert [policy.applies_at(n) for n in (1, 2, 3)] == [True, True, True]


def test_no_policy_never_stops_and_finished_trials_are_left_alone():
    assert parse_policy(None) is None and parse_policy({"policy": "none"}) is None
    policy = parse_policy({"policy": "bandit", "slack_factor": 0})
    trials = curves([1.0], [0.0], finished=(1,))
    assert not should_terminate(None, "maximize", trials[1], trials)
    assert not should_terminate(policy, "maximize", trials[1], trials)


@pytest.mark.parametrize("data, culprit", [
    ({"policy": "bandit"}, "slack_factor"),
    ({"policy": "bandit", "slack_factor": 0.1, "slack_amount": 1}, "slack_factor"),
    ({"policy": "bandit", "slack_factor": -1}, "slack_factor"),
    ({"policy": "truncation_selection"}, "truncation_percentage"),
    ({"policy": "truncation_selection", "truncation_percentage": 100}, "truncation_percentage"),
    ({"policy": "median_stopping", "evaluation_interval": -1}, "evaluation_interval"),
    ({"policy": "median_stopping", "delay_evaluation": 1.5}, "delay_evaluation"),
    ({"policy": "median_stopping", "slack_factor": 0.1}, "slack_factor"),
    ({"policy": "hyperband"}, "policy"),
])
def test_bad_policies_name_the_field(data, culprit):
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    assert caught.value.field == culprit
