"""Consumption-triggered e-kanban (two-bin parts nobody scans).

Every full card stands for a full container on the shelf.  When stock taken
out of the supermarket leaves fewer containers than full cards, the surplus
cards are signalled: exactly one card per container consumed, however the
quantity was taken (one pick or many small ones).
"""
import math

_EPSILON = 1e-9


def cards_to_signal(on_hand, container_qty, full_cards):
    """How many full cards to signal now: full cards beyond the containers
    the on-hand quantity still fills (a started container counts as one)."""
    if container_qty <= 0 or full_cards <= 0:
        return 0
    containers = max(math.ceil(on_hand / container_qty - _EPSILON), 0)
    return max(full_cards - containers, 0)
