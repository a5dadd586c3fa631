"""Replay a demand series against a kanban loop, day by day.

The loop starts with every card full.  Each day: containers ordered
``lead time`` days ago arrive first, then the day's demand is taken from
stock; what cannot be served is lost (a stock-out day).  Each container
emptied frees its card, which is ordered at once (immediate trigger) and
arrives ``lead time`` days later (at least the next day).
"""
import math
import random

DEFAULT_RUNS = 200


def _lead_days(lead_time_days):
    return max(int(math.ceil(lead_time_days - 1e-9)), 1)


def simulate(demand, card_count, container_qty, lead_time_days, lead_times=None):
    """Replay ``demand`` (quantities per day).  ``lead_times``: an optional
    iterator of lead times (days) per order, for the stochastic mode.

    Returns a dict: stockout_days, short_qty, average_on_hand, orders_placed,
    daily (one dict per day: day, demand, received, served, short, on_hand)."""
    daily = []
    result = replay(demand, card_count, container_qty, lead_time_days, lead_times, daily)
    result['daily'] = daily
    return result


def replay(demand, card_count, container_qty, lead_time_days, lead_times=None, daily=None):
    """The replay itself: ``simulate`` without the daily series unless a
    list is given as ``daily`` (one dict per day is appended to it).  The
    sizing run replays every loop's year three or four times and reads only
    the totals; both share this one loop, so their figures are the same."""
    if card_count < 1:
        raise ValueError('a loop needs at least one card')
    if container_qty <= 0:
        raise ValueError('container quantity must be positive')
    if lead_time_days < 0:
        raise ValueError('lead time cannot be negative')
    on_hand = card_count * float(container_qty)
    consumed = 0.0
    signalled = 0
    arrivals = {}
    fixed_lead = None  # whole days, worked out at the first order (as each order did)
    days = stockout_days = 0
    short_qty = total_on_hand = 0
    for day, wanted in enumerate(demand):
        wanted = max(float(wanted), 0.0)
        received = arrivals.pop(day, 0) * container_qty
        on_hand += received
        served = min(on_hand, wanted)
        on_hand -= served
        consumed += served
        # a card comes free each time a whole container has been used
        emptied = int(math.floor(consumed / container_qty + 1e-9)) - signalled
        if emptied > 0:
            if lead_times is None:
                if fixed_lead is None:
                    fixed_lead = _lead_days(lead_time_days)
                due = day + fixed_lead
                arrivals[due] = arrivals.get(due, 0) + emptied
            else:
                for _order in range(emptied):
                    due = day + _lead_days(next(lead_times))
                    arrivals[due] = arrivals.get(due, 0) + 1
        signalled += emptied
        short = wanted - served
        days += 1
        if short > 1e-9:
            stockout_days += 1
        # summed day by day from 0, as sum() over the daily rows would
        short_qty += short
        total_on_hand += on_hand
        if daily is not None:
            daily.append({'day': day, 'demand': wanted, 'received': received, 'served': served,
                          'short': short, 'on_hand': on_hand, 'orders': emptied})
    return {
        'stockout_days': stockout_days,
        'short_qty': short_qty,
        'average_on_hand': total_on_hand / days if days else 0.0,
        'orders_placed': signalled,
    }


def simulate_many(demand, card_count, container_qty, lead_time_days, lead_time_std,
                  runs=DEFAULT_RUNS, seed=0):
    """The stochastic mode: ``runs`` replays with lead times drawn from a
    normal law (mean ``lead_time_days``, deviation ``lead_time_std``, never
    below zero), from a seeded generator so the answer is reproducible.

    Returns averages over the runs plus the share of runs with a stock-out."""
    if runs < 1:
        raise ValueError('at least one run')
    generator = random.Random(seed)

    def draws():
        while True:
            yield max(generator.gauss(lead_time_days, lead_time_std), 0.0)

    results = [simulate(demand, card_count, container_qty, lead_time_days, lead_times=draws())
               for _run in range(runs)]
    return {
        'runs': runs,
        'stockout_days': sum(r['stockout_days'] for r in results) / float(runs),
        'average_on_hand': sum(r['average_on_hand'] for r in results) / float(runs),
        'orders_placed': sum(r['orders_placed'] for r in results) / float(runs),
        'stockout_risk': sum(1 for r in results if r['stockout_days']) / float(runs),
    }


def compare(demand, card_count, container_qty, lead_time_days, unit_cost=0.0, also=()):
    """N-1, N and N+1 cards side by side (plus the counts in ``also``, e.g.
    the loop's current one): for each, the replay's figures and the
    inventory the cards tie up (cards x container x unit cost)."""
    rows = []
    for cards in sorted({card_count - 1, card_count, card_count + 1} | set(also)):
        if cards < 1:
            continue
        result = replay(demand, cards, container_qty, lead_time_days)
        rows.append({'cards': cards, 'stockout_days': result['stockout_days'],
                     'short_qty': result['short_qty'],
                     'average_on_hand': result['average_on_hand'],
                     'orders_placed': result['orders_placed'],
                     'inventory_value': cards * container_qty * unit_cost})
    return rows
