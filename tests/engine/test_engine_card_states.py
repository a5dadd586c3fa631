"""Card state machine: every allowed move, every refused one, corrections."""
import itertools

import pytest

from jit_kanban_engine import (
    BLOCKED, EMPTY, FULL, ORDERED, STATES, TransitionError, next_state,
)
from jit_kanban_engine.card_states import TRANSITIONS

# written out by hand (not derived from TRANSITIONS) so that any change of the
# state machine has to be made here too
ALLOWED = [
    ('signal', FULL, EMPTY),
    ('undo', EMPTY, FULL),
    ('order', EMPTY, ORDERED),
    ('receive', ORDERED, FULL),
    ('cancel', ORDERED, EMPTY),
    ('block', FULL, BLOCKED),
    ('block', EMPTY, BLOCKED),
    ('unblock', BLOCKED, FULL),
]
EVENTS = sorted({event for event, _, _ in ALLOWED})
ALLOWED_FROM = {(event, state) for event, state, _ in ALLOWED}
REFUSED = [(event, state) for event, state in itertools.product(EVENTS, STATES)
           if (event, state) not in ALLOWED_FROM]


def test_states_and_events_are_the_documented_ones():
    assert STATES == ('full', 'empty', 'ordered', 'blocked')
    assert sorted(TRANSITIONS) == EVENTS
    assert {(e, f, t) for e, moves in TRANSITIONS.items() for f, t in moves.items()} == set(ALLOWED)


def test_every_event_state_pair_is_either_allowed_or_refused():
    assert len(ALLOWED) + len(REFUSED) == len(EVENTS) * len(STATES)


@pytest.mark.parametrize('event,state,expected', ALLOWED)
def test_allowed_transition(event, state, expected):
    assert next_state(state, event) == expected


@pytest.mark.parametrize('event,state,expected', ALLOWED)
def test_allowed_transition_ignores_target_and_reason(event, state, expected):
    # only 'correct' uses target/reason; a stray one must not redirect a move
    assert next_state(state, event, target=BLOCKED, reason='whatever') == expected


@pytest.mark.parametrize('event,state', REFUSED)
def test_refused_transition_says_why(event, state):
    with pytest.raises(TransitionError) as info:
        next_state(state, event)
    message = str(info.value)
    allowed_from = sorted(f for e, f in ALLOWED_FROM if e == event)
    assert message == 'a card in state %s cannot %s (only from: %s)' % (
        state, event, ', '.join(allowed_from))


def test_refused_message_example_reads_well():
    with pytest.raises(TransitionError, match=r'^a card in state full cannot receive \(only from: ordered\)$'):
        next_state(FULL, 'receive')
    with pytest.raises(TransitionError, match=r'\(only from: empty, full\)$'):
        next_state(ORDERED, 'block')


def test_transition_error_is_a_value_error():
    assert issubclass(TransitionError, ValueError)
    with pytest.raises(ValueError):
        next_state(BLOCKED, 'signal')


@pytest.mark.parametrize('event', ['explode', '', None, 'Signal', 'correction'])
def test_unknown_event_is_refused(event):
    with pytest.raises(TransitionError, match='unknown card event'):
        next_state(FULL, event)


@pytest.mark.parametrize('state', ['lost', None, ''])
def test_unknown_current_state_is_refused(state):
    with pytest.raises(TransitionError, match='cannot signal'):
        next_state(state, 'signal')


@pytest.mark.parametrize('state,target', list(itertools.product(STATES, STATES)))
def test_correction_with_reason_may_set_any_state(state, target):
    assert next_state(state, 'correct', target=target, reason='found in the wrong rack') == target


@pytest.mark.parametrize('reason', [None, '', '   ', '\t\n'])
@pytest.mark.parametrize('state', STATES)
def test_correction_without_reason_is_refused(state, reason):
    with pytest.raises(TransitionError, match='^a correction needs a reason$'):
        next_state(state, 'correct', target=FULL, reason=reason)


@pytest.mark.parametrize('target', [None, 'lost', 'FULL', ''])
def test_correction_to_unknown_state_is_refused(target):
    with pytest.raises(TransitionError, match='unknown state'):
        next_state(FULL, 'correct', target=target, reason='audit')


def test_unknown_target_is_reported_before_missing_reason():
    with pytest.raises(TransitionError, match='unknown state'):
        next_state(FULL, 'correct', target='lost')


def test_whole_loop_cycle():
    state = FULL
    for event in ('signal', 'order', 'receive'):
        state = next_state(state, event)
    assert state == FULL


def test_cancelled_order_returns_card_to_waiting_and_can_be_reordered():
    state = next_state(next_state(next_state(FULL, 'signal'), 'order'), 'cancel')
    assert state == EMPTY
    assert next_state(state, 'order') == ORDERED


def test_blocked_card_only_leaves_by_unblock_or_correction():
    for event in EVENTS:
        if event == 'unblock':
            assert next_state(BLOCKED, event) == FULL
        else:
            with pytest.raises(TransitionError):
                next_state(BLOCKED, event)
    assert next_state(BLOCKED, 'correct', target=EMPTY, reason='card found') == EMPTY
