from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import engine
from . import access

# bounds of what one simulation call (or sizing run) may ask for
MAX_HISTORY_DAYS = 3660
MAX_RUNS = 1000


def history_window(days):
    """A history window asked for (days), within 1..MAX_HISTORY_DAYS, or
    None (falsy: each loop's own ``demand_days``)."""
    return max(min(int(days), MAX_HISTORY_DAYS), 1) if days else None


def fetch_without_jit(cr, query, params):
    """The rows of ``query``, run with PostgreSQL's JIT compiler off for
    this one statement (the setting is put back as it was).

    Over many loops the demand statement's estimated cost passes
    ``jit_optimize_above_cost``: PostgreSQL then compiles and optimizes its
    hundred expressions with LLVM first, which took 0.8 s on every call at
    1,000 loops (the whole statement runs in 0.3 s for 28 days, 1.3 s for a
    year, without it) and saves nothing on an aggregation of plain sums."""
    cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
    previous = cr.fetchone()[0]
    cr.execute(query, params)
    rows = cr.fetchall()
    cr.execute("SELECT set_config('jit', %s, true)", (previous,))
    return rows


# Consumption out of each loop's supermarket per working day of its window,
# the non-working days' total, and the measured lead times: one statement
# for any number of loops.  A working day is a weekday of the company's
# working hours that no company-wide leave covers; a working day with no
# consumption counts as zero demand.
#
# It stays linear in loops x days whatever the planner estimates: whether a
# day is worked is decided once per calendar (loops share a few calendars:
# MATERIALIZED, or the planner evaluates it once per loop and day), and each
# loop's days meet its moves by grouping, not by a join (a join on (loop,
# day), planned as a merge on the loop alone, compared every day with every
# consumption day of the loop: 66 million rows for a year of 1,000 loops).
DEMAND_HISTORY_SQL = """
    WITH loop AS (
        SELECT l.id, l.product_id, l.location_id,
               COALESCE(c.resource_calendar_id, 0) AS calendar_key,
               GREATEST(COALESCE(%(days)s, l.demand_days, 28), 1) AS days
          FROM jit_kanban_loop l
          JOIN res_company c ON c.id = l.company_id
         WHERE l.id IN %(ids)s
    ), calendar_day AS MATERIALIZED (
        SELECT cal.calendar_key, d::date AS day,
               (cal.calendar_key = 0 OR EXISTS (
                    SELECT 1 FROM resource_calendar_attendance a
                     WHERE a.calendar_id = cal.calendar_key
                       AND a.dayofweek::int = EXTRACT(ISODOW FROM d)::int - 1
                       AND (a.date_from IS NULL OR a.date_from <= d::date)
                       AND (a.date_to IS NULL OR a.date_to >= d::date)))
               AND NOT EXISTS (
                    SELECT 1 FROM resource_calendar_leaves v
                     WHERE v.calendar_id = cal.calendar_key AND v.resource_id IS NULL
                       AND v.date_from::date <= d::date AND v.date_to::date >= d::date) AS working
          FROM (SELECT DISTINCT calendar_key FROM loop) cal,
               generate_series(%(today)s::date - (SELECT MAX(days) FROM loop) + 1,
                               %(today)s::date, interval '1 day') d
    ), day AS (
        SELECT loop_id, day, BOOL_OR(working) AS working, SUM(qty) AS qty
          FROM (SELECT loop.id AS loop_id, cd.day, cd.working, NULL::numeric AS qty
                  FROM loop
                  JOIN calendar_day cd ON cd.calendar_key = loop.calendar_key
                                      AND cd.day > %(today)s::date - loop.days
                UNION ALL
                SELECT loop.id, m.date::date, NULL, m.product_qty
                  FROM loop
                  JOIN stock_move m ON m.product_id = loop.product_id
                                   AND m.location_id = loop.location_id
                 WHERE m.state = 'done' AND m.location_dest_id != loop.location_id
                   AND m.date >= %(today)s::date - loop.days + 1
                   AND m.date < %(today)s::date + 1) facts
         GROUP BY loop_id, day
    ), history AS (
        SELECT loop_id,
               ARRAY_AGG(day::text ORDER BY day) FILTER (WHERE working) AS dates,
               ARRAY_AGG(COALESCE(qty, 0) ORDER BY day) FILTER (WHERE working) AS series,
               COALESCE(SUM(qty) FILTER (WHERE NOT working), 0) AS off_day_qty,
               COUNT(*) AS days
          FROM day
         GROUP BY loop_id
    ), lead AS (
        SELECT loop.id AS loop_id, AVG(e.lead_time_hours) AS hours, COUNT(*) AS samples
          FROM loop
          JOIN jit_kanban_event e ON e.loop_id = loop.id
         WHERE e.event_type = 'receive' AND e.lead_time_hours IS NOT NULL
           AND e.date >= %(today)s::date - loop.days + 1
         GROUP BY 1
    )
    SELECT history.loop_id, history.dates, history.series, history.off_day_qty, lead.hours,
           COALESCE(lead.samples, 0), history.days
      FROM history
      LEFT JOIN lead ON lead.loop_id = history.loop_id
"""


class JitKanbanLoop(models.Model):
    """Sizing of a loop from its consumption history, and the simulation a
    manager reads before printing or pulling a card."""
    _inherit = 'jit.kanban.loop'

    demand_days = fields.Integer('Demand History (days)', default=28,
                                 help='Consumption from the supermarket over these days sizes the loop.')
    safety_method = fields.Selection(
        [(engine.FACTOR, 'Fixed factor'), (engine.SERVICE_LEVEL, 'Service level')],
        'Safety Method', required=True, default=engine.FACTOR,
        help='A fixed share of the demand over the lead time, or z x deviation x '
             'square root of (lead time + review period) for a service level.')
    safety_factor = fields.Float('Safety Factor', default=0.1,
                                 help='Extra share of demand covered, e.g. 0.1 for 10 %.')
    service_level = fields.Float('Service Level', default=0.95,
                                 help='Share of replenishment cycles without a stock-out, e.g. 0.95.')
    review_days = fields.Float('Review Period (days)', default=0.0,
                               help='Time between two order releases (scheduled windows).')
    lead_time_source = fields.Selection(
        [('planned', 'Planned'), ('measured', 'Measured')], 'Lead Time for Sizing',
        required=True, default='planned',
        help='Measured: the average signal-to-receipt time of the window (when at least '
             'three receipts are known).')
    daily_demand = fields.Float('Daily Demand', compute='_compute_sizing', digits=(16, 2))
    demand_std = fields.Float('Demand Deviation', compute='_compute_sizing', digits=(16, 2),
                              help='Standard deviation of demand per working day.')
    sizing_lead_time_days = fields.Float('Sizing Lead Time (days)', compute='_compute_sizing',
                                         digits=(16, 2))
    suggested_card_count = fields.Integer('Suggested Cards', compute='_compute_sizing')
    suggested_container_qty = fields.Float(
        'Container for Current Cards', compute='_compute_sizing',
        help='The container quantity with which the current number of cards would do.')
    sizing_comparison = fields.Html('Cards Compared', compute='_compute_sizing_comparison',
                                    sanitize=False)

    _sql_constraints = [
        ('service_level_range', 'CHECK(service_level >= 0.5 AND service_level < 1)',
         'The service level is a share between 0.5 and 1, e.g. 0.95.'),
        ('safety_factor_positive', 'CHECK(safety_factor >= 0)', 'The safety factor cannot be negative.'),
        ('review_days_positive', 'CHECK(review_days >= 0)', 'The review period cannot be negative.'),
    ]

    # ------------------------------------------------------------------
    # facts and figures
    # ------------------------------------------------------------------
    def _demand_history(self, days=None):
        """{loop id: {'dates', 'series', 'off_day_qty', 'lead_hours', 'lead_samples',
        'days'}} for these loops (DEMAND_HISTORY_SQL, one query), over ``days``
        calendar days for every loop, or each loop's own window; ``days`` in the
        answer is the window really read."""
        ids = tuple(loop.id for loop in self if loop.id)
        if not ids:
            return {}
        rows = fetch_without_jit(self.env.cr, DEMAND_HISTORY_SQL, {
            'ids': ids, 'days': days, 'today': fields.Date.context_today(self)})
        return {row[0]: {'dates': row[1] or [], 'series': [float(q) for q in row[2] or []],
                         'off_day_qty': float(row[3]), 'lead_hours': row[4],
                         'lead_samples': row[5], 'days': row[6]}
                for row in rows}

    def _sizing_figures(self, history):
        """The engine's recommendation for this loop from its history."""
        self.ensure_one()
        average, deviation = engine.demand_statistics(history['series'], history['off_day_qty'])
        if self.lead_time_source == 'measured':
            lead, source = engine.lead_time(self.lead_time_days, history['lead_hours'],
                                            history['lead_samples'])
        else:
            lead, source = self.lead_time_days, 'planned'
        recommendation = engine.recommend(
            average, deviation, max(lead, 0.0), self.container_qty or 1.0, method=self.safety_method,
            safety_factor=max(self.safety_factor, 0.0), service_level=self.service_level or 0.95,
            review_days=max(self.review_days, 0.0))
        return dict(recommendation, daily_demand=average, demand_std=deviation,
                    lead_time_days=lead, lead_time_source=source)

    @api.depends('demand_days', 'safety_method', 'safety_factor', 'service_level', 'review_days',
                 'lead_time_source', 'lead_time_days', 'container_qty', 'card_count')
    def _compute_sizing(self):
        histories = self._demand_history()
        for loop in self:
            history = histories.get(loop.id)
            if not history or loop.container_qty <= 0:
                loop.update({'daily_demand': 0.0, 'demand_std': 0.0, 'suggested_card_count': 0,
                             'sizing_lead_time_days': loop.lead_time_days,
                             'suggested_container_qty': 0.0})
                continue
            figures = loop._sizing_figures(history)
            loop.update({
                'daily_demand': figures['daily_demand'], 'demand_std': figures['demand_std'],
                'sizing_lead_time_days': figures['lead_time_days'],
                'suggested_card_count': figures['cards'],
                'suggested_container_qty': engine.container_quantity(
                    max(loop.card_count, 1), figures['cycle_stock'], figures['safety_stock']),
            })

    @api.depends('demand_days', 'safety_method', 'safety_factor', 'service_level', 'review_days',
                 'lead_time_source', 'lead_time_days', 'container_qty', 'card_count')
    def _compute_sizing_comparison(self):
        """The replays, only where the table is shown (forms), not in lists."""
        histories = self._demand_history()
        for loop in self:
            history = histories.get(loop.id)
            if not history or loop.container_qty <= 0:
                loop.sizing_comparison = False
                continue
            figures = loop._sizing_figures(history)
            rows = engine.compare(history['series'], figures['cards'], loop.container_qty,
                                  figures['lead_time_days'], loop.product_id.standard_price,
                                  also=[loop.card_count])
            loop.sizing_comparison = loop._comparison_table(rows, loop.card_count, figures['cards'])

    def _comparison_table(self, rows, current, recommended):
        """N-1, N, N+1 cards side by side, as an HTML table for the forms."""
        currency = self.company_id.currency_id
        head = ''.join('<th class="text-right">%s%s</th>' % (
            _('%d cards') % row['cards'],
            ' (%s)' % _('suggested') if row['cards'] == recommended else
            ' (%s)' % _('now') if row['cards'] == current else '') for row in rows)
        lines = [
            (_('Stock-out days'), lambda r: '%d' % r['stockout_days']),
            (_('Quantity short'), lambda r: '%.1f' % r['short_qty']),
            (_('Average on hand'), lambda r: '%.1f' % r['average_on_hand']),
            (_('Orders placed'), lambda r: '%d' % r['orders_placed']),
            (_('Inventory tied up'), lambda r: '%.2f %s' % (r['inventory_value'], currency.symbol or '')),
        ]
        body = ''.join('<tr><td>%s</td>%s</tr>' % (label, ''.join(
            '<td class="text-right">%s</td>' % show(row) for row in rows)) for label, show in lines)
        return ('<table class="table table-condensed o_jit_kanban_comparison"><thead><tr><th>%s</th>%s'
                '</tr></thead><tbody>%s</tbody></table>') % (_('Replay of the history'), head, body)

    # ------------------------------------------------------------------
    # simulation (public, managers only)
    # ------------------------------------------------------------------
    def _check_planner(self):
        access.check_manager(self.env)
        access.check_records(self)

    @api.multi
    def simulate(self, card_count=None, container_qty=None, lead_time_days=None, days=None,
                 demand=None, lead_time_std=None, runs=None, seed=0):
        """Replay the loop's demand history (or ``demand``, quantities per
        day) against a number of cards, container and lead time (the loop's
        own by default).  ``lead_time_std`` with ``runs``: the stochastic
        mode, seeded.  Returns stockout_days, short_qty, average_on_hand,
        orders_placed, inventory_value and the daily series."""
        self.ensure_one()
        self._check_planner()
        try:
            days = history_window(days)
            if demand is None:
                history = self._demand_history(days).get(self.id, {})
                demand, dates = history.get('series', []), history.get('dates', [])
            else:
                demand, dates = [float(quantity) for quantity in demand], []
            cards = int(card_count or self.card_count)
            container = float(container_qty or self.container_qty)
            lead = float(self.lead_time_days if lead_time_days is None else lead_time_days)
            result = engine.simulate(demand, cards, container, lead)
            if lead_time_std and runs:
                result['stochastic'] = engine.simulate_many(
                    demand, cards, container, lead, float(lead_time_std),
                    min(int(runs), MAX_RUNS), int(seed))
        except (TypeError, ValueError) as error:
            raise UserError(_('Cannot simulate %s: %s') % (self.name, error))
        for row, date in zip(result['daily'], dates):
            row['date'] = date
        result.update(card_count=cards, container_qty=container, lead_time_days=lead,
                      inventory_value=cards * container * self.product_id.standard_price)
        return result

    # ------------------------------------------------------------------
    # proposals
    # ------------------------------------------------------------------
    @api.multi
    def action_apply_sizing(self):
        """A new sizing proposal for these loops, then the confirmation of
        exactly which cards to print and which to pull."""
        self._check_planner()
        proposals = self.env['jit.kanban.sizing.proposal']._propose(self)
        if not proposals:
            raise UserError(_('A draft loop gets its cards when it is activated: set its number '
                              'of cards directly.'))
        return proposals.action_apply()

    @api.multi
    def action_open_proposals(self):
        action = self.env.ref('jit_kanban.jit_kanban_sizing_proposal_action').read()[0]
        action['domain'] = [('loop_id', 'in', self.ids)]
        return action
