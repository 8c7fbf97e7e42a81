"""Search-space expressions: Azure ML's vocabulary and meaning, read without eval, errors naming the parameter."""
from __future__ import annotations

import re

import pytest

from components.search_space import SearchSpaceError, grid_size, parse_expression, parse_search_space


def test_each_function_reads_its_arguments_as_values():
    assert parse_expression("k", "choice(1, 2.5, 'relu', tanh, true)").args == (1, 2.5, "relu", "tanh", True)
    assert parse_expression("lr", "uniform(0.001, 0.1)").args == (0.001, 0.1)
    assert parse_expression("C", "loguniform(0.001, 100)").args == (0.001, 100)
    assert parse_expression("n", "quniform(10, 50, 10)").args == (10, 50, 10)
    assert parse_expression("m", "normal(-1, 0.5)").args == (-1.0, 0.5)


def test_randint_upper_bound_is_excluded_and_lower_defaults_to_zero():
    assert parse_expression("d", "randint(5)").args == (0, 5)
    assert parse_expression("d", "randint(2, 5)").args == (2, 5)
    with pytest.raises(SearchSpaceError, match="upper bound is not included"):
        parse_expression("d", "randint(3, 3)")


def test_quniform_grid_rounds_to_the_step():
    assert parse_expression("n", "quniform(10, 50, 10)").grid_values() == [10, 20, 30, 40, 50]
    assert parse_expression("x", "quniform(0.1, 0.3, 0.1)").grid_values() == [0.1, 0.2, 0.3]


def test_search_space_text_is_split_on_semicolons_outside_parentheses():
    space = parse_search_space("C=loguniform(0.001,100); max_iter=choice(100,1000)\nsolver=choice('a;b', 'c')")
    assert list(space) == ["C", "max_iter", "solver"]
    assert space["solver"].args == ("a;b", "c")
    assert grid_size({k: v for k, v in space.items() if k != "C"}) == 4


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('true')", "not one of"),
    ("exp(1, 2)", "unknown function exp"),
    ("uniform(1)", "uniform(lo, hi)"),
    ("uniform(2, 1)", "lower bound"),
    ("loguniform(0, 1)", "above 0"),
    ("quniform(0, 1, 0)", "step q"),
    ("normal(0, -1)", "sigma"),
    ("choice()", "at least one"),
    ("choice(1, 1)", "twice"),
    ("uniform(a, 2)", "plain numbers"),
    ("uniform(lo=1, hi=2)", "by position"),
    ("choice(1 + 2)", "plain numbers"),
    ("uniform(0, 1", "cannot read"),
])
def test_bad_expressions_are_refused_naming_the_parameter(text, message):
    with pytest.raises(SearchSpaceError, match=re.escape(message)) as caught:
        parse_expression("learning_rate", text)
    assert caught.value.parameter == "learning_rate"
    assert str(caught.value).startswith("learning_rate:")


def test_grid_refuses_a_continuous_parameter():
    with pytest.raises(SearchSpaceError, match="grid sampling needs choice"):
        parse_expression("lr", "uniform(0, 1)").grid_values()
