"""Supermarket urgency: share of containers missing from the shelf."""
import pytest

from jit_kanban_engine import AMBER, GREEN, RED, urgency


def test_colour_constants():
    assert (GREEN, AMBER, RED) == ('green', 'amber', 'red')


@pytest.mark.parametrize('full,total,expected', [
    # default thresholds: amber at 50 % missing, red at 75 % missing (inclusive)
    (4, 4, GREEN),
    (3, 4, GREEN),      # 25 %
    (2, 4, AMBER),      # 50 % exactly
    (1, 4, RED),        # 75 % exactly
    (0, 4, RED),
    (51, 100, GREEN),   # 49 %
    (50, 100, AMBER),   # 50 %
    (26, 100, AMBER),   # 74 %
    (25, 100, RED),     # 75 %
    (6, 10, GREEN),
    (5, 10, AMBER),
    (3, 10, AMBER),     # 70 %
    (2, 10, RED),       # 80 %
    (2, 3, GREEN),      # 33 %
    (1, 3, AMBER),      # 67 %
    (1, 2, AMBER),      # 50 %
    (1, 1, GREEN),
    (0, 1, RED),
    (5, 4, GREEN),      # more full than active cards: nothing missing
])
def test_default_thresholds(full, total, expected):
    assert urgency(full, total) == expected


@pytest.mark.parametrize('full', [0, 3, -1])
@pytest.mark.parametrize('total', [0, -1])
def test_loop_without_active_cards_is_green(full, total):
    assert urgency(full, total) == GREEN


@pytest.mark.parametrize('full,expected', [
    (8, GREEN),     # 20 %
    (7, AMBER),     # 30 % exactly
    (5, AMBER),
    (4, RED),       # 60 % exactly
    (1, RED),
])
def test_custom_thresholds_are_inclusive(full, expected):
    assert urgency(full, 10, amber_at=0.3, red_at=0.6) == expected


@pytest.mark.parametrize('full,total', [(0, 1), (0, 10), (-1, 5)])
def test_empty_shelf_is_red_whatever_the_thresholds(full, total):
    assert urgency(full, total, amber_at=0.99, red_at=1.5) == RED


def test_red_threshold_above_one_never_reached_while_something_is_full():
    assert urgency(1, 10, amber_at=0.5, red_at=1.5) == AMBER
