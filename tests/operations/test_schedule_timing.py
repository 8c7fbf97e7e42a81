"""The pure schedule core: next fire times for cron (in a time zone) and fixed recurrences, and coalescing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from designer.scheduling.timing import ScheduleInputError, due_firing, parse_recurrence

START = datetime(2026, 3, 2, 8, 0, 0, tzinfo=timezone.utc)  # a Monday


def test_weekday_cron_fires_at_six_local_time_and_skips_the_weekend():
    recurrence = parse_recurrence("0 6 * * 1-5", None, "Europe/Paris", anchor=START)
    fires, moment = [], START
    for _ in range(5):
        moment = recurrence.next_after(moment)
        fires.append(moment)
    # 06:00 in Paris is 05:00 UTC in winter; Tuesday to Friday, then the next Monday.
    assert [f.isoformat() for f in fires] == [
        "2026-03-03T05:00:00+00:00", "2026-03-04T05:00:00+00:00", "2026-03-05T05:00:00+00:00",
        "2026-03-06T05:00:00+00:00", "2026-03-09T05:00:00+00:00"]


def test_cron_follows_daylight_saving_time():
    recurrence = parse_recurrence("0 6 * * *", None, "Europe/Paris", anchor=START)
    before = recurrence.next_after(datetime(2026, 3, 27, 12, tzinfo=timezone.utc))
    after = recurrence.next_after(datetime(2026, 3, 28, 12, tzinfo=timezone.utc))
    assert (before.hour, after.hour) == (5, 4)  # summer time starts on 29 March 2026


def test_fixed_recurrence_counts_whole_intervals_from_its_anchor():
    recurrence = parse_recurrence(None, {"interval": 90, "unit": "seconds"}, anchor=START)
    assert recurrence.next_after(START) == START + timedelta(seconds=90)
    assert recurrence.next_after(START + timedelta(seconds=100)) == START + timedelta(seconds=180)
    assert recurrence.latest_at_or_before(START + timedelta(seconds=179)) == START + timedelta(seconds=90)


def test_nothing_is_due_before_the_next_run():
    recurrence = parse_recurrence(None, {"interval": 1, "unit": "minutes"}, anchor=START)
    assert due_firing(recurrence, START + timedelta(minutes=1), START + timedelta(seconds=59)) is None


def test_runs_missed_while_down_coalesce_into_one_for_the_latest_fire_time():
    recurrence = parse_recurrence(None, {"interval": 10, "unit": "minutes"}, anchor=START)
    firing = due_firing(recurrence, START + timedelta(minutes=10), START + timedelta(minutes=65))
    assert firing.fire_time == START + timedelta(minutes=60)
    assert firing.missed == 5  # 10, 20, 30, 40 and 50 folded into the 60-minute run
    assert firing.next_run == START + timedelta(minutes=70)


def test_a_due_cron_fires_once_for_its_latest_time():
    recurrence = parse_recurrence("0 * * * *", None, "UTC", anchor=START)
    firing = due_firing(recurrence, START + timedelta(hours=1), START + timedelta(hours=3, minutes=5))
    assert (firing.fire_time, firing.missed) == (START + timedelta(hours=3), 2)


@pytest.mark.parametrize("cron, every, zone, field", [
    ("61 * * * *", None, "UTC", "cron"),
    ("every day", None, "UTC", "cron"),
    ("* * *", None, "UTC", "cron"),
    ("0 6 * * *", None, "Mars/Olympus", "timezone"),
    (None, {"interval": 0, "unit": "hours"}, "UTC", "every.interval"),
    (None, {"interval": -5, "unit": "hours"}, "UTC", "every.interval"),
    (None, {"interval": 1.5, "unit": "hours"}, "UTC", "every.interval"),
    (None, {"interval": 1, "unit": "fortnights"}, "UTC", "every.unit"),
    (None, None, "UTC", "cron"),
    ("0 6 * * *", {"interval": 1, "unit": "hours"}, "UTC", "cron"),
])
def test_bad_timing_names_the_field(cron, every, zone, field):
    with pytest.raises(ScheduleInputError) as caught:
        parse_recurrence(cron, every, zone, anchor=START)
    assert caught.value.field == field
