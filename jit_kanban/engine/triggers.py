"""When waiting (empty) cards of a loop become replenishment orders.

``immediate``: one order per card as soon as it is signalled.
``batch``: one order for every ``batch_size`` waiting cards.
``scheduled``: one order for all waiting cards when the heijunka window ends.
``consumption``: as immediate; the signal comes from stock leaving the
supermarket (engine.consumption), not from a scan.
A WIP cap bounds the orders open at once; cards beyond it wait, with a reason.
"""
from collections import namedtuple

from .reasons import Reason

IMMEDIATE, BATCH, SCHEDULED = 'immediate', 'batch', 'scheduled'
CONSUMPTION = 'consumption'

Trigger = namedtuple('Trigger', 'groups waiting_reason')
Trigger.__doc__ = """groups: list of card counts, one order each, oldest cards first;
waiting_reason: why the remaining cards wait (None when none wait)."""


def plan_orders(policy, waiting_cards, open_orders=0, wip_cap=0, batch_size=1,
                window_due=False):
    # a misconfigured loop is reported even when no card waits
    if policy not in (IMMEDIATE, BATCH, SCHEDULED, CONSUMPTION):
        raise ValueError('unknown trigger policy %r' % (policy,))
    if waiting_cards <= 0:
        return Trigger([], None)
    if policy in (IMMEDIATE, CONSUMPTION):
        groups = [1] * waiting_cards
    elif policy == BATCH:
        size = max(int(batch_size or 1), 1)
        groups = [size] * (waiting_cards // size)
        if not groups:
            return Trigger([], _batch_reason(waiting_cards, size))
    elif policy == SCHEDULED:
        if not window_due:
            return Trigger([], Reason('window', 'scheduled: waits for the next window'))
        groups = [waiting_cards]
    # a cap of 0 (or less) means no cap
    capped = False
    if wip_cap and wip_cap > 0:
        room = max(wip_cap - open_orders, 0)
        if room < len(groups):
            groups = groups[:room]
            capped = True
    left = waiting_cards - sum(groups)
    reason = None
    if left:
        # the cap is the reason only when it held back an order; cards left
        # over from an incomplete batch wait for the batch even below the cap
        if capped:
            reason = Reason('wip_cap', 'WIP cap: %(open)d of %(cap)d orders open',
                            open=open_orders + len(groups), cap=wip_cap)
        elif policy == BATCH:
            reason = _batch_reason(left, max(int(batch_size or 1), 1))
    return Trigger(groups, reason)


def _batch_reason(waiting, size):
    return Reason('batch', 'batch: %(waiting)d of %(size)d cards', waiting=waiting, size=size)
