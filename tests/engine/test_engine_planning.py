"""Sizing from demand variability, the inverse, card changes: textbook cases."""
import math

import pytest

from jit_kanban_engine import (
    FACTOR, SERVICE_LEVEL, container_quantity, demand_statistics, lead_time, plan_card_changes,
    recommend, safety_stock, z_score,
)


def test_fixed_factor_textbook_example():
    # Heizer & Render: 500 a day, 2 days lead time, half a day of safety
    # stock (alpha 0.25), containers of 250 -> 5 cards
    result = recommend(500, 0, 2, 250, method=FACTOR, safety_factor=0.25)
    assert result['cards'] == 5
    assert result['cycle_stock'] == 1000 and result['safety_stock'] == 250
    assert result['z'] is None


def test_fixed_factor_rounds_up():
    # Stevenson: 80 an hour, 75 minutes, 10 % safety, containers of 45 -> 2.44 -> 3
    assert recommend(80, 0, 1.25, 45, safety_factor=0.10)['cards'] == 3


def test_service_level_textbook_example():
    # 20 a day (sigma 4), 9 days lead time, 95 %: SS = 1.65 x 4 x 3 = 19.8;
    # (180 + 19.8) / 25 = 7.99 -> 8 cards
    result = recommend(20, 4, 9, 25, method=SERVICE_LEVEL, service_level=0.95)
    assert result['z'] == 1.65
    assert result['safety_stock'] == pytest.approx(19.8)
    assert result['cards'] == 8


def test_review_period_adds_to_the_protection_interval():
    # SS = 1.65 x 4 x sqrt(7 + 2); cycle 20 x 9
    assert safety_stock(1.65, 4, 7, review_days=2) == pytest.approx(19.8)
    assert recommend(20, 4, 7, 25, method=SERVICE_LEVEL, review_days=2)['cards'] == 8


@pytest.mark.parametrize('level,z', [(0.90, 1.28), (0.95, 1.65), (0.99, 2.33), (0.975, 1.96),
                                     (0.93, 1.48)])
def test_z_scores_follow_the_normal_table(level, z):
    assert z_score(level) == z


@pytest.mark.parametrize('level', [0.4, 1.0, 1.2])
def test_z_score_refuses_impossible_levels(level):
    with pytest.raises(ValueError):
        z_score(level)


def test_higher_service_level_never_needs_fewer_cards():
    counts = [recommend(50, 15, 3, 20, method=SERVICE_LEVEL, service_level=level)['cards']
              for level in (0.8, 0.9, 0.95, 0.99, 0.999)]
    assert counts == sorted(counts) and counts[0] < counts[-1]


def test_minimum_two_cards():
    assert recommend(0, 0, 2, 10)['cards'] == 2


def test_unknown_method_refused():
    with pytest.raises(ValueError):
        recommend(10, 1, 1, 5, method='guess')


def test_demand_statistics_counts_quiet_working_days_as_zero():
    average, deviation = demand_statistics([10, 0, 20, 0, 10])
    assert average == 8
    assert deviation == pytest.approx(math.sqrt((4 + 64 + 144 + 64 + 4) / 4.0))


def test_demand_statistics_adds_weekend_use_to_the_average_only():
    average, deviation = demand_statistics([10, 10, 10, 10], off_day_quantity=8)
    assert average == 12 and deviation == 0


def test_demand_statistics_of_an_empty_window():
    assert demand_statistics([]) == (0.0, 0.0)


def test_container_quantity_is_the_inverse():
    # 5 cards covering 1000 + 250 -> containers of 250
    assert container_quantity(5, 1000, 250) == 250
    assert container_quantity(3, 100, multiple=5) == 35        # 33.3 -> 35
    size = container_quantity(8, 180, 19.8)
    assert recommend(20, 4, 9, size, method=SERVICE_LEVEL)['cards'] == 8


def test_measured_lead_time_needs_enough_receipts():
    assert lead_time(2.0, measured_hours=36, samples=5) == (1.5, 'measured')
    assert lead_time(2.0, measured_hours=36, samples=2) == (2.0, 'planned')
    assert lead_time(2.0) == (2.0, 'planned')


CARDS = [(11, 1, 'full', False), (12, 2, 'ordered', False), (13, 3, 'full', False),
         (14, 4, 'empty', False)]


def test_shrinking_pulls_full_cards_now_and_the_rest_on_return():
    changes = plan_card_changes(1, CARDS, next_sequence=5)
    assert sorted(changes.retire_now) == [11, 13]
    assert changes.retire_on_return == [12]
    assert changes.print_sequences == [] and changes.keep == []


def test_growing_prints_new_numbers():
    changes = plan_card_changes(6, CARDS, next_sequence=7)
    assert changes.print_sequences == [7, 8]
    assert changes.retire_now == [] and changes.retire_on_return == []


def test_growing_takes_back_flagged_cards_first():
    cards = CARDS + [(15, 5, 'ordered', True)]
    changes = plan_card_changes(6, cards, next_sequence=6)
    assert changes.keep == [15] and changes.print_sequences == [6]


def test_same_count_changes_nothing():
    assert plan_card_changes(4, CARDS, 5) == ([], [], [], [])
