"""What a scan means: accept, say it was already signalled, or reject (why)."""
from collections import namedtuple

from .card_states import BLOCKED, EMPTY, FULL, ORDERED

ACCEPTED = 'accepted'
ALREADY_SIGNALLED = 'already_signalled'
REJECTED = 'rejected'

SignalDecision = namedtuple('SignalDecision', 'result reason')


def decide_signal(card_state, loop_state, card_active=True, lock_reason=None,
                  station_location_ok=True):
    """Decide on a scan of a card; the reason is shown to the operator."""
    if not card_active:
        return SignalDecision(REJECTED, 'this card was retired from its loop')
    if not station_location_ok:
        return SignalDecision(REJECTED, 'this card belongs to another supermarket')
    if loop_state == 'locked':
        return SignalDecision(REJECTED, 'loop is locked%s' % (': %s' % lock_reason if lock_reason else ''))
    if loop_state != 'active':
        return SignalDecision(REJECTED, 'loop is not active yet (%s)' % loop_state)
    if card_state == BLOCKED:
        return SignalDecision(REJECTED, 'card is blocked')
    if card_state in (EMPTY, ORDERED):
        return SignalDecision(ALREADY_SIGNALLED, 'card was already signalled (%s)' % card_state)
    if card_state == FULL:
        return SignalDecision(ACCEPTED, None)
    return SignalDecision(REJECTED, 'unknown card state %r' % (card_state,))


def decide_undo(card_state, signalled_by, user, seconds_since_signal, window_seconds,
                order_started=False):
    """An operator may take back their own last signal while nothing started."""
    if card_state not in (EMPTY, ORDERED):
        return SignalDecision(REJECTED, 'card is not signalled')
    if signalled_by != user:
        return SignalDecision(REJECTED, 'only the operator who signalled can undo')
    if seconds_since_signal > window_seconds:
        return SignalDecision(REJECTED, 'undo window of %d s has passed' % window_seconds)
    if order_started:
        return SignalDecision(REJECTED, 'its replenishment order has already started')
    return SignalDecision(ACCEPTED, None)
