from email.utils import formataddr

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from . import access


METHODS = [('manufacture', 'Manufacture'), ('buy', 'Buy'), ('transfer', 'Transfer')]
# the procurement rule action each replenishment method runs
RULE_ACTIONS = {'manufacture': 'manufacture', 'buy': 'buy', 'transfer': 'move'}


class JitKanbanLoop(models.Model):
    """A kanban control cycle: one product kept in one supermarket by a fixed
    number of containers, each with its card."""
    _name = 'jit.kanban.loop'
    _description = 'Kanban Loop'
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'location_id, name'

    name = fields.Char('Reference', required=True, copy=False, readonly=True,
                       default=lambda self: _('New'))
    active = fields.Boolean(default=True)
    user_id = fields.Many2one('res.users', 'Responsible', default=lambda self: self.env.uid,
                              help='Gets a to-do when the loop turns red.')
    company_id = fields.Many2one('res.company', required=True, index=True,
                                 default=lambda self: self.env.user.company_id)
    # (indexed first in product_location_uniq)
    product_id = fields.Many2one('product.product', required=True,
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
    card_ids = fields.One2many('jit.kanban.card', 'loop_id', 'Cards')
    open_order_count = fields.Integer('Open Orders', compute='_compute_open_order_count')
    can_open_orders = fields.Boolean(compute='_compute_can_open_orders',
                                     help='The user may read this loop\'s kind of order.')
    warehouse_id = fields.Many2one('stock.warehouse', readonly=True, copy=False)
    route_id = fields.Many2one('stock.location.route', 'Replenishment Route', copy=False,
                               readonly=True, ondelete='set null')
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

    def _compute_open_order_count(self):
        """Open orders: distinct documents still owing containers (ordered
        cards) -- the same count the WIP cap holds.  One grouped read."""
        counts = {}
        if self.ids:
            self.env.cr.execute("""
                SELECT loop_id, COUNT(DISTINCT (production_id, purchase_line_id, transfer_group_id))
                  FROM jit_kanban_card WHERE loop_id IN %s AND state = 'ordered' AND active
                 GROUP BY loop_id""", (tuple(self.ids),))
            counts = dict(self.env.cr.fetchall())
        for loop in self:
            loop.open_order_count = counts.get(loop.id, 0)

    def _compute_can_open_orders(self):
        Orders = self.env['jit.kanban.orders']
        for loop in self:
            shown = self.env[Orders._document_model(loop.replenish_method)._jit_kanban_shown_model]
            loop.can_open_orders = shown.check_access_rights('read', raise_exception=False)

    @api.multi
    def name_get(self):
        return [(loop.id, '%s: %s @ %s' % (loop.name, loop.product_id.display_name,
                                           loop.location_id.name)) for loop in self]

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
        self.update(self._default_sources())

    def _default_sources(self):
        """The source a loop takes when none is given: the product's first
        vendor, or its bill of materials."""
        if self.product_id and self.replenish_method == 'buy' and not self.vendor_id:
            return {'vendor_id': self.product_id.seller_ids[:1].name}
        if self.product_id and self.replenish_method == 'manufacture' and not self.bom_id:
            return {'bom_id': self.env['mrp.bom']._bom_find(product=self.product_id)}
        return {}

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
        if 'active' in vals:
            # an archived loop's route and rule leave with it: nothing else
            # uses them, and every rule search of Odoo's reads them
            self.sudo().mapped('route_id').with_context(active_test=False).write(
                {'active': bool(vals['active'])})
        if 'card_count' in vals:
            self.filtered(lambda l: l.state != 'draft')._sync_cards()
        if {'replenish_method', 'location_id', 'source_location_id', 'production_picking_type_id',
                'transfer_picking_type_id'} & set(vals):
            self.filtered('route_id')._ensure_route()
        return result

    def _fill_defaults(self):
        for loop in self:
            defaults = loop._default_sources()
            if defaults:
                loop.write({name: record.id for name, record in defaults.items()})

    @api.multi
    def message_post(self, *args, **kwargs):
        """Odoo refuses a chatter line from a user with no email address
        (mail.message._get_default_from), and with it every tracked change
        of a loop by that user: shop-floor users often have none.  The line
        is then sent from the company's address, still by the user."""
        user = self.env.user
        if not kwargs.get('email_from') and not user.email:
            company = user.company_id
            kwargs['email_from'] = formataddr((user.name, company.email)) if company.email \
                else user.name
        return super(JitKanbanLoop, self).message_post(*args, **kwargs)

    # ------------------------------------------------------------------
    # life cycle
    # ------------------------------------------------------------------
    @api.multi
    def action_activate(self):
        access.check_manager(self.env)
        for loop in self:
            loop._check_ready()
            loop._ensure_route()
            loop.write({'state': 'active', 'lock_reason': False})
            loop._sync_cards()
        return True

    def _open_orders(self):
        """The documents people open for this loop's open orders."""
        self.ensure_one()
        Documents = self.env['jit.kanban.orders']._document_model(self.replenish_method)
        cards = self.card_ids.filtered(lambda c: c.state == 'ordered')
        return cards.mapped(Documents._jit_kanban_card_column)._jit_kanban_shown()

    @api.multi
    def action_open_orders(self):
        self.ensure_one()
        Documents = self.env['jit.kanban.orders']._document_model(self.replenish_method)
        shown = self.env[Documents._jit_kanban_shown_model]
        if not shown.check_access_rights('read', raise_exception=False):
            raise UserError(_('You have no access to %s: ask a manager.') % shown._description)
        orders = self.sudo()._open_orders()
        return {
            'type': 'ir.actions.act_window', 'name': _('Open orders of %s') % self.name,
            'res_model': orders._name, 'view_mode': 'tree,form',
            'domain': [('id', 'in', orders.ids)],
        }

    @api.multi
    def action_lock(self, reason=None):
        access.check_manager(self.env)
        reason = reason or self.env.context.get('lock_reason')
        for lock_reason, loops in self._group_by(
                lambda loop: reason or loop.lock_reason or _('locked by a manager')):
            loops.write({'state': 'locked', 'lock_reason': lock_reason})
        return True

    def _group_by(self, key):
        groups = {}
        for loop in self:
            groups.setdefault(key(loop), self.browse())
            groups[key(loop)] |= loop
        return groups.items()

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
            # cards flagged to retire on return are already counted out
            cards = loop.card_ids.filtered(lambda c: not c.retire_on_return).sorted('sequence')
            missing = loop.card_count - len(cards)
            if missing > 0:
                last = max(loop.with_context(active_test=False).card_ids.mapped('sequence') or [0])
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
            loop.warehouse_id = rule_vals['warehouse_id']
            if loop.route_id:
                loop.route_id.pull_ids[:1].write(rule_vals)
                continue
            # the loop's own plumbing: a Kanban Manager need not manage routes
            loop.route_id = loop.env['stock.location.route'].create({
                'name': _('Kanban %s') % loop.name,
                'sequence': 1,
                'product_selectable': False,
                'company_id': loop.company_id.id,
                'pull_ids': [(0, 0, rule_vals)],
            })

    def _prepare_rule_vals(self):
        warehouse = self.location_id._kanban_warehouse()
        Documents = self.env['jit.kanban.orders']._document_model(self.replenish_method)
        picking_type = Documents._jit_kanban_picking_type(self, warehouse)
        if not picking_type:
            raise UserError(_('No operation type to %s %s into %s.') % (
                self.replenish_method, self.product_id.display_name, self.location_id.display_name))
        transfer = self.replenish_method == 'transfer'
        return {
            'name': _('Kanban %s') % self.name,
            'action': RULE_ACTIONS[self.replenish_method],
            'location_id': self.location_id.id,
            'location_src_id': self.source_location_id.id if transfer else False,
            'picking_type_id': picking_type.id,
            'procure_method': 'make_to_stock',
            'group_propagation_option': 'propagate' if transfer else 'none',
            'warehouse_id': warehouse.id,
            'company_id': self.company_id.id,
        }
