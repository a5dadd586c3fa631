"""Quantities: what an order asks for, how many cards a receipt fills."""
import math

EPSILON = 1e-9


def order_quantity(cards, container_qty):
    if cards <= 0 or container_qty <= 0:
        raise ValueError('an order needs at least one card and a positive container quantity')
    return cards * container_qty


def cards_to_fill(received_qty, container_qty, cards_on_order, cards_filled):
    """How many more cards of an order are full now that ``received_qty`` has
    arrived in total: whole containers only, never more than were ordered."""
    if container_qty <= 0:
        raise ValueError('container quantity must be positive')
    whole = int(math.floor(received_qty / container_qty + EPSILON))
    return max(min(whole, cards_on_order) - cards_filled, 0)
