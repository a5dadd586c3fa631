"""What a scan means (decide_signal) and whether it may be taken back (decide_undo)."""
import itertools

import pytest

from jit_kanban_engine import (
    ACCEPTED, ALREADY_SIGNALLED, BLOCKED, EMPTY, FULL, ORDERED, REJECTED, STATES,
    SignalDecision, decide_signal, decide_undo, next_state,
)

NOT_ACTIVE_LOOP_STATES = ['draft', 'archived', 'closed', None, '']


def test_result_constants():
    assert (ACCEPTED, ALREADY_SIGNALLED, REJECTED) == ('accepted', 'already_signalled', 'rejected')
    decision = decide_signal(FULL, 'active')
    assert isinstance(decision, SignalDecision)
    assert decision._fields == ('result', 'reason')


# -- decide_signal: active loop, each card state -----------------------------

@pytest.mark.parametrize('card_state,expected', [
    (FULL, SignalDecision(ACCEPTED, None)),
    (EMPTY, SignalDecision(ALREADY_SIGNALLED, 'card was already signalled (empty)')),
    (ORDERED, SignalDecision(ALREADY_SIGNALLED, 'card was already signalled (ordered)')),
    (BLOCKED, SignalDecision(REJECTED, 'card is blocked')),
])
def test_signal_in_active_loop(card_state, expected):
    assert decide_signal(card_state, 'active') == expected


@pytest.mark.parametrize('card_state', ['lost', None, 'FULL'])
def test_signal_of_unknown_card_state_is_rejected(card_state):
    decision = decide_signal(card_state, 'active')
    assert decision.result == REJECTED
    assert decision.reason == 'unknown card state %r' % (card_state,)


# -- decide_signal: loop state ----------------------------------------------

@pytest.mark.parametrize('card_state', STATES)
def test_locked_loop_rejects_with_its_reason(card_state):
    assert decide_signal(card_state, 'locked', lock_reason='stocktaking') == \
        SignalDecision(REJECTED, 'loop is locked: stocktaking')


@pytest.mark.parametrize('lock_reason', [None, ''])
def test_locked_loop_without_reason(lock_reason):
    assert decide_signal(FULL, 'locked', lock_reason=lock_reason) == \
        SignalDecision(REJECTED, 'loop is locked')


@pytest.mark.parametrize('card_state,loop_state',
                         list(itertools.product(STATES, NOT_ACTIVE_LOOP_STATES)))
def test_loop_not_active_rejects_every_card(card_state, loop_state):
    assert decide_signal(card_state, loop_state) == \
        SignalDecision(REJECTED, 'loop is not active yet (%s)' % (loop_state,))


def test_lock_reason_is_ignored_when_loop_active():
    assert decide_signal(FULL, 'active', lock_reason='old lock') == SignalDecision(ACCEPTED, None)


# -- decide_signal: retired card, other supermarket, precedence -------------

@pytest.mark.parametrize('card_state,loop_state',
                         list(itertools.product(STATES, ['active', 'locked', 'draft'])))
def test_retired_card_is_rejected_first(card_state, loop_state):
    decision = decide_signal(card_state, loop_state, card_active=False,
                             lock_reason='x', station_location_ok=False)
    assert decision == SignalDecision(REJECTED, 'retired card: remove it from the floor')


@pytest.mark.parametrize('card_state,loop_state',
                         list(itertools.product(STATES, ['active', 'locked', 'draft'])))
def test_card_of_other_supermarket_is_rejected_before_loop_state(card_state, loop_state):
    decision = decide_signal(card_state, loop_state, station_location_ok=False)
    assert decision == SignalDecision(REJECTED, 'this card belongs to another supermarket')


def test_locked_loop_reason_wins_over_blocked_card():
    assert decide_signal(BLOCKED, 'locked', lock_reason='audit').reason == 'loop is locked: audit'


def test_accepted_signal_is_a_legal_transition():
    assert decide_signal(FULL, 'active').result == ACCEPTED
    assert next_state(FULL, 'signal') == EMPTY


# -- decide_undo --------------------------------------------------------------

def undo(card_state=EMPTY, signalled_by='alice', user='alice', seconds=10, window=60,
         order_started=False, order_shared=False, superseded=False):
    return decide_undo(card_state, signalled_by, user, seconds, window, order_started=order_started,
                       order_shared=order_shared, superseded=superseded)


@pytest.mark.parametrize('card_state', [EMPTY, ORDERED])
def test_undo_own_recent_signal_is_accepted(card_state):
    assert undo(card_state) == SignalDecision(ACCEPTED, None)


def test_order_started_defaults_to_false():
    assert decide_undo(EMPTY, 7, 7, 0, 60) == SignalDecision(ACCEPTED, None)


@pytest.mark.parametrize('card_state', [FULL, BLOCKED, 'lost'])
def test_undo_of_unsignalled_card_is_rejected(card_state):
    assert undo(card_state) == SignalDecision(REJECTED, 'card is not signalled')


@pytest.mark.parametrize('signalled_by,user', [('alice', 'bob'), (1, 2), (None, 'alice'), (False, 3)])
def test_undo_by_other_user_is_rejected(signalled_by, user):
    assert undo(signalled_by=signalled_by, user=user) == \
        SignalDecision(REJECTED, 'only the operator who signalled can undo')


@pytest.mark.parametrize('seconds,accepted', [
    (0, True), (59.9, True), (60, True),          # the window is inclusive
    (60.001, False), (61, False), (3600, False),
])
def test_undo_window_boundary(seconds, accepted):
    decision = undo(seconds=seconds, window=60)
    if accepted:
        assert decision == SignalDecision(ACCEPTED, None)
    else:
        assert decision == SignalDecision(REJECTED, 'undo window of 60 s has passed')


def test_zero_window_only_allows_an_immediate_undo():
    assert undo(seconds=0, window=0).result == ACCEPTED
    assert undo(seconds=1, window=0).reason == 'undo window of 0 s has passed'


@pytest.mark.parametrize('card_state', [EMPTY, ORDERED])
def test_undo_after_order_started_is_rejected(card_state):
    assert undo(card_state, order_started=True) == \
        SignalDecision(REJECTED, 'its replenishment order has already started')


def test_an_order_filling_other_cards_is_not_taken_back_and_says_so():
    decision = undo(ORDERED, order_shared=True)
    assert (decision.result, decision.reason.code) == (REJECTED, 'order_shared')


def test_a_signal_followed_by_another_one_is_not_taken_back_and_says_so():
    decision = undo(ORDERED, superseded=True, order_shared=True, order_started=True)
    assert (decision.result, decision.reason.code) == (REJECTED, 'signal_superseded')


def test_undo_rejection_precedence():
    # not signalled > other user > window > superseded > shared > order started
    assert undo(order_shared=True, order_started=True).reason.code == 'order_shared'
    assert undo(seconds=999, superseded=True).reason == 'undo window of 60 s has passed'
    assert undo(FULL, user='bob', seconds=999, order_started=True).reason == 'card is not signalled'
    assert undo(user='bob', seconds=999, order_started=True).reason == \
        'only the operator who signalled can undo'
    assert undo(seconds=999, order_started=True).reason == 'undo window of 60 s has passed'


def test_accepted_undo_leads_back_to_full_through_the_state_machine():
    # an empty card goes straight back; an ordered one (order not started)
    # needs its order cancelled first, then the undo
    assert next_state(EMPTY, 'undo') == FULL
    assert next_state(next_state(ORDERED, 'cancel'), 'undo') == FULL
