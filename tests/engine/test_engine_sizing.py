"""Card count formula and average daily demand.

cards = ceil(demand x (lead time + review) x (1 + safety) / container), at least 2
"""
import pytest

from jit_kanban_engine import average_daily_demand, card_count


@pytest.mark.parametrize('demand,lead,container,safety,review,expected', [
    # 40 x (3 + 1) x 1.25 / 25 = 8 exactly -> 8 (no rounding up of an exact value)
    (40, 3, 25, 0.25, 1, 8),
    # 40 x 3 / 25 = 4.8 -> 5
    (40, 3, 25, 0.0, 0, 5),
    # 12 x 2 x 1.2 / 10 = 2.88 -> 3
    (12, 2, 10, 0.2, 0, 3),
    # 7 x (3 + 1) x 1.1 / 5 = 6.16 -> 7
    (7, 3, 5, 0.1, 1, 7),
    # 4.2 x (5 + 2) x 1.15 / 7 = 4.83 -> 5
    (4.2, 5, 7, 0.15, 2, 5),
    # 50 x 2 / 10 = 10 -> 10; + review 0.5 day: 50 x 2.5 / 10 = 12.5 -> 13
    (50, 2, 10, 0.0, 0, 10),
    (50, 2, 10, 0.0, 0.5, 13),
    # 10 x 3 x 1.1 / 11 = 3 (float 3.0000000000000004 must not become 4)
    (10, 3, 11, 0.1, 0, 3),
    # float products just above an integer
    (0.1, 3, 0.1, 0.0, 0, 3),     # 3.0000000000000004
    (0.3, 7, 0.7, 0.0, 0, 3),     # 3.0000000000000004
    (1.1, 7, 0.7, 0.0, 0, 11),    # 11.000000000000002
    (0.2, 6, 0.1, 0.0, 0, 12),    # 12.000000000000002
    # a little above an integer is rounded up
    (30.01, 1, 10, 0.0, 0, 4),
    # 100 x 0.5 / 30 = 1.67 -> minimum 2
    (100, 0.5, 30, 0.0, 0, 2),
])
def test_card_count_hand_computed(demand, lead, container, safety, review, expected):
    assert card_count(demand, lead, container, safety_factor=safety, review_days=review) == expected


@pytest.mark.parametrize('demand,lead', [(0, 5), (5, 0), (0, 0), (0.001, 1)])
def test_card_count_has_a_minimum_of_two(demand, lead):
    assert card_count(demand, lead, 10) == 2


def test_card_count_minimum_is_configurable():
    assert card_count(1, 1, 10, minimum=1) == 1     # 0.1 -> 1
    assert card_count(0, 1, 10, minimum=1) == 1
    assert card_count(0, 1, 10, minimum=0) == 0
    assert card_count(30, 1, 10, minimum=5) == 5    # 3 -> raised to 5
    assert card_count(80, 1, 10, minimum=5) == 8


def test_card_count_returns_an_int():
    assert type(card_count(12.5, 2.5, 7.5, safety_factor=0.3)) is int


@pytest.mark.parametrize('container', [0, -1, -0.01])
def test_card_count_needs_positive_container(container):
    with pytest.raises(ValueError, match='container quantity must be positive'):
        card_count(10, 2, container)


@pytest.mark.parametrize('kwargs', [
    dict(daily_demand=-1),
    dict(lead_time_days=-0.5),
    dict(safety_factor=-0.1),
    dict(review_days=-1),
])
def test_card_count_refuses_negative_inputs(kwargs):
    args = dict(daily_demand=10, lead_time_days=2, container_qty=5)
    args.update(kwargs)
    with pytest.raises(ValueError, match='cannot be negative'):
        card_count(**args)


@pytest.mark.parametrize('consumptions,days,expected', [
    ([10, 20, 30], 3, 20.0),
    ([10, 20, 30], 6, 10.0),
    ([1, 2], 4, 0.75),          # no integer division
    ([], 7, 0.0),
    ([2.5, 2.5], 2, 2.5),
    ((q for q in [7, 7]), 2, 7.0),
    ([5], 0.5, 10.0),
])
def test_average_daily_demand(consumptions, days, expected):
    result = average_daily_demand(consumptions, days)
    assert result == expected
    assert isinstance(result, float)


@pytest.mark.parametrize('days', [0, -1, -0.5])
def test_average_daily_demand_refuses_empty_window(days):
    with pytest.raises(ValueError, match='at least one day'):
        average_daily_demand([1, 2, 3], days)


def test_sizing_from_history():
    # 280 taken over 14 days = 20/day; 20 x (2 + 1) x 1.5 / 12 = 7.5 -> 8
    demand = average_daily_demand([20] * 14, 14)
    assert card_count(demand, 2, 12, safety_factor=0.5, review_days=1) == 8
