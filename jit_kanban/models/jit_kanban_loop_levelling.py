import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2
import pytz

from odoo import _, fields, models

from .. import engine
from .jit_kanban_capacity import LOAD_HOURS

_logger = logging.getLogger(__name__)


class JitKanbanLoop(models.Model):
    """Capacity levelling (heijunka) of scheduled manufacture loops: each
    window releases waiting cards' orders by urgency while the work centers
    of their routing have time left in the window (engine.level)."""
    _inherit = 'jit.kanban.loop'

    capacity_held_at = fields.Datetime(
        'Waiting for Capacity Since', readonly=True, copy=False,
        help='Cards of this loop wait for work center capacity; they go first next window.')

    def _capacity_levels(self, now):
        """{loop id: (cards released, reason or None)} for the scheduled
        manufacture loops among these whose window is due at ``now``.  A
        broken calendar or routing must not stop replenishment: it is
        logged and this window is not levelled."""
        try:
            with self.env.cr.savepoint():
                return self._level_due_loops(now)
        except psycopg2.OperationalError:
            raise  # concurrency: the cron runs again
        except Exception:  # noqa: BLE001 - logged, the loops are replenished unlevelled
            _logger.exception('kanban levelling failed; this window is not levelled')
            return {}

    def _level_due_loops(self, now):
        """See _capacity_levels; a fixed number of queries for any number
        of loops."""
        due = self.filtered(lambda l: l.state == 'active' and l.trigger_policy == 'scheduled'
                            and l.replenish_method == 'manufacture'
                            and (not l.next_window or l.next_window <= now))
        if not due:
            return {}
        operations, waiting = self._levelling_facts(due.ids)
        # held cards ordered since by other means (a manager's button): no longer held
        stale = due.filtered(lambda l: l.capacity_held_at and l.id not in waiting)
        if stale:
            self.env.cr.execute('UPDATE jit_kanban_loop SET capacity_held_at = NULL WHERE id IN %s',
                                (tuple(stale.ids),))
            stale.invalidate_cache(['capacity_held_at'], stale.ids)
        candidates = []
        windows = defaultdict(float)
        for loop in due:
            if loop.id not in waiting or loop.id not in operations:
                continue  # nothing waits, or no routing: nothing to level
            qty_factor, steps = operations[loop.id]
            cards, since = waiting[loop.id]
            candidates.append(engine.Candidate(
                loop.id, cards, loop.container_qty * qty_factor, steps,
                loop.capacity_held_at or None, loop.urgency_rank, since))
            for step in steps:
                windows[step.workcenter] = max(windows[step.workcenter], loop.schedule_minutes or 1)
        if not candidates:
            return {}
        budgets, idle = self._window_budgets(windows, fields.Datetime.from_string(now))
        names = dict(self.env['mrp.workcenter'].sudo().browse(list(windows)).name_get())
        levels = {}
        for key, release in engine.level(candidates, budgets, idle).items():
            reason = None
            if release.reason == engine.CAPACITY:
                centers = sorted({names[step.workcenter] for step in operations[key][1]})
                reason = _('capacity: %s has no time left in this window') % ', '.join(centers)
            levels[key] = (release.cards, reason)
        return levels

    def _levelling_facts(self, loop_ids):
        """({loop: (BoM units per product unit, [engine.Operation])},
        {loop: (waiting cards, oldest signal)}) in two queries.  Cycle times
        are the routing's set durations (time_cycle_manual)."""
        cr = self.env.cr
        cr.execute("""
            SELECT l.id, 1.0 / COALESCE(NULLIF(b.product_qty, 0), 1), rw.workcenter_id,
                   rw.time_cycle_manual, wc.capacity,
                   COALESCE(wc.time_start, 0) + COALESCE(wc.time_stop, 0), wc.time_efficiency
              FROM jit_kanban_loop l
              JOIN mrp_bom b ON b.id = l.bom_id
              JOIN mrp_routing_workcenter rw ON rw.routing_id = b.routing_id
              JOIN mrp_workcenter wc ON wc.id = rw.workcenter_id
             WHERE l.id IN %s
             ORDER BY l.id, rw.sequence, rw.id""", (tuple(loop_ids),))
        operations = {}
        for loop_id, factor, center, cycle, capacity, setup, efficiency in cr.fetchall():
            operations.setdefault(loop_id, (factor, []))[1].append(
                engine.Operation(center, cycle, capacity, setup, efficiency))
        cr.execute("""
            SELECT loop_id, COUNT(*), MIN(signalled_at) FROM jit_kanban_card
             WHERE loop_id IN %s AND state = 'empty' AND active
             GROUP BY loop_id""", (tuple(loop_ids),))
        waiting = {loop_id: (count, str(since or '')) for loop_id, count, since in cr.fetchall()}
        return operations, waiting

    def _window_budgets(self, windows, start):
        """({work center: minutes it can still take}, idle work centers).
        A window's minutes are the working time in [start, start + window]
        of the work center's calendar, else its company's, in the time zone
        of its user, else of its company (no calendar: the whole window).
        Kanban orders released on it during the last window length are
        taken off, so windows due at different times never add up to more
        than the work center does; idle: none was released."""
        cr = self.env.cr
        released = self._released_minutes(windows, start)
        cr.execute("""
            SELECT wc.id, COALESCE(up.tz, cp.tz, 'UTC'), a.dayofweek, a.hour_from, a.hour_to,
                   COALESCE(r.calendar_id, co.resource_calendar_id) IS NOT NULL
              FROM mrp_workcenter wc
              JOIN resource_resource r ON r.id = wc.resource_id
              LEFT JOIN res_users u ON u.id = r.user_id
              LEFT JOIN res_partner up ON up.id = u.partner_id
              LEFT JOIN res_company co ON co.id = r.company_id
              LEFT JOIN res_partner cp ON cp.id = co.partner_id
              LEFT JOIN resource_calendar_attendance a
                     ON a.calendar_id = COALESCE(r.calendar_id, co.resource_calendar_id)
                    AND (a.date_from IS NULL OR a.date_from <= %s::date)
                    AND (a.date_to IS NULL OR a.date_to >= %s::date)
             WHERE wc.id IN %s""", (start, start, tuple(windows)))
        calendars, zones = {}, {}
        for center, zone, weekday, hour_from, hour_to, has_calendar in cr.fetchall():
            zones[center] = zone
            attendances = calendars.setdefault(center, [] if has_calendar else None)
            if weekday is not None:
                attendances.append((int(weekday), hour_from, hour_to))
        budgets = {}
        for center, minutes in windows.items():
            try:
                zone = pytz.timezone(zones.get(center) or 'UTC')
            except pytz.UnknownTimeZoneError:
                zone = pytz.utc
            local = pytz.utc.localize(start).astimezone(zone).replace(tzinfo=None)
            working = engine.working_minutes(
                local, local + timedelta(minutes=minutes), calendars.get(center))
            budgets[center] = max(working - released.get(center, 0.0), 0.0)
        idle = {center for center in windows if not released.get(center)}
        return budgets, idle

    def _released_minutes(self, windows, start):
        """{work center: minutes of kanban orders (not cancelled) created on
        it within the last window length before ``start``}, in one query."""
        since = [(center, start - timedelta(minutes=minutes)) for center, minutes in windows.items()]
        self.env.cr.execute("""
            SELECT rw.workcenter_id, SUM(%s) * 60.0
              FROM mrp_production mo
              JOIN mrp_bom b ON b.id = mo.bom_id
              JOIN mrp_routing_workcenter rw ON rw.routing_id = mo.routing_id
              JOIN mrp_workcenter wc ON wc.id = rw.workcenter_id
              JOIN (VALUES %s) AS w(center, since) ON w.center = rw.workcenter_id
             WHERE mo.jit_kanban_loop_id IS NOT NULL AND mo.state != 'cancel'
               AND mo.create_date > w.since
             GROUP BY rw.workcenter_id""" % (
            LOAD_HOURS % {'qty': 'mo.product_qty'}, ', '.join(['(%s, %s::timestamp)'] * len(since))),
            [value for pair in since for value in pair])
        return dict(self.env.cr.fetchall())

    def _capacity_release(self, waiting):
        """The waiting card ids this loop may order now: all of them, unless
        this window's levelling held some back for capacity (the cron passes
        the levels in the context); those wait with the reason."""
        self.ensure_one()
        levels = self.env.context.get('jit_kanban_capacity') or {}
        if self.id not in levels:
            return waiting
        cards, reason = levels[self.id]
        released, held = waiting[:cards], waiting[cards:]
        cr = self.env.cr
        if held:
            cr.execute("""UPDATE jit_kanban_card SET waiting_reason = %s
                           WHERE id IN %s AND NOT order_failed""",
                       (reason, tuple(held)))
            cr.execute("""UPDATE jit_kanban_loop SET capacity_held_at = COALESCE(capacity_held_at, %s)
                           WHERE id = %s""", (fields.Datetime.now(), self.id))
        elif self.capacity_held_at:
            cr.execute('UPDATE jit_kanban_loop SET capacity_held_at = NULL WHERE id = %s', (self.id,))
        self.invalidate_cache(['capacity_held_at'], self.ids)
        self.env['jit.kanban.card'].invalidate_cache(['waiting_reason'], held)
        return released

