"""How many cards a loop needs (the classic kanban formula).

    cards = ceil(daily demand x (lead time + review period) x (1 + safety) / container)

with at least two cards so one container can be consumed while one is
replenished.
"""
import math


def average_daily_demand(consumptions, days):
    """consumptions: quantities taken from the supermarket over ``days`` days."""
    if days <= 0:
        raise ValueError('the demand window must be at least one day')
    return float(sum(consumptions)) / days


def card_count(daily_demand, lead_time_days, container_qty, safety_factor=0.0,
               review_days=0.0, minimum=2):
    if container_qty <= 0:
        raise ValueError('container quantity must be positive')
    if daily_demand < 0 or lead_time_days < 0 or safety_factor < 0 or review_days < 0:
        raise ValueError('demand, lead time, review period and safety factor cannot be negative')
    need = daily_demand * (lead_time_days + review_days) * (1.0 + safety_factor) / container_qty
    return max(int(math.ceil(need - 1e-9)), minimum)
