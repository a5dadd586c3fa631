"""Order quantities and how many cards (partial) receipts fill."""
import pytest

from jit_kanban_engine import cards_to_fill, order_quantity


# -- order_quantity -------------------------------------------------------------

@pytest.mark.parametrize('cards,container,expected', [
    (1, 10, 10),
    (3, 10, 30),
    (2, 2.5, 5.0),
    (4, 0.25, 1.0),
])
def test_order_quantity(cards, container, expected):
    assert order_quantity(cards, container) == expected


def test_order_quantity_of_fractional_container():
    assert order_quantity(3, 10.0 / 3) == pytest.approx(10.0)


@pytest.mark.parametrize('cards,container', [(0, 10), (-1, 10), (3, 0), (3, -5), (0, 0)])
def test_order_quantity_refuses_empty_orders(cards, container):
    with pytest.raises(ValueError, match='at least one card and a positive container quantity'):
        order_quantity(cards, container)


# -- cards_to_fill -------------------------------------------------------------

def receive(receipts, container_qty, cards_on_order):
    """Feed receipts one by one as the model does (cumulative received total,
    cards already filled); return the cards filled by each receipt."""
    total, filled, per_receipt = 0.0, 0, []
    for qty in receipts:
        total += qty
        new = cards_to_fill(total, container_qty, cards_on_order, filled)
        filled += new
        per_receipt.append(new)
    return per_receipt


def test_partial_then_complete_receipt():
    # container 10, 3 cards ordered: 15 received -> 1 card, 30 in total -> 2 more
    assert cards_to_fill(15, 10, 3, 0) == 1
    assert cards_to_fill(30, 10, 3, 1) == 2
    assert cards_to_fill(30, 10, 3, 3) == 0


@pytest.mark.parametrize('receipts,expected', [
    ([15, 15], [1, 2]),
    ([4, 4, 4, 9, 9], [0, 0, 1, 1, 1]),          # small receipts add up
    ([10, 10, 10], [1, 1, 1]),
    ([30], [3]),
    ([9.5, 0.5, 19.5, 0.5], [0, 1, 1, 1]),
    ([25, 20], [2, 1]),                           # over-delivery: never more than ordered
    ([45, 10], [3, 0]),
    ([0, 0, 30], [0, 0, 3]),
])
def test_receipts_accumulate(receipts, expected):
    assert receive(receipts, 10, 3) == expected
    assert sum(expected) <= 3


def test_many_small_float_receipts_fill_every_card():
    # 30 receipts of 0.1 for 3 containers of 1: the float sum is 2.9999999999999996
    per = receive([0.1] * 30, 1.0, 3)
    assert sum(per) == 3
    assert per[9] == 1 and per[19] == 1 and per[29] == 1


@pytest.mark.parametrize('received,container,on_order,expected', [
    (29.999999999, 10, 3, 3),                     # float noise below a whole container
    (3 * 9.9999999999, 9.9999999999, 3, 3),
    (0.1 + 0.1 + 0.1, 0.1, 3, 3),                 # 0.30000000000000004
    (0.7 + 0.1 + 0.2, 1.0 / 3, 3, 3),             # 0.9999999999999999 / 0.333...
    (29.99997, 9.99999, 3, 3),                    # 3 x 9.99999
    (2 * 9.99999, 9.99999, 3, 2),
])
def test_float_noise_still_fills_whole_containers(received, container, on_order, expected):
    assert cards_to_fill(received, container, on_order, 0) == expected


@pytest.mark.parametrize('received,expected', [
    (29.99, 2),        # one hundredth short is a real shortage, not noise
    (19.999, 1),
    (9.9, 0),
    (10, 1),
])
def test_real_shortage_is_not_rounded_up(received, expected):
    assert cards_to_fill(received, 10, 3, 0) == expected


def test_order_quantity_received_in_full_fills_all_cards():
    for container in (10.0 / 3, 0.1, 9.99999, 0.3, 7.7, 1e-3, 12345.678):
        for cards in (1, 2, 3, 7, 10):
            assert cards_to_fill(order_quantity(cards, container), container, cards, 0) == cards


@pytest.mark.parametrize('received,on_order,filled,expected', [
    (100, 3, 0, 3),     # never more than ordered
    (100, 3, 2, 1),
    (100, 3, 3, 0),
    (10, 3, 2, 0),      # already counted
    (10, 3, 5, 0),      # never negative
    (-10, 3, 0, 0),     # a return does not un-fill cards
    (0, 3, 0, 0),
    (30, 0, 0, 0),      # nothing ordered
])
def test_cards_to_fill_bounds(received, on_order, filled, expected):
    assert cards_to_fill(received, 10, on_order, filled) == expected


def test_cards_to_fill_returns_an_int():
    assert type(cards_to_fill(30.0, 10.0, 3, 0)) is int


@pytest.mark.parametrize('container', [0, -1, -0.5])
def test_cards_to_fill_needs_positive_container(container):
    with pytest.raises(ValueError, match='container quantity must be positive'):
        cards_to_fill(10, container, 3, 0)
