from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine import urgency


class StockLocation(models.Model):
    _inherit = 'stock.location'

    is_supermarket = fields.Boolean(
        'Kanban Supermarket',
        help='Containers of this location are replenished by kanban cards.')
    kanban_loop_ids = fields.One2many('jit.kanban.loop', 'location_id', 'Kanban Loops')
    kanban_receipt_type_id = fields.Many2one(
        'stock.picking.type', 'Kanban Receipts', copy=False, readonly=True,
        help='Receipts of purchased kanban containers go straight into this supermarket.')
    kanban_loop_count = fields.Integer(compute='_compute_kanban_counts')
    kanban_full_count = fields.Integer('Full', compute='_compute_kanban_counts')
    kanban_empty_count = fields.Integer('Empty', compute='_compute_kanban_counts')
    kanban_ordered_count = fields.Integer('Ordered', compute='_compute_kanban_counts')
    kanban_blocked_count = fields.Integer('Blocked', compute='_compute_kanban_counts')
    kanban_health = fields.Selection(
        [('green', 'Green'), ('amber', 'Amber'), ('red', 'Red')],
        'Health', compute='_compute_kanban_counts')

    def _compute_kanban_counts(self):
        """Sums of the loops' board counts (kept on each loop as cards change):
        one grouped query, however many cards and events there are."""
        figures = ('full_count', 'empty_count', 'ordered_count', 'blocked_count')
        totals = {}
        supermarkets = self.filtered('is_supermarket')
        if supermarkets:
            rows = self.env['jit.kanban.loop'].read_group(
                [('location_id', 'in', supermarkets.ids)], ['location_id'] + list(figures),
                ['location_id'])
            totals = {row['location_id'][0]: row for row in rows}
        for location in self:
            row = totals.get(location.id, {})
            location.kanban_loop_count = row.get('location_id_count', 0)
            location.kanban_full_count, location.kanban_empty_count, \
                location.kanban_ordered_count, location.kanban_blocked_count = \
                [row.get(name) or 0 for name in figures]
            location.kanban_health = urgency(
                location.kanban_full_count,
                location.kanban_full_count + location.kanban_empty_count + location.kanban_ordered_count)

    def _kanban_warehouse(self):
        """The warehouse around this location, found by walking up the parents
        (get_warehouse needs parent_left/right, deferred while a module installs)."""
        self.ensure_one()
        views = {wh.view_location_id.id: wh for wh in self.env['stock.warehouse'].sudo().search([])}
        location = self
        while location:
            if location.id in views:
                return views[location.id]
            location = location.location_id
        return self.env['stock.warehouse']

    def _kanban_receipt_type(self):
        """The receipt operation that brings purchased containers into this
        supermarket (Odoo puts receipt moves where the picking type says)."""
        self.ensure_one()
        if self.kanban_receipt_type_id:
            return self.kanban_receipt_type_id
        warehouse = self._kanban_warehouse()
        if not warehouse or not warehouse.in_type_id:
            raise UserError(_('Supermarket %s is not inside a warehouse with receipts.')
                            % self.display_name)
        picking_type = warehouse.in_type_id.sudo().copy({
            'name': _('Kanban receipts: %s') % self.name,
            'default_location_dest_id': self.id,
            'sequence_id': warehouse.in_type_id.sequence_id.id,
        })
        self.sudo().kanban_receipt_type_id = picking_type
        return picking_type

    @api.multi
    def action_open_kanban_board(self):
        action = self.env.ref('jit_kanban.jit_kanban_loop_action_board').read()[0]
        action['domain'] = [('location_id', 'in', self.ids)]
        action['context'] = {'default_location_id': self[:1].id}
        return action

    @api.multi
    def action_open_kanban_stock(self):
        """On hand per product in the supermarket."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window', 'name': _('On Hand: %s') % self.name,
            'res_model': 'stock.quant', 'view_mode': 'tree',
            'domain': [('location_id', 'child_of', self.id)],
            'context': {'search_default_productgroup': 1},
        }
