import logging
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import engine

METHODS = [('manufacture', 'Manufacture'), ('buy', 'Buy'), ('transfer', 'Transfer')]
# the procurement rule action each replenishment method runs
_logger = logging.getLogger(__name__)
RULE_ACTIONS = {'manufacture': 'manufacture', 'buy': 'buy', 'transfer': 'move'}


class JitKanbanLoop(models.Model):
    """A kanban control cycle: one product kept in one supermarket by a fixed
    number of containers, each with its card."""
    _name = 'jit.kanban.loop'
    _description = 'Kanban Loop'
    _inherit = ['mail.thread']
    _order = 'location_id, name'

    name = fields.Char('Reference', required=True, copy=False, readonly=True,
                       default=lambda self: _('New'))
    active = fields.Boolean(default=True)
    company_id = fields.Many2one('res.company', required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    product_id = fields.Many2one('product.product', required=True, index=True,
                                 domain=[('type', '=', 'product')], track_visibility='onchange')
    product_uom_id = fields.Many2one(related='product_id.uom_id', readonly=True, string='Unit')
    location_id = fields.Many2one('stock.location', 'Supermarket', required=True, index=True,
                                  domain=[('is_supermarket', '=', True)], track_visibility='onchange')
    replenish_method = fields.Selection(METHODS, 'Replenishment', required=True,
                                        default='manufacture', track_visibility='onchange')
    bom_id = fields.Many2one('mrp.bom', 'Bill of Materials')
    production_picking_type_id = fields.Many2one(
        'stock.picking.type', 'Manufacturing Operation', domain=[('code', '=', 'mrp_operation')])
    vendor_id = fields.Many2one('res.partner', 'Vendor', domain=[('supplier', '=', True)])
    source_location_id = fields.Many2one('stock.location', 'Source Location',
                                         domain=[('usage', '=', 'internal')])
    transfer_picking_type_id = fields.Many2one(
        'stock.picking.type', 'Transfer Operation', domain=[('code', '=', 'internal')])
    container_qty = fields.Float('Container Quantity', required=True, default=1.0,
                                 track_visibility='onchange')
    card_count = fields.Integer('Number of Cards', required=True, default=2,
                                track_visibility='onchange')
    lead_time_days = fields.Float('Replenishment Lead Time (days)', default=1.0)
    trigger_policy = fields.Selection(
        [('immediate', 'Immediate'), ('batch', 'Batch of cards'), ('scheduled', 'Scheduled window')],
        'Trigger', required=True, default='immediate', track_visibility='onchange')
    batch_size = fields.Integer('Cards per Batch', default=2)
    schedule_minutes = fields.Integer('Window (minutes)', default=60,
                                      help='Heijunka window: empty cards are ordered together once per window.')
    next_window = fields.Datetime('Next Window', copy=False)
    last_signal_at = fields.Datetime('Last Card Change', readonly=True, copy=False)
    wip_cap = fields.Integer('Max Open Orders', default=0,
                             help='Signals beyond this number of open orders wait (0: no cap).')
    state = fields.Selection([('draft', 'Draft'), ('active', 'Active'), ('locked', 'Locked')],
                             default='draft', required=True, copy=False, track_visibility='onchange')
    lock_reason = fields.Char(copy=False, track_visibility='onchange')
    color = fields.Integer('Colour', default=0)
    demand_days = fields.Integer('Demand History (days)', default=28,
                                 help='Consumption from the supermarket over these days sizes the loop.')
    safety_factor = fields.Float('Safety Factor', default=0.1,
                                 help='Extra share of demand covered, e.g. 0.1 for 10 %.')
    daily_demand = fields.Float('Daily Demand', compute='_compute_sizing', digits=(16, 2))
    suggested_card_count = fields.Integer('Suggested Cards', compute='_compute_sizing')
    card_ids = fields.One2many('jit.kanban.card', 'loop_id', 'Cards')
    route_id = fields.Many2one('stock.location.route', 'Replenishment Route', copy=False,
                               readonly=True, ondelete='set null')
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

    _sql_constraints = [
        ('name_uniq', 'unique(name, company_id)', 'Loop references must be unique.'),
        ('product_location_uniq', 'unique(product_id, location_id)',
         'A product has one kanban loop per supermarket.'),
        ('container_qty_positive', 'CHECK(container_qty > 0)',
         'The container quantity must be positive.'),
        ('card_count_positive', 'CHECK(card_count >= 1)', 'A loop needs at least one card.'),
        ('batch_size_positive', 'CHECK(batch_size >= 1)', 'A batch has at least one card.'),
        ('wip_cap_positive', 'CHECK(wip_cap >= 0)', 'The open-order cap cannot be negative.'),
    ]

    @api.multi
    def name_get(self):
        return [(loop.id, '%s: %s @ %s' % (loop.name, loop.product_id.display_name,
                                           loop.location_id.name)) for loop in self]

    def _refresh_board(self):
        """Recount the cards of these loops (one query) and store the board
        figures and urgency (one query)."""
        if not self.ids:
            return
        self.env.cr.execute("""
            SELECT l.id,
                   COUNT(c.id) FILTER (WHERE c.state = 'full'),
                   COUNT(c.id) FILTER (WHERE c.state = 'empty'),
                   COUNT(c.id) FILTER (WHERE c.state = 'ordered'),
                   COUNT(c.id) FILTER (WHERE c.state = 'blocked')
              FROM jit_kanban_loop l
              LEFT JOIN jit_kanban_card c ON c.loop_id = l.id AND c.active
             WHERE l.id IN %s GROUP BY l.id""", (tuple(self.ids),))
        ranks = {engine.RED: 0, engine.AMBER: 1, engine.GREEN: 2}
        rows = []
        for loop_id, full, empty, ordered, blocked in self.env.cr.fetchall():
            level = engine.urgency(full, full + empty + ordered)
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

    @api.constrains('replenish_method', 'bom_id', 'vendor_id', 'source_location_id', 'location_id')
    def _check_method_source(self):
        for loop in self:
            if not loop.location_id.is_supermarket:
                raise ValidationError(_('%s is not a supermarket location.') % loop.location_id.display_name)
            if loop.replenish_method == 'transfer':
                if not loop.source_location_id:
                    raise ValidationError(_('A transfer loop needs a source location.'))
                if loop.source_location_id == loop.location_id:
                    raise ValidationError(_('The source location cannot be the supermarket itself.'))
            if loop.bom_id and loop.bom_id.product_tmpl_id != loop.product_id.product_tmpl_id:
                raise ValidationError(_('The bill of materials is not for %s.') % loop.product_id.display_name)

    @api.onchange('product_id', 'replenish_method')
    def _onchange_product_method(self):
        if self.product_id and self.replenish_method == 'buy' and not self.vendor_id:
            self.vendor_id = self.product_id.seller_ids[:1].name
        if self.product_id and self.replenish_method == 'manufacture' and not self.bom_id:
            self.bom_id = self.env['mrp.bom']._bom_find(product=self.product_id)

    @api.model
    def create(self, vals):
        if vals.get('name', _('New')) == _('New'):
            vals['name'] = self.env['ir.sequence'].next_by_code('jit.kanban.loop') or _('New')
        loop = super(JitKanbanLoop, self).create(vals)
        loop._fill_defaults()
        return loop

    @api.multi
    def write(self, vals):
        result = super(JitKanbanLoop, self).write(vals)
        if 'card_count' in vals:
            self.filtered(lambda l: l.state != 'draft')._sync_cards()
        if {'replenish_method', 'location_id', 'source_location_id', 'production_picking_type_id',
                'transfer_picking_type_id'} & set(vals):
            self.filtered('route_id')._ensure_route()
        return result

    def _fill_defaults(self):
        for loop in self:
            if loop.replenish_method == 'buy' and not loop.vendor_id:
                loop.vendor_id = loop.product_id.seller_ids[:1].name
            if loop.replenish_method == 'manufacture' and not loop.bom_id:
                loop.bom_id = self.env['mrp.bom']._bom_find(product=loop.product_id)

    # ------------------------------------------------------------------
    # life cycle
    # ------------------------------------------------------------------
    @api.multi
    def action_activate(self):
        for loop in self:
            loop._check_ready()
            loop._ensure_route()
            loop.write({'state': 'active', 'lock_reason': False})
            loop._sync_cards()
        return True

    @api.multi
    def action_lock(self, reason=None):
        reason = reason or self.env.context.get('lock_reason')
        for loop in self:
            loop.write({'state': 'locked', 'lock_reason': reason or loop.lock_reason or _('locked by a manager')})
        return True

    @api.multi
    def action_unlock(self):
        return self.action_activate()

    def _check_ready(self):
        self.ensure_one()
        if self.replenish_method == 'manufacture' and not (
                self.bom_id or self.env['mrp.bom']._bom_find(product=self.product_id)):
            raise UserError(_('%s has no bill of materials to manufacture it.') % self.product_id.display_name)
        if self.replenish_method == 'buy' and not (self.vendor_id or self.product_id.seller_ids):
            raise UserError(_('%s has no vendor to buy it from.') % self.product_id.display_name)

    def _sync_cards(self):
        """Add cards up to card_count, or retire surplus full/blocked cards."""
        Card = self.env['jit.kanban.card']
        for loop in self:
            cards = loop.card_ids.sorted('sequence')
            missing = loop.card_count - len(cards)
            if missing > 0:
                last = max(cards.mapped('sequence') or [0])
                for index in range(missing):
                    Card.create({'loop_id': loop.id, 'sequence': last + index + 1})
            elif missing < 0:
                spare = cards.filtered(lambda c: c.state in ('full', 'blocked')).sorted(
                    'sequence', reverse=True)[:-missing]
                if len(spare) < -missing:
                    raise UserError(_('Only %d cards of %s are on the shelf; the others are in '
                                      'circulation and cannot be retired now.') % (len(spare), loop.name))
                spare.write({'active': False})
                loop.invalidate_cache(['card_ids'], loop.ids)

    def _ensure_route(self):
        """Each loop owns a route with one procurement rule: Odoo's own
        procurement then makes the order (extended by the rule hooks)."""
        for loop in self.sudo():
            rule_vals = loop._prepare_rule_vals()
            if loop.route_id:
                loop.route_id.pull_ids[:1].write(rule_vals)
                continue
            loop.route_id = self.env['stock.location.route'].create({
                'name': _('Kanban %s') % loop.name,
                'sequence': 1,
                'product_selectable': False,
                'company_id': loop.company_id.id,
                'pull_ids': [(0, 0, rule_vals)],
            })

    def _prepare_rule_vals(self):
        warehouse = self.location_id._kanban_warehouse()
        if self.replenish_method == 'manufacture':
            picking_type = self.production_picking_type_id or warehouse.manu_type_id
        elif self.replenish_method == 'buy':
            picking_type = self.location_id._kanban_receipt_type()
        else:
            picking_type = self.transfer_picking_type_id or warehouse.int_type_id
        if not picking_type:
            raise UserError(_('No operation type to %s %s into %s.') % (
                self.replenish_method, self.product_id.display_name, self.location_id.display_name))
        return {
            'name': _('Kanban %s') % self.name,
            'action': RULE_ACTIONS[self.replenish_method],
            'location_id': self.location_id.id,
            'location_src_id': self.source_location_id.id if self.replenish_method == 'transfer' else False,
            'picking_type_id': picking_type.id,
            'procure_method': 'make_to_stock',
            'group_propagation_option': 'propagate' if self.replenish_method == 'transfer' else 'none',
            'warehouse_id': warehouse.id,
            'company_id': self.company_id.id,
        }

    # ------------------------------------------------------------------
    # replenishment
    # ------------------------------------------------------------------
    def _lock_rows(self):
        """Serialize everything that changes the cards of a loop.  Always loop
        first, then its cards: one order on every path, so none deadlocks.
        The row is *written*, not only locked: under REPEATABLE READ a
        transaction that waited here then fails to serialize and Odoo retries
        it with a fresh snapshot, so it sees the cards the other one changed
        (two last cards of a batch scanned together still make the batch)."""
        if self.ids:
            self.env.cr.execute("UPDATE jit_kanban_loop SET last_signal_at = (now() at time zone 'UTC') "
                                "WHERE id IN %s", (tuple(self.ids),))

    def _open_order_count(self):
        self.ensure_one()
        self.env.cr.execute("""
            SELECT COUNT(DISTINCT (production_id, purchase_line_id, transfer_group_id))
              FROM jit_kanban_card
             WHERE loop_id = %s AND state = 'ordered' AND active""", (self.id,))
        return self.env.cr.fetchone()[0]

    @api.multi
    def action_replenish(self):
        """Order what waits now (a manager's button; also the cron)."""
        for loop in self.filtered(lambda l: l.state == 'active'):
            loop._lock_rows()
            loop._replenish(origin='manual', window_due=True)
        return True

    def _replenish(self, origin='auto', window_due=False):
        """Turn waiting (empty) cards into orders as the trigger policy says.
        Returns the cards ordered.  Caller holds the loop lock."""
        self.ensure_one()
        Card = self.env['jit.kanban.card']
        if self.state != 'active':
            return Card
        waiting = Card.search([('loop_id', '=', self.id), ('state', '=', 'empty')],
                              order='signalled_at, sequence')
        plan = engine.plan_orders(self.trigger_policy, len(waiting), self._open_order_count(),
                                  self.wip_cap, self.batch_size, window_due)
        ordered = Card
        start = 0
        for size in plan.groups:
            group = waiting[start:start + size]
            start += size
            ordered |= self._order_cards(group, origin)
        left = waiting[start:]
        error_left = left.filtered(lambda c: c.waiting_reason and c.waiting_reason.startswith('!'))
        (left - error_left).filtered(lambda c: c.waiting_reason != plan.waiting_reason).write(
            {'waiting_reason': plan.waiting_reason})
        return ordered

    def _order_cards(self, cards, origin):
        """One replenishment order for ``cards``.  A failure (no BoM, no vendor
        price, ...) leaves the cards empty with the reason: the signal is kept."""
        try:
            with self.env.cr.savepoint():
                self._run_procurement(cards)
        except psycopg2.OperationalError:
            raise  # concurrency: the request is retried as a whole
        except Exception as error:  # noqa: BLE001 - kept on the cards, retried by the cron
            message = getattr(error, 'name', None) or str(error)
            _logger.info('kanban loop %s: order not created: %s', self.name, message)
            reason = '! %s' % message
            changed = cards.filtered(lambda c: c.waiting_reason != reason)
            if changed:
                changed.write({'waiting_reason': reason})
                self.env['jit.kanban.event']._record(changed, 'error', origin, reason=message)
            return self.env['jit.kanban.card']
        cards.invalidate_cache()
        cards._mark_ordered(origin)
        return cards

    def _run_procurement(self, cards):
        product = self.product_id
        quantity = engine.order_quantity(len(cards), self.container_qty)
        values = self._procurement_values(cards)
        self.env['procurement.group'].sudo().run(
            product, quantity, product.uom_id, self.location_id, self.name, self.name, values)
        if values.get('group_id'):
            cards.write({'transfer_group_id': values['group_id'].id})

    def _procurement_values(self, cards):
        warehouse = self.location_id._kanban_warehouse()
        values = {
            'company_id': self.company_id,
            'warehouse_id': warehouse,
            'route_ids': self.route_id,
            'date_planned': fields.Datetime.to_string(
                fields.Datetime.from_string(fields.Datetime.now()) + timedelta(days=self.lead_time_days)),
            'jit_kanban_loop': self,
            'jit_kanban_cards': cards,
        }
        if self.replenish_method == 'manufacture' and self.bom_id:
            values['bom_id'] = self.bom_id
        if self.replenish_method == 'transfer':
            values['group_id'] = self.env['procurement.group'].sudo().create({
                'name': '%s/%s' % (self.name, ','.join(cards.mapped('barcode'))),
                'move_type': 'direct',
                'jit_kanban_loop_id': self.id,
            })
        return values

    @api.model
    def _cron_replenish(self):
        """Scheduled windows, batches and cards left waiting (WIP cap, errors,
        cancelled orders).  One savepoint per loop: a broken loop never stops
        the others; the cron's own transaction commits at its end."""
        now = fields.Datetime.now()
        for loop in self.search([('state', '=', 'active')]):
            due = loop.trigger_policy != 'scheduled' or not loop.next_window or loop.next_window <= now
            try:
                with self.env.cr.savepoint():
                    loop._lock_rows()
                    loop._replenish(origin='auto', window_due=due)
                    if loop.trigger_policy == 'scheduled' and due:
                        loop.next_window = fields.Datetime.to_string(
                            fields.Datetime.from_string(now) + timedelta(minutes=max(loop.schedule_minutes, 1)))
            except Exception:  # noqa: BLE001 - logged, the next loop goes on
                _logger.exception('kanban loop %s could not be replenished', loop.name)
        return True

    @api.model
    def _demo_signal(self, loop_ids, counts):
        """Demo data: empty the first cards of some loops, as operators would."""
        for loop, count in zip(self.browse(loop_ids), counts):
            for card in loop.card_ids.sorted('sequence')[:count]:
                card.with_context(jit_kanban_origin='station')._signal('station')
        return True
