"""How many cards a loop needs (the classic kanban formula).

    cards = ceil(D x (LT + R) x (1 + alpha) / C)

D daily demand, LT replenishment lead time and R review period (days), C the
container quantity, alpha the safety share.  Instead of a fixed alpha the
safety stock can come from a service level: SS = z x sigma x sqrt(LT + R)
(sigma: standard deviation of daily demand), and then

    cards = ceil((D x (LT + R) + SS) / C)

At least two cards, so one container is consumed while one is replenished.
"""
import math
import statistics

FACTOR = 'factor'
SERVICE_LEVEL = 'service_level'

# z of the one-sided normal table as planning textbooks print it (95 % is
# 1.65 there, not the exact 1.645); other levels use the exact quantile
Z_TABLE = {0.50: 0.0, 0.80: 0.84, 0.85: 1.04, 0.90: 1.28, 0.95: 1.65, 0.975: 1.96,
           0.98: 2.05, 0.99: 2.33, 0.995: 2.58, 0.999: 3.09}


def average_daily_demand(consumptions, days):
    """consumptions: quantities taken from the supermarket over ``days`` days."""
    if days <= 0:
        raise ValueError('the demand window must be at least one day')
    return float(sum(consumptions)) / days


def demand_statistics(daily_quantities, off_day_quantity=0.0):
    """(average, standard deviation) of demand per working day.

    ``daily_quantities`` has one figure per working day of the window (zero
    when nothing was used); what was taken on non-working days counts in the
    average but not in the day-to-day variation.  The deviation is the
    sample one (n - 1), as sizing estimates it from history."""
    days = len(daily_quantities)
    if not days:
        return 0.0, 0.0
    average = (float(sum(daily_quantities)) + off_day_quantity) / days
    deviation = statistics.stdev(daily_quantities) if days > 1 else 0.0
    return average, float(deviation)


def z_score(service_level):
    """Safety factor z for a cycle service level between 0.5 and 1 (excl.)."""
    if not 0.5 <= service_level < 1.0:
        raise ValueError('the service level must be at least 50 %% and below 100 %%')
    level = round(service_level, 4)
    if level in Z_TABLE:
        return Z_TABLE[level]
    return round(statistics.NormalDist().inv_cdf(service_level), 2)


def safety_stock(z, demand_std, lead_time_days, review_days=0.0):
    """SS = z x sigma x sqrt(LT + R)."""
    if demand_std < 0 or lead_time_days < 0 or review_days < 0:
        raise ValueError('deviation, lead time and review period cannot be negative')
    return z * demand_std * math.sqrt(lead_time_days + review_days)


def card_count(daily_demand, lead_time_days, container_qty, safety_factor=0.0,
               review_days=0.0, minimum=2):
    if container_qty <= 0:
        raise ValueError('container quantity must be positive')
    if daily_demand < 0 or lead_time_days < 0 or safety_factor < 0 or review_days < 0:
        raise ValueError('demand, lead time, review period and safety factor cannot be negative')
    need = daily_demand * (lead_time_days + review_days) * (1.0 + safety_factor) / container_qty
    return max(int(math.ceil(need - 1e-9)), minimum)


def recommend(daily_demand, demand_std, lead_time_days, container_qty, method=FACTOR,
              safety_factor=0.0, service_level=0.95, review_days=0.0, minimum=2):
    """The recommended number of cards and how it was reached.

    Returns a dict: cards, cycle_stock (D x (LT + R)), safety_stock, z (None
    for a fixed factor)."""
    if container_qty <= 0:
        raise ValueError('container quantity must be positive')
    if daily_demand < 0 or lead_time_days < 0 or review_days < 0 or safety_factor < 0:
        raise ValueError('demand, lead time, review period and safety factor cannot be negative')
    cycle = daily_demand * (lead_time_days + review_days)
    if method == FACTOR:
        z, safety = None, cycle * safety_factor
    elif method == SERVICE_LEVEL:
        z = z_score(service_level)
        safety = safety_stock(z, demand_std, lead_time_days, review_days)
    else:
        raise ValueError('unknown safety method %r' % (method,))
    cards = max(int(math.ceil((cycle + safety) / container_qty - 1e-9)), minimum)
    return {'cards': cards, 'cycle_stock': cycle, 'safety_stock': safety, 'z': z}


def container_quantity(card_count, cycle_stock, safety_stock=0.0, multiple=1.0):
    """The inverse: the smallest container (rounded up to ``multiple``) with
    which ``card_count`` cards cover cycle plus safety stock."""
    if card_count <= 0:
        raise ValueError('a loop needs at least one card')
    if multiple <= 0:
        raise ValueError('the rounding multiple must be positive')
    if cycle_stock < 0 or safety_stock < 0:
        raise ValueError('stock levels cannot be negative')
    exact = (cycle_stock + safety_stock) / float(card_count)
    return max(math.ceil(exact / multiple - 1e-9), 1) * multiple


def lead_time(planned_days, measured_hours=None, samples=0, min_samples=3):
    """(days, 'measured' | 'planned'): the lead time measured from receipts
    when there are enough of them, else the planned one."""
    if measured_hours is not None and samples >= min_samples and measured_hours >= 0:
        return measured_hours / 24.0, 'measured'
    return planned_days, 'planned'
