"""Shortage risk: which facts hold, how they rank, what to do first."""
import pytest

from jit_kanban_engine import shortage


def test_negative_stock_outranks_everything_else_together():
    negative = shortage.risk_score(on_hand=-10, claimed=0)
    everything_else = shortage.risk_score(on_hand=5, claimed=20, short_components=1,
                                          late_orders=2, late_cards=3)
    assert negative > everything_else


@pytest.mark.parametrize('facts,codes', [
    (dict(on_hand=-1, claimed=10), [shortage.NEGATIVE]),
    (dict(on_hand=5, claimed=10), [shortage.BELOW_CLAIM]),
    (dict(on_hand=10, claimed=10), []),
    (dict(on_hand=10, claimed=10, late_orders=1, late_cards=2),
     [shortage.LATE_ORDER, shortage.LATE_CARD]),
    (dict(on_hand=0, claimed=0, short_components=2), [shortage.SHORT_COMPONENTS]),
])
def test_risk_codes_worst_first(facts, codes):
    assert shortage.risk_codes(**facts) == codes


def test_worst_code_and_level_follow_the_score():
    score = shortage.risk_score(on_hand=10, claimed=10, late_orders=1, late_cards=1)
    assert shortage.worst_code(score) == shortage.LATE_ORDER
    assert shortage.risk_level(score) == shortage.MEDIUM
    assert shortage.risk_level(shortage.risk_score(on_hand=-1, claimed=0)) == shortage.HIGH
    assert shortage.risk_level(shortage.risk_score(on_hand=1, claimed=0, late_cards=1)) == shortage.LOW
    assert shortage.worst_code(0) == shortage.NONE


@pytest.mark.parametrize('recent,earlier,trend', [
    (30.0, 24.0, 'slower'), (20.0, 24.0, 'faster'), (25.0, 24.0, 'steady'),
    (None, 24.0, None), (24.0, None, None),
])
def test_lead_time_trend(recent, earlier, trend):
    assert shortage.lead_time_trend(recent, earlier) == trend


def test_late_once_waiting_longer_than_planned():
    assert shortage.is_late(25.0, 1.0)
    assert not shortage.is_late(23.0, 1.0)
    assert not shortage.is_late(None, 1.0)
