"""A consumption history for the planning tests: working days and done moves."""
from datetime import timedelta


def working_days(env, days, today):
    """The company calendar's working days of the window ending today."""
    calendar = env.user.company_id.resource_calendar_id
    weekdays = {int(a.dayofweek) for a in calendar.attendance_ids}
    first = today - timedelta(days=days - 1)
    return [first + timedelta(days=n) for n in range(days)
            if (first + timedelta(days=n)).weekday() in weekdays]


def insert_consumption(env, loop, quantities_by_day, destination):
    """Done moves out of the supermarket, one per day (a year of history:
    one INSERT; Odoo would take minutes to post them one by one)."""
    env.cr.execute("""
        INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty, product_qty,
                                location_id, location_dest_id, company_id, date, date_expected,
                                state, procure_method, create_uid, create_date, write_uid, write_date)
        SELECT 'line consumption', %s, %s, q, q, %s, %s, %s, d + time '10:00', d + time '10:00',
               'done', 'make_to_stock', 1, now() at time zone 'UTC', 1, now() at time zone 'UTC'
          FROM unnest(%s::date[], %s::float[]) AS t(d, q)""", (
        loop.product_id.id, loop.product_id.uom_id.id, loop.location_id.id, destination.id,
        loop.company_id.id, [day.isoformat() for day in quantities_by_day],
        list(quantities_by_day.values())))
