"""Day-by-day replay of a loop against demand, checked by hand."""
import pytest

from jit_kanban_engine import compare, simulate, simulate_many


def test_steady_demand_never_runs_out():
    # 2 cards of 10, 5 a day, 2 days: a container freed every other day comes back in time
    result = simulate([5] * 6, 2, 10, 2)
    assert result['stockout_days'] == 0
    assert [row['on_hand'] for row in result['daily']] == [15, 10, 5, 10, 5, 10]
    assert result['orders_placed'] == 3
    assert result['average_on_hand'] == pytest.approx(55 / 6.0)


def test_too_few_cards_run_out():
    # day 1: 20 - 15 = 5, card 1 out (back day 3)
    # day 2: 5 of 15 served, short 10, card 2 out (back day 4)
    # day 3: +10, short 5; day 4: +10, short 5
    result = simulate([15, 15, 15, 15], 2, 10, 2)
    assert result['stockout_days'] == 3
    assert result['short_qty'] == 20
    assert result['average_on_hand'] == pytest.approx(1.25)
    assert result['orders_placed'] == 4
    assert [row['received'] for row in result['daily']] == [0, 0, 10, 10]


def test_lead_time_under_a_day_arrives_next_day():
    result = simulate([10, 10], 1, 10, 0.2)
    assert [row['short'] for row in result['daily']] == [0, 0]


def test_compare_shows_the_trade_off():
    rows = compare([15, 15, 15, 15], 3, 10, 2, unit_cost=2.5)
    assert [row['cards'] for row in rows] == [2, 3, 4]
    assert [row['inventory_value'] for row in rows] == [50, 75, 100]
    stockouts = [row['stockout_days'] for row in rows]
    assert stockouts == sorted(stockouts, reverse=True) and stockouts[0] > stockouts[-1]


def test_compare_skips_zero_cards():
    assert [row['cards'] for row in compare([1], 1, 10, 1)] == [1, 2]


def test_stochastic_mode_is_reproducible_and_riskier_with_variable_lead_times():
    demand = [5] * 60
    first = simulate_many(demand, 2, 10, 2, 1.5, runs=50, seed=7)
    again = simulate_many(demand, 2, 10, 2, 1.5, runs=50, seed=7)
    assert first == again
    assert first['stockout_risk'] > 0
    assert simulate_many(demand, 2, 10, 2, 0.0, runs=5)['stockout_risk'] == 0


@pytest.mark.parametrize('args', [(0, 10, 1), (2, 0, 1), (2, 10, -1)])
def test_simulate_refuses_impossible_loops(args):
    with pytest.raises(ValueError):
        simulate([1, 2], *args)


def test_compare_adds_the_current_count():
    assert [row['cards'] for row in compare([5] * 4, 3, 10, 1, also=[7])] == [2, 3, 4, 7]
