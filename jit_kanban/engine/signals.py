"""What a scan means: accept, say it was already signalled, or reject (why)."""
from collections import namedtuple

from .card_states import BLOCKED, EMPTY, FULL, ORDERED
from .reasons import Reason

ACCEPTED = 'accepted'
ALREADY_SIGNALLED = 'already_signalled'
REJECTED = 'rejected'

SignalDecision = namedtuple('SignalDecision', 'result reason')


def decide_signal(card_state, loop_state, card_active=True, lock_reason=None,
                  station_location_ok=True):
    """Decide on a scan of a card; the reason (a code, see reasons.py) is
    shown to the operator.  An archived loop is ``loop_state`` 'archived'."""
    if not card_active:
        return SignalDecision(REJECTED, Reason('card_retired', 'retired card: remove it from the floor'))
    if not station_location_ok:
        return SignalDecision(REJECTED, Reason('other_supermarket',
                                               'this card belongs to another supermarket'))
    if loop_state == 'locked':
        if lock_reason:
            return SignalDecision(REJECTED, Reason('loop_locked_because',
                                                   'loop is locked: %(lock_reason)s',
                                                   lock_reason=lock_reason))
        return SignalDecision(REJECTED, Reason('loop_locked', 'loop is locked'))
    if loop_state != 'active':
        return SignalDecision(REJECTED, Reason('loop_not_active', 'loop is not active yet (%(state)s)',
                                               state=loop_state))
    if card_state == BLOCKED:
        return SignalDecision(REJECTED, Reason('card_blocked', 'card is blocked'))
    if card_state in (EMPTY, ORDERED):
        return SignalDecision(ALREADY_SIGNALLED, Reason(
            'already_signalled', 'card was already signalled (%(state)s)', state=card_state))
    if card_state == FULL:
        return SignalDecision(ACCEPTED, None)
    return SignalDecision(REJECTED, Reason('unknown_state', 'unknown card state %(state)r',
                                           state=card_state))


def decide_undo(card_state, signalled_by, user, seconds_since_signal, window_seconds,
                order_started=False, order_shared=False, superseded=False):
    """An operator may take back their own last signal while nothing started.
    ``order_shared``: the card's order also fills other cards (taking it
    back would cancel theirs); ``superseded``: the card was signalled again
    since this signal."""
    if card_state not in (EMPTY, ORDERED):
        return SignalDecision(REJECTED, Reason('not_signalled', 'card is not signalled'))
    if signalled_by != user:
        return SignalDecision(REJECTED, Reason('not_your_signal',
                                               'only the operator who signalled can undo'))
    if seconds_since_signal > window_seconds:
        return SignalDecision(REJECTED, Reason('undo_window_passed',
                                               'undo window of %(window)d s has passed',
                                               window=window_seconds))
    if superseded:
        return SignalDecision(REJECTED, Reason('signal_superseded',
                                               'the card was signalled again since'))
    if order_shared:
        return SignalDecision(REJECTED, Reason('order_shared',
                                               'its order also fills other cards'))
    if order_started:
        return SignalDecision(REJECTED, Reason('order_started',
                                               'its replenishment order has already started'))
    return SignalDecision(ACCEPTED, None)
