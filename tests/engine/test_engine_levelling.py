"""Capacity levelling, working time of a calendar, consumption signals."""
from datetime import datetime

import pytest

from jit_kanban_engine import (
    CAPACITY, Candidate, Operation, Release, cards_to_signal, level, operation_minutes,
    order_load, plan_orders, working_minutes,
)

PRESS = Operation('press', time_cycle=30.0, capacity=1.0, setup=0.0, efficiency=100.0)
PAINT = Operation('paint', time_cycle=10.0, capacity=4.0, setup=15.0, efficiency=50.0)


def candidate(key, cards=1, qty=1.0, operations=(PRESS,), held=None, rank=2, since='2026-01-01'):
    return Candidate(key, cards, qty, list(operations), held, rank, since)


# ----------------------------------------------------------------- load
@pytest.mark.parametrize('quantity,minutes', [
    (0, 0.0), (1, 30.0), (3, 90.0), (2.5, 90.0),   # whole cycles only
])
def test_operation_minutes_counts_whole_cycles(quantity, minutes):
    assert operation_minutes(quantity, PRESS) == minutes


def test_operation_minutes_is_odoos_estimate():
    # 9 units, 4 per cycle -> 3 cycles x 10 min at 50 % efficiency + 15 set-up
    assert operation_minutes(9, PAINT) == 15 + 3 * 10 * 100 / 50.0
    # a capacity or efficiency of 0 is read as the default
    assert operation_minutes(2, PRESS._replace(capacity=0, efficiency=0)) == 60.0


def test_order_load_sums_steps_per_work_center():
    twice = [PRESS, PRESS._replace(time_cycle=5.0), PAINT]
    assert order_load(4, twice) == {'press': 4 * 30.0 + 4 * 5.0, 'paint': 15 + 10 * 2.0}


# -------------------------------------------------------------- levelling
def test_two_orders_fit_the_window_the_rest_wait_for_capacity():
    loops = [candidate('a', since='3'), candidate('b', since='1'), candidate('c', since='2'),
             candidate('d', since='4')]
    releases = level(loops, {'press': 60.0})
    assert releases == {'b': Release(1, None), 'c': Release(1, None),
                        'a': Release(0, CAPACITY), 'd': Release(0, CAPACITY)}


def test_most_urgent_first_and_held_loops_before_all():
    loops = [candidate('green', rank=2, since='1'), candidate('red', rank=0, since='9'),
             candidate('amber', rank=1, since='5')]
    assert {k for k, r in level(loops, {'press': 60.0}).items() if r.cards} == {'red', 'amber'}
    # held back last window: first now, whatever the urgency of the others
    loops[0] = loops[0]._replace(held_since='2026-01-01 08:00')
    assert {k for k, r in level(loops, {'press': 60.0}).items() if r.cards} == {'green', 'red'}


def test_part_of_a_loops_cards_released_when_only_part_fits():
    releases = level([candidate('a', cards=5)], {'press': 100.0})
    assert releases == {'a': Release(3, CAPACITY)}


def test_smaller_order_fills_what_a_bigger_one_leaves():
    loops = [candidate('big', qty=3.0, rank=0), candidate('small', rank=1)]
    releases = level(loops, {'press': 120.0})
    assert releases == {'big': Release(1, None), 'small': Release(1, None)}
    assert level(loops, {'press': 100.0}) == {'big': Release(1, None),
                                              'small': Release(0, CAPACITY)}


def test_order_bigger_than_a_window_goes_alone_on_an_idle_work_center():
    loops = [candidate('huge', cards=2, qty=10.0, rank=0), candidate('small', rank=1)]
    assert level(loops, {'press': 60.0}) == {'huge': Release(1, CAPACITY),
                                             'small': Release(0, CAPACITY)}
    # but not outside working time, nor after other orders this window
    assert level(loops, {'press': 0.0}) == {'huge': Release(0, CAPACITY),
                                            'small': Release(0, CAPACITY)}
    assert level(loops, {'press': 40.0}, idle=()) == {'huge': Release(0, CAPACITY),
                                                      'small': Release(1, None)}


def test_every_work_center_of_the_routing_must_have_room():
    both = (PRESS, PAINT)
    loops = [candidate('p', operations=(PAINT,), rank=0),   # 35 min of paint
             candidate('a', operations=both, rank=1), candidate('b', operations=(PRESS,), rank=2)]
    # paint has 5 minutes left after 'p': 'a' waits, 'b' (press only) goes
    assert level(loops, {'press': 60.0, 'paint': 40.0}) == {
        'p': Release(1, None), 'a': Release(0, CAPACITY), 'b': Release(1, None)}
    # a work center without a budget is not levelled
    assert level(loops[1:], {'paint': 100.0}) == {'a': Release(1, None), 'b': Release(1, None)}


def test_nothing_waiting_is_not_planned():
    assert level([candidate('a', cards=0)], {'press': 60.0}) == {}


# ----------------------------------------------------------- working time
OFFICE = [(day, 8.0, 12.0) for day in range(5)] + [(day, 13.0, 17.0) for day in range(5)]


@pytest.mark.parametrize('start,end,minutes', [
    (datetime(2026, 1, 5, 7), datetime(2026, 1, 5, 9), 60.0),        # Monday, from 8
    (datetime(2026, 1, 5, 11), datetime(2026, 1, 5, 14), 120.0),     # lunch break
    (datetime(2026, 1, 5, 0), datetime(2026, 1, 6, 0), 480.0),       # a whole day
    (datetime(2026, 1, 9, 16), datetime(2026, 1, 12, 9), 120.0),     # over the weekend
    (datetime(2026, 1, 10, 8), datetime(2026, 1, 10, 18), 0.0),      # Saturday
    (datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 9), 0.0),
])
def test_working_minutes_of_a_40_hour_week(start, end, minutes):
    assert working_minutes(start, end, OFFICE) == minutes


def test_no_calendar_means_all_the_time_and_24_hours_work():
    assert working_minutes(datetime(2026, 1, 10, 22), datetime(2026, 1, 11, 1), None) == 180.0
    always = [(day, 0.0, 24.0) for day in range(7)]
    assert working_minutes(datetime(2026, 1, 10, 23), datetime(2026, 1, 11, 0, 30), always) == 90.0


# ------------------------------------------------------------ consumption
@pytest.mark.parametrize('on_hand,full,signal', [
    (40, 4, 0), (33, 4, 0), (30, 4, 1), (20.5, 4, 1), (20, 4, 2), (10, 4, 3), (0, 4, 4),
    (-3, 4, 4), (20, 2, 0), (55, 4, 0), (10, 0, 0),
])
def test_one_card_per_container_consumed(on_hand, full, signal):
    assert cards_to_signal(on_hand, 10.0, full) == signal


def test_consumption_loops_order_as_soon_as_signalled():
    assert plan_orders('consumption', 2) == plan_orders('immediate', 2)
    assert plan_orders('consumption', 3, open_orders=1, wip_cap=2).groups == [1]
