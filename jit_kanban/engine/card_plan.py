"""Which cards to print and which to pull when a loop's card count changes.

Only full cards (on the shelf, container in the supermarket) retire at once;
a card in circulation retires when its container comes back full.  Cards
already flagged to retire are taken back first when the loop grows again.
"""
from collections import namedtuple

from .card_states import BLOCKED, EMPTY, FULL, ORDERED

CardChanges = namedtuple('CardChanges', 'print_sequences retire_now retire_on_return keep')

# which cards to pull first: the ones on the shelf, then those that come back soonest
_PULL_ORDER = {FULL: 0, ORDERED: 1, EMPTY: 2, BLOCKED: 3}


def plan_card_changes(target, cards, next_sequence):
    """``cards``: (id, sequence, state, retire_on_return) of the loop's active
    cards; ``next_sequence``: the first card number never used in the loop.

    Returns CardChanges: print_sequences (new card numbers), retire_now and
    retire_on_return (card ids), keep (flagged card ids to keep after all)."""
    if target < 1:
        raise ValueError('a loop needs at least one card')
    live = [card for card in cards if not card[3]]
    flagged = sorted((card for card in cards if card[3]), key=lambda card: card[1])
    if target >= len(live):
        missing = target - len(live)
        keep = [card[0] for card in flagged[:missing]]
        count = missing - len(keep)
        return CardChanges(list(range(next_sequence, next_sequence + count)), [], [], keep)
    surplus = sorted(live, key=lambda card: (_PULL_ORDER.get(card[2], 9), -card[1]))
    surplus = surplus[:len(live) - target]
    return CardChanges([], [card[0] for card in surplus if card[2] == FULL],
                       [card[0] for card in surplus if card[2] != FULL], [])
