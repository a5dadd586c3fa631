"""The card state machine: which event moves a card from which state to which."""

FULL = 'full'          # container full in the supermarket
EMPTY = 'empty'        # signalled, waiting for its replenishment order
ORDERED = 'ordered'    # a replenishment order exists for it
BLOCKED = 'blocked'    # taken out of the loop by a manager (lost, damaged card)
STATES = (FULL, EMPTY, ORDERED, BLOCKED)

# event -> {from_state: to_state}
TRANSITIONS = {
    'signal': {FULL: EMPTY},
    'undo': {EMPTY: FULL},
    'order': {EMPTY: ORDERED},
    'receive': {ORDERED: FULL},
    'cancel': {ORDERED: EMPTY},
    'block': {FULL: BLOCKED, EMPTY: BLOCKED},
    'unblock': {BLOCKED: FULL},
}
# a manager's correction may set any state, with a reason
MANUAL_EVENTS = ('correct',)


class TransitionError(ValueError):
    """Raised with a sentence an operator or manager can read."""


def next_state(state, event, target=None, reason=None):
    """Return the state a card reaches when ``event`` happens in ``state``."""
    if event == 'correct':
        if target not in STATES:
            raise TransitionError('unknown state %r' % (target,))
        if not (reason or '').strip():
            raise TransitionError('a correction needs a reason')
        return target
    moves = TRANSITIONS.get(event)
    if moves is None:
        raise TransitionError('unknown card event %r' % (event,))
    if state not in moves:
        allowed = ', '.join(sorted(moves))
        raise TransitionError('a card in state %s cannot %s (only from: %s)' % (state, event, allowed))
    return moves[state]
