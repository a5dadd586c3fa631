from datetime import timedelta

from odoo import _, api, fields, models, tools

from .. import engine
from . import card_sql

KPI_DAYS = 30


class JitKanbanLoop(models.Model):
    """What the board, sizing and KPIs of a loop read: every figure is
    computed set-based (a fixed number of queries for any number of loops)."""
    _inherit = 'jit.kanban.loop'

    # board figures, kept by _refresh_board() whenever cards change, so the
    # board is one indexed read however many cards and events there are
    full_count = fields.Integer('Full', readonly=True, copy=False)
    empty_count = fields.Integer('Empty', readonly=True, copy=False)
    ordered_count = fields.Integer('Ordered', readonly=True, copy=False)
    blocked_count = fields.Integer('Blocked', readonly=True, copy=False)
    urgency = fields.Selection([('green', 'Green'), ('amber', 'Amber'), ('red', 'Red')],
                               readonly=True, copy=False, default='green')
    urgency_rank = fields.Integer(readonly=True, copy=False, default=2, index=True,
                                  help='0 red, 1 amber, 2 green: the board shows red first.')

    demand_days = fields.Integer('Demand History (days)', default=28,
                                 help='Consumption from the supermarket over these days sizes the loop.')
    safety_factor = fields.Float('Safety Factor', default=0.1,
                                 help='Extra share of demand covered, e.g. 0.1 for 10 %.')
    daily_demand = fields.Float('Daily Demand', compute='_compute_sizing', digits=(16, 2))
    suggested_card_count = fields.Integer('Suggested Cards', compute='_compute_sizing')
    kpi_signals = fields.Integer('Signals (30 days)', compute='_compute_kpis')
    kpi_rejections = fields.Integer('Rejected Scans (30 days)', compute='_compute_kpis')
    kpi_lead_time_hours = fields.Float('Signal to Receipt (h, 30 days)', compute='_compute_kpis',
                                       digits=(16, 1))
    kpi_stockouts = fields.Integer('Times Red (30 days)', compute='_compute_kpis')

    def init(self):
        # a supermarket's column of the board, in the board's order: its
        # first page is read by index, not sorted from all its loops
        tools.create_index(self._cr, 'jit_kanban_loop_board_column_index', self._table,
                           ['location_id', 'urgency_rank', 'empty_count DESC', 'name'])

    def _refresh_board(self):
        """Recount the cards of these loops (one query) and store the board
        figures and urgency (one query)."""
        if not self.ids:
            return
        self.env.cr.execute("""
            SELECT l.id, l.urgency,
                   COUNT(c.id) FILTER (WHERE c.state = 'full'),
                   COUNT(c.id) FILTER (WHERE c.state = 'empty'),
                   COUNT(c.id) FILTER (WHERE c.state = 'ordered'),
                   COUNT(c.id) FILTER (WHERE c.state = 'blocked')
              FROM jit_kanban_loop l
              LEFT JOIN jit_kanban_card c ON c.loop_id = l.id AND c.active
             WHERE l.id IN %s GROUP BY l.id, l.urgency""", (tuple(self.ids),))
        ranks = {engine.RED: 0, engine.AMBER: 1, engine.GREEN: 2}
        rows = []
        turned_red = []
        for loop_id, before, full, empty, ordered, blocked in self.env.cr.fetchall():
            level = engine.urgency(full, full + empty + ordered)
            if level == engine.RED and before != engine.RED:
                turned_red.append(loop_id)
            rows.append((loop_id, full, empty, ordered, blocked, level, ranks[level]))
        self.env.cr.execute("""
            UPDATE jit_kanban_loop l
               SET full_count = v.n_full, empty_count = v.n_empty, ordered_count = v.n_ordered,
                   blocked_count = v.n_blocked, urgency = v.urgency, urgency_rank = v.rank
              FROM (VALUES %s) AS v(id, n_full, n_empty, n_ordered, n_blocked, urgency, rank)
             WHERE l.id = v.id""" % ', '.join(['(%s, %s, %s, %s, %s, %s, %s)'] * len(rows)),
                            [value for row in rows for value in row])
        self.invalidate_cache(['full_count', 'empty_count', 'ordered_count', 'blocked_count',
                               'urgency', 'urgency_rank'], self.ids)
        if turned_red:
            self.browse(turned_red)._alert_red()

    @api.depends('demand_days', 'safety_factor', 'lead_time_days', 'container_qty')
    def _compute_sizing(self):
        """Real demand: what left the supermarket (done moves out of it), one
        grouped query for all loops of a window length."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        by_window = {}
        for loop in self:
            by_window.setdefault(max(loop.demand_days, 1), []).append(loop.id)
        for days, loop_ids in by_window.items():
            loops = self.browse(loop_ids)
            since = fields.Datetime.to_string(now - timedelta(days=days))
            rows = self.env['stock.move'].read_group(
                [('state', '=', 'done'), ('date', '>=', since),
                 ('location_id', 'in', loops.mapped('location_id').ids),
                 ('location_dest_id', 'not in', loops.mapped('location_id').ids),
                 ('product_id', 'in', loops.mapped('product_id').ids)],
                ['product_id', 'location_id', 'product_qty'], ['product_id', 'location_id'], lazy=False)
            used = {(r['product_id'][0], r['location_id'][0]): r['product_qty'] for r in rows}
            for loop in loops:
                demand = engine.average_daily_demand(
                    [used.get((loop.product_id.id, loop.location_id.id), 0.0)], days)
                loop.daily_demand = demand
                loop.suggested_card_count = engine.card_count(
                    demand, loop.lead_time_days, loop.container_qty or 1.0,
                    safety_factor=max(loop.safety_factor, 0.0)) if loop.container_qty > 0 else 0

    @api.multi
    def action_apply_sizing(self):
        for loop in self:
            if loop.suggested_card_count and loop.suggested_card_count != loop.card_count:
                loop.card_count = loop.suggested_card_count
        return True

    def _shift_board(self, full=0, empty=0, ordered=0):
        """A scan's change to the board counts, without a recount; urgency
        is written (and red alerts raised) only when it changes."""
        self.ensure_one()
        counts = card_sql.shift_board(self.env.cr, self.id, full, empty, ordered)
        self.invalidate_cache(['full_count', 'empty_count', 'ordered_count'], self.ids)
        level = engine.urgency(counts[0], sum(counts[:3]))
        if level != counts[3]:
            self._refresh_board()

    @api.model
    def _refresh_all_boards(self):
        self.with_context(active_test=False).search([])._refresh_board()
        return True

    def _compute_kpis(self):
        since = fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=KPI_DAYS))
        rows = self.env['jit.kanban.event'].read_group(
            [('loop_id', 'in', self.ids), ('date', '>=', since),
             ('event_type', 'in', ('signal', 'reject', 'receive', 'alert'))],
            ['loop_id', 'event_type', 'lead_time_hours'], ['loop_id', 'event_type'], lazy=False)
        figures = {(r['loop_id'][0], r['event_type']): r for r in rows}
        for loop in self:
            get = lambda kind: figures.get((loop.id, kind), {})  # noqa: E731
            loop.kpi_signals = get('signal').get('__count', 0)
            loop.kpi_rejections = get('reject').get('__count', 0)
            loop.kpi_lead_time_hours = get('receive').get('lead_time_hours') or 0.0
            loop.kpi_stockouts = get('alert').get('__count', 0)

    def _alert_red(self):
        """A loop just turned red: its responsible gets a to-do, once."""
        todo = self.env.ref('mail.mail_activity_data_todo', raise_if_not_found=False)
        model = self.env['ir.model']._get('jit.kanban.loop')
        Activity = self.env['mail.activity'].sudo()
        for loop in self.sudo():
            self.env['jit.kanban.event']._record_loop(loop, 'alert', _('loop turned red'))
            if not loop.user_id or Activity.search_count([
                    ('res_model_id', '=', model.id), ('res_id', '=', loop.id),
                    ('activity_type_id', '=', todo.id if todo else False)]):
                continue
            Activity.create({
                'res_model_id': model.id, 'res_id': loop.id, 'user_id': loop.user_id.id,
                'activity_type_id': todo.id if todo else False,
                'summary': _('%s is red: %d of %d containers left') % (
                    loop.name, loop.full_count, loop.full_count + loop.empty_count + loop.ordered_count),
            })
