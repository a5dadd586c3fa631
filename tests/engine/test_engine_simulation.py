"""Day-by-day replay of a loop against demand, checked by hand."""
import random

import pytest

from jit_kanban_engine import compare, simulate, simulate_many
from jit_kanban_engine.simulation import replay


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


# ----------------------------------------------------------------------
# the totals-only replay (sizing runs) against the day-by-day one
# ----------------------------------------------------------------------
def reference_simulate(demand, card_count, container_qty, lead_time_days, lead_times=None):
    """The replay as first written (one dict per day, totals summed from
    them): the oracle the engine's replay must match to the last bit."""
    import math

    def lead_days(days):
        return max(int(math.ceil(days - 1e-9)), 1)
    on_hand = card_count * float(container_qty)
    consumed, signalled, arrivals, daily = 0.0, 0, {}, []
    for day, wanted in enumerate(demand):
        wanted = max(float(wanted), 0.0)
        received = arrivals.pop(day, 0) * container_qty
        on_hand += received
        served = min(on_hand, wanted)
        on_hand -= served
        consumed += served
        emptied = int(math.floor(consumed / container_qty + 1e-9)) - signalled
        for _order in range(emptied):
            lead = next(lead_times) if lead_times is not None else lead_time_days
            due = day + lead_days(lead)
            arrivals[due] = arrivals.get(due, 0) + 1
        signalled += emptied
        short = wanted - served
        daily.append({'day': day, 'demand': wanted, 'received': received, 'served': served,
                      'short': short, 'on_hand': on_hand, 'orders': emptied})
    days = len(daily)
    return {'stockout_days': sum(1 for row in daily if row['short'] > 1e-9),
            'short_qty': sum(row['short'] for row in daily),
            'average_on_hand': sum(row['on_hand'] for row in daily) / days if days else 0.0,
            'orders_placed': signalled, 'daily': daily}


def random_cases(count=300, seed=12):
    generator = random.Random(seed)
    for _case in range(count):
        days = generator.choice([0, 1, 5, 30, 261, 365])
        average = generator.uniform(0, 40)
        demand = [round(max(generator.gauss(average, average / 2), 0), generator.choice([0, 2]))
                  for _day in range(days)]
        if days and generator.random() < 0.2:
            demand[generator.randrange(days)] = -3.0      # a return: no demand that day
        yield (demand, generator.randint(1, 12), generator.choice([1, 2.5, 5, 7, 10, 24]),
               generator.choice([0, 0.2, 1, 1.5, 2, 4, 9.99, 15]))


def test_simulate_matches_the_day_by_day_reference_exactly():
    for demand, cards, container, lead in random_cases():
        assert simulate(demand, cards, container, lead) == \
            reference_simulate(demand, cards, container, lead)


def test_the_totals_only_replay_gives_the_same_totals_as_simulate():
    for demand, cards, container, lead in random_cases(seed=5):
        full = simulate(demand, cards, container, lead)
        del full['daily']
        assert replay(demand, cards, container, lead) == full


def test_compare_gives_what_simulating_each_count_gives():
    for demand, cards, container, lead in random_cases(count=100, seed=9):
        rows = compare(demand, cards, container, lead, unit_cost=1.7, also=[cards + 3])
        for row in rows:
            reference = reference_simulate(demand, row['cards'], container, lead)
            assert row == {'cards': row['cards'], 'stockout_days': reference['stockout_days'],
                           'short_qty': reference['short_qty'],
                           'average_on_hand': reference['average_on_hand'],
                           'orders_placed': reference['orders_placed'],
                           'inventory_value': row['cards'] * container * 1.7}


def test_stochastic_replays_draw_the_same_lead_times_as_the_reference():
    for demand, cards, container, lead in random_cases(count=60, seed=3):
        draws, again = random.Random(4), random.Random(4)
        ours = simulate(demand, cards, container, lead,
                        lead_times=iter(lambda: max(draws.gauss(lead, 1.3), 0.0), None))
        theirs = reference_simulate(demand, cards, container, lead,
                                    lead_times=iter(lambda: max(again.gauss(lead, 1.3), 0.0), None))
        assert ours == theirs
