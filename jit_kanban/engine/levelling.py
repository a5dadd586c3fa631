"""Capacity levelling (heijunka) of manufacturing orders.

Each scheduled window, the waiting cards of manufacture loops become orders
by urgency, as long as every work center of their routing can still do the
work in the window; the others wait with the reason ``capacity`` and go
first in the next window.  Minutes everywhere; no Odoo import.
"""
import math
from collections import namedtuple
from datetime import datetime, timedelta

CAPACITY = 'capacity'
_EPSILON = 1e-9

Operation = namedtuple('Operation', 'workcenter time_cycle capacity setup efficiency')
Operation.__doc__ = """One routing step: work center key, minutes per cycle,
units per cycle (the work center's capacity), set-up + clean-up minutes per
order, and efficiency in percent (Odoo's time_efficiency)."""

Candidate = namedtuple('Candidate',
                       'key cards container_qty operations held_since urgency_rank since')
Candidate.__doc__ = """A loop whose window is due: ``cards`` waiting, each of
``container_qty`` (BoM units); held_since: when capacity last held it back
(None if not), urgency_rank: 0 red, 1 amber, 2 green; since: its oldest
signal (any sortable value)."""

Release = namedtuple('Release', 'cards reason')
Release.__doc__ = """cards: how many waiting cards become one order now;
reason: CAPACITY when some cards wait for the next window, else None."""


def operation_minutes(quantity, operation):
    """Expected minutes of one order of ``quantity`` on one routing step:
    Odoo's own estimate (set-up + whole cycles x cycle time / efficiency)."""
    if quantity <= 0:
        return 0.0
    capacity = operation.capacity if operation.capacity and operation.capacity > 0 else 1.0
    efficiency = operation.efficiency if operation.efficiency and operation.efficiency > 0 else 100.0
    cycles = math.ceil(quantity / capacity - _EPSILON)
    return (operation.setup or 0.0) + cycles * (operation.time_cycle or 0.0) * 100.0 / efficiency


def order_load(quantity, operations):
    """{work center: minutes} one order of ``quantity`` puts on its routing."""
    load = {}
    for operation in operations:
        load[operation.workcenter] = load.get(operation.workcenter, 0.0) + \
            operation_minutes(quantity, operation)
    return load


def priority(candidate):
    """Held back last window first (oldest hold first), then the most
    urgent loop, then the oldest signal."""
    held = candidate.held_since
    return (held is None, held or '', candidate.urgency_rank, candidate.since or '')


def level(candidates, budgets, idle=None):
    """{key: Release} for the due loops, given ``budgets`` {work center:
    minutes it can still work in this window}.  A work center without a
    budget is not levelled.  An order alone bigger than a whole window is
    still released one card at a time on an ``idle`` work center (working
    time in the window and nothing released in it yet; by default every
    work center with a budget), or it would wait forever."""
    left = dict(budgets)
    idle = {center for center, minutes in budgets.items() if minutes > 0} \
        if idle is None else set(idle) & set(budgets)
    releases = {}
    for candidate in sorted(candidates, key=priority):
        if candidate.cards <= 0:
            continue
        released = 0
        for count in range(candidate.cards, 0, -1):
            load = order_load(count * candidate.container_qty, candidate.operations)
            if all(minutes <= left[center] + _EPSILON
                   for center, minutes in load.items() if center in left):
                released = count
                break
        if not released and all(center in idle for center in
                                order_load(1, candidate.operations) if center in left):
            released = 1
        if released:
            load = order_load(released * candidate.container_qty, candidate.operations)
            for center, minutes in load.items():
                if center in left:
                    left[center] -= minutes
                    idle.discard(center)
        held = released < candidate.cards
        releases[candidate.key] = Release(released, CAPACITY if held else None)
    return releases


def working_minutes(start, end, attendances):
    """Minutes of working time between two naive datetimes (local time of
    the calendar).  ``attendances``: (weekday 0 = Monday, hour from, hour
    to) tuples; None means no calendar: all the time is working time."""
    if end <= start:
        return 0.0
    if attendances is None:
        return (end - start).total_seconds() / 60.0
    total = 0.0
    day = datetime(start.year, start.month, start.day)
    while day < end:
        for weekday, hour_from, hour_to in attendances:
            if int(weekday) != day.weekday():
                continue
            begin = max(day + timedelta(hours=hour_from), start)
            finish = min(day + timedelta(hours=hour_to), end)
            if finish > begin:
                total += (finish - begin).total_seconds() / 60.0
        day += timedelta(days=1)
    return total
