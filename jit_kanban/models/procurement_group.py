from odoo import _, api, fields, models, tools


class ProcurementGroup(models.Model):
    """A kanban transfer is one procurement group: its moves, split or not by
    backorders, all carry it."""
    _inherit = ['procurement.group', 'jit.kanban.order.mixin']
    _name = 'procurement.group'

    _jit_kanban_card_column = 'transfer_group_id'
    _jit_kanban_shown_model = 'stock.picking'
    # the group's open picking, else its latest one
    _jit_kanban_name_query = """
        SELECT DISTINCT ON (p.group_id) p.group_id, p.id, p.name FROM stock_picking p
         WHERE p.group_id IN %s ORDER BY p.group_id, p.state IN ('done', 'cancel'), p.id DESC"""

    # a batch transfer (several cards' containers) gives one card's back
    _jit_kanban_gives_back_shares = True

    jit_kanban_card_ids = fields.One2many('jit.kanban.card', 'transfer_group_id', 'Kanban Cards')

    def init(self):
        # a kanban transfer's picking is found by its group; Odoo 11 has no
        # index there.  Not named <table>_<field>_index: Odoo drops an index
        # of that name whenever it sets up a field declared without one.
        tools.create_index(self.env.cr, 'stock_picking_kanban_group_index', 'stock_picking',
                           ['group_id'])

    @api.model
    def _get_rule(self, product_id, location_id, values):
        # a kanban order's rule was read with its loop's lock: the one
        # Odoo's search finds first (kanban_sql.LOOP_RULE)
        rule_id = values.get('jit_kanban_rule_id')
        if rule_id:
            return self.env['procurement.rule'].browse(rule_id)
        return super(ProcurementGroup, self)._get_rule(product_id, location_id, values)

    def _jit_kanban_moves(self):
        return self.env['stock.move'].search([('group_id', 'in', self.ids)])

    def _jit_kanban_shown(self):
        pickings = self.env['stock.picking'].search([('group_id', 'in', self.ids)])
        return pickings.filtered(lambda p: p.state not in ('done', 'cancel')) or pickings

    def _jit_kanban_started(self):
        return any(move.state == 'done' or move.quantity_done for move in self._jit_kanban_moves())

    def _jit_kanban_withdraw(self):
        self._jit_kanban_moves().with_context(jit_kanban_undo=True)._action_cancel()

    def _jit_kanban_withdraw_share(self, card):
        """One card's containers off the batch transfer's move: Odoo lowers
        its demand (unreserving what it no longer needs), and a move that
        was reserved is reserved again for what is left."""
        self.ensure_one()
        product = card.loop_id.product_id
        move = self._jit_kanban_moves().filtered(
            lambda m: m.product_id == product and m.state not in ('done', 'cancel')).sorted(
            'product_uom_qty', reverse=True)[:1]
        if not move:
            return  # its moves were cancelled: nothing left to take off
        share = self._jit_kanban_share(card, move.product_uom)
        reserved = move.state in ('assigned', 'partially_available')
        move.write({'product_uom_qty': max(move.product_uom_qty - share, 0.0)})
        if reserved:
            move._action_assign()

    def _jit_kanban_received_qty(self):
        self.ensure_one()
        product = self.jit_kanban_loop_id.product_id
        moves = self.env['stock.move'].search([
            ('group_id', '=', self.id), ('state', '=', 'done'), ('product_id', '=', product.id),
            ('location_dest_id', '=', self.jit_kanban_loop_id.location_id.id)])
        return sum(m.product_uom._compute_quantity(m.quantity_done, product.uom_id) for m in moves)

    @api.model
    def _jit_kanban_picking_type(self, loop, warehouse):
        return loop.transfer_picking_type_id or warehouse.int_type_id

    @api.model
    def _jit_kanban_label(self):
        return _('MOVE')
