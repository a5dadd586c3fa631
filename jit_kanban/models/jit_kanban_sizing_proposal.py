import json
import random
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import engine
from .jit_kanban_loop_planning import history_window

CHART_WIDTH = 600
CHART_HEIGHT = 120
DEMO_MOVE = 'Line consumption'


class JitKanbanSizingProposal(models.Model):
    """A sizing run's recommendation for one loop: the manager reviews it
    (inputs, demand, N-1 / N / N+1 replayed) and applies it, or not."""
    _name = 'jit.kanban.sizing.proposal'
    _description = 'Kanban Sizing Proposal'
    _order = 'date desc, id desc'
    _rec_name = 'loop_id'

    loop_id = fields.Many2one('jit.kanban.loop', required=True, index=True, ondelete='cascade',
                              readonly=True)
    company_id = fields.Many2one(related='loop_id.company_id', store=True, readonly=True, index=True)
    product_id = fields.Many2one(related='loop_id.product_id', readonly=True)
    location_id = fields.Many2one(related='loop_id.location_id', readonly=True, string='Supermarket')
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    state = fields.Selection([('draft', 'To Review'), ('applied', 'Applied'),
                              ('superseded', 'Superseded'), ('dismissed', 'Dismissed')],
                             required=True, default='draft', readonly=True, index=True)
    current_card_count = fields.Integer('Current Cards', readonly=True)
    recommended_card_count = fields.Integer('Recommended Cards', readonly=True)
    card_delta = fields.Integer('Change', readonly=True,
                                help='Cards to print (positive) or to pull (negative).')
    container_qty = fields.Float('Container Quantity', readonly=True)
    daily_demand = fields.Float('Daily Demand', digits=(16, 2), readonly=True)
    demand_std = fields.Float('Demand Deviation', digits=(16, 2), readonly=True)
    demand_days = fields.Integer('History (days)', readonly=True)
    working_days = fields.Integer('Working Days', readonly=True)
    lead_time_days = fields.Float('Lead Time (days)', digits=(16, 2), readonly=True)
    lead_time_source = fields.Selection([('planned', 'Planned'), ('measured', 'Measured')],
                                        readonly=True)
    review_days = fields.Float('Review Period (days)', readonly=True)
    safety_method = fields.Selection(
        [(engine.FACTOR, 'Fixed factor'), (engine.SERVICE_LEVEL, 'Service level')],
        'Safety Method', readonly=True)
    safety_factor = fields.Float(readonly=True)
    service_level = fields.Float(readonly=True)
    z_score = fields.Float('z', readonly=True)
    safety_stock = fields.Float(digits=(16, 2), readonly=True)
    unit_cost = fields.Float(readonly=True)
    demand_series = fields.Text(readonly=True, help='Demand per working day (JSON).')
    demand_chart = fields.Html(compute='_compute_demand_chart', sanitize=False)
    line_ids = fields.One2many('jit.kanban.sizing.proposal.line', 'proposal_id', 'Compared',
                               readonly=True)
    applied_by = fields.Many2one('res.users', readonly=True)
    applied_on = fields.Datetime(readonly=True)

    @api.depends('demand_series')
    def _compute_demand_chart(self):
        for proposal in self:
            data = json.loads(proposal.demand_series or '{}')
            proposal.demand_chart = proposal._bar_chart(
                data.get('series', []), data.get('dates', []), proposal.daily_demand)

    @staticmethod
    def _bar_chart(series, dates, average):
        """Demand per working day as SVG bars, with the average as a line."""
        if not series:
            return '<p class="text-muted">%s</p>' % _('No working day in the history window.')
        top = max(max(series), average, 1e-9)
        width = CHART_WIDTH / float(len(series))
        bars = ''.join(
            '<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#5b8fd6"><title>%s: %g</title></rect>'
            % (index * width, CHART_HEIGHT - quantity / top * CHART_HEIGHT, max(width - 1, 0.5),
               quantity / top * CHART_HEIGHT, dates[index] if index < len(dates) else index + 1,
               quantity)
            for index, quantity in enumerate(series))
        level = CHART_HEIGHT - average / top * CHART_HEIGHT
        return ('<svg class="o_jit_kanban_demand_chart" width="%d" height="%d" '
                'xmlns="http://www.w3.org/2000/svg">%s<line x1="0" x2="%d" y1="%.1f" y2="%.1f" '
                'stroke="#d9534f" stroke-dasharray="4"/></svg>') % (
            CHART_WIDTH, CHART_HEIGHT, bars, CHART_WIDTH, level, level)

    # ------------------------------------------------------------------
    # the sizing run
    # ------------------------------------------------------------------
    @api.model
    def _propose(self, loops, days=None):
        """One proposal per loop (older ones to review are superseded), from
        one demand query for all of them.  ``days``: the same history window
        for every loop (e.g. 365: every loop replayed over a year, at most
        MAX_HISTORY_DAYS) instead of each loop's own *Demand History*."""
        loops = loops.filtered(lambda loop: loop.state != 'draft' and loop.container_qty > 0)
        if not loops:
            return self
        self.search([('loop_id', 'in', loops.ids), ('state', '=', 'draft')]).write(
            {'state': 'superseded'})
        histories = loops._demand_history(history_window(days))
        # every product's cost at once (read loop by loop, it is three
        # queries per loop)
        costs = {product.id: product.standard_price for product in loops.mapped('product_id')}
        now = fields.Datetime.now()
        proposals, lines = [], []
        for loop in loops:
            history = histories[loop.id]
            figures = loop._sizing_figures(history)
            cost = costs[loop.product_id.id]
            proposals.append({
                'loop_id': loop.id, 'date': now, 'state': 'draft',
                'current_card_count': loop.card_count,
                'recommended_card_count': figures['cards'],
                'card_delta': figures['cards'] - loop.card_count,
                'container_qty': loop.container_qty, 'daily_demand': figures['daily_demand'],
                'demand_std': figures['demand_std'], 'demand_days': history['days'],
                'working_days': len(history['series']),
                'lead_time_days': figures['lead_time_days'],
                'lead_time_source': figures['lead_time_source'], 'review_days': loop.review_days,
                'safety_method': loop.safety_method, 'safety_factor': loop.safety_factor,
                'service_level': loop.service_level, 'z_score': figures['z'] or 0.0,
                'safety_stock': figures['safety_stock'], 'unit_cost': cost,
                'company_id': loop.company_id.id,
                'demand_series': json.dumps({'dates': history['dates'], 'series': history['series']}),
            })
            lines.append([dict(row, is_recommended=row['cards'] == figures['cards'],
                               is_current=row['cards'] == loop.card_count)
                          for row in engine.compare(history['series'], figures['cards'],
                                                    loop.container_qty, figures['lead_time_days'],
                                                    cost, also=[loop.card_count])])
        by_loop = {loop_id: proposal_id for proposal_id, loop_id in
                   self._insert_rows(self._table, proposals, returning='id, loop_id')}
        ids = [by_loop[proposal['loop_id']] for proposal in proposals]
        self._insert_rows(self.env['jit.kanban.sizing.proposal.line']._table, [
            dict(line, proposal_id=proposal_id)
            for proposal_id, proposal_lines in zip(ids, lines) for line in proposal_lines])
        return self.browse(ids)

    def _insert_rows(self, table, rows, returning='id'):
        """INSERT rows (dicts with the same keys) in one statement; returns
        the ``returning`` columns.  A weekly run over every loop writes no
        record at a time."""
        if not rows:
            return []
        columns = sorted(rows[0])
        now = fields.Datetime.now()
        self.env.cr.execute('INSERT INTO %s (%s, create_uid, create_date, write_uid, write_date) '
                            'VALUES %s RETURNING %s' % (
                                table, ', '.join(columns), ', '.join(
                                    ['(%s)' % ', '.join(['%s'] * (len(columns) + 4))] * len(rows)),
                                returning),
                            [value for row in rows for value in
                             [row[column] for column in columns] + [self.env.uid, now, self.env.uid, now]])
        rows = self.env.cr.fetchall()
        return [row[0] for row in rows] if returning == 'id' else rows

    @api.model
    def _demo_history(self, demand, days=120, seed=11):
        """Demo data: ``demand`` {loop id: (daily average, deviation)} used on
        each weekday of the last ``days`` days (done moves out of the
        supermarket, one INSERT), then a sizing run for these loops."""
        generator = random.Random(seed)
        today = fields.Date.from_string(fields.Date.context_today(self))
        loops = self.env['jit.kanban.loop'].browse([int(key) for key in demand])
        if self.env['stock.move'].search_count([('name', '=', DEMO_MOVE),
                                                ('product_id', 'in', loops.mapped('product_id').ids)]):
            return self  # loaded once: an update of the module keeps the history
        consumer = self.env.ref('stock.location_production')
        rows = []
        for loop in loops:
            average, deviation = demand[loop.id] if loop.id in demand else demand[str(loop.id)]
            for back in range(days):
                day = today - timedelta(days=back)
                quantity = round(max(generator.gauss(average, deviation), 0.0))
                if day.weekday() < 5 and quantity:
                    rows.append((loop.id, fields.Date.to_string(day), quantity))
        self.env.cr.execute("""
            INSERT INTO stock_move (name, product_id, product_uom, product_uom_qty, product_qty,
                                    location_id, location_dest_id, company_id, date, date_expected,
                                    state, procure_method, create_uid, create_date, write_uid,
                                    write_date)
            SELECT %s, l.product_id, t.uom_id, r.qty, r.qty, l.location_id, %s,
                   l.company_id, r.day + time '10:00', r.day + time '10:00', 'done',
                   'make_to_stock', %s, now() at time zone 'UTC', %s, now() at time zone 'UTC'
              FROM unnest(%s::int[], %s::date[], %s::float[]) AS r(loop_id, day, qty)
              JOIN jit_kanban_loop l ON l.id = r.loop_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id""", (
            DEMO_MOVE, consumer.id, self.env.uid, self.env.uid, [row[0] for row in rows],
            [row[1] for row in rows], [row[2] for row in rows]))
        return self._propose(loops)

    @api.model
    def _cron_propose(self):
        """Weekly: a proposal for every running loop of every company."""
        loops = self.env['jit.kanban.loop'].search([('state', '!=', 'draft')])
        for company in loops.mapped('company_id'):
            self._propose(loops.filtered(lambda loop: loop.company_id == company))
        return True

    # ------------------------------------------------------------------
    # review
    # ------------------------------------------------------------------
    @api.multi
    def action_apply(self):
        """The confirmation: exactly which cards to print and to pull."""
        self.env['jit.kanban.loop']._check_planner()
        self.check_access_rule('write')
        to_apply = self.filtered(lambda p: p.state == 'draft')
        if not to_apply:
            raise UserError(_('Only proposals to review can be applied.'))
        wizard = self.env['jit.kanban.sizing.apply'].create({'proposal_ids': [(6, 0, to_apply.ids)]})
        return {
            'type': 'ir.actions.act_window', 'name': _('Apply Sizing'),
            'res_model': wizard._name, 'res_id': wizard.id, 'view_mode': 'form',
            'target': 'new',
        }

    def _summary(self, lines):
        """The loop's note of an applied proposal: which cards changed."""
        def cards(*actions):
            chosen = lines.filtered(lambda line: line.action in actions)
            return ', '.join('#%d %s' % (line.sequence, line.card_id.barcode or '') for line in chosen) \
                or _('none')
        return _('Sizing applied: %d to %d cards. Printed: %s. Pulled now: %s. Pulled when back '
                 'full: %s.') % (self.current_card_count, self.recommended_card_count,
                                 cards('print'), cards('pull_now'), cards('pull_on_return'))

    @api.multi
    def action_dismiss(self):
        self.env['jit.kanban.loop']._check_planner()
        self.check_access_rule('write')
        self.filtered(lambda p: p.state == 'draft').write({'state': 'dismissed'})
        return True
