from odoo import api, fields, models, tools

from . import kanban_sql
from .jit_kanban_card import STATES

EVENT_TYPES = [
    ('signal', 'Signal'), ('repeat', 'Repeated scan'), ('undo', 'Undo'), ('order', 'Ordered'), ('receive', 'Received'),
    ('cancel', 'Order cancelled'), ('block', 'Blocked'), ('unblock', 'Unblocked'),
    ('correct', 'Correction'), ('reject', 'Rejected scan'), ('error', 'Order failed'),
    ('alert', 'Loop turned red'),
]
# where a request came from (scans: station, api, device, rpc)
ORIGINS = [('station', 'Scan station'), ('api', 'Handheld (session)'), ('device', 'Device API'),
           ('rpc', 'RPC'), ('auto', 'Automatic'), ('manual', 'Manual')]
# the state a card reaches with each event (corrections and rejections keep the card's)
TARGET_STATES = {'signal': 'empty', 'undo': 'full', 'order': 'ordered', 'receive': 'full',
                 'cancel': 'empty', 'block': 'blocked', 'unblock': 'full'}


class JitKanbanEvent(models.Model):
    """The audit trail of every card: each state change and each refused
    scan.  Read-only for everyone; the source of the KPIs."""
    _name = 'jit.kanban.event'
    _description = 'Kanban Card Event'
    _order = 'date desc, id desc'
    _rec_name = 'event_type'

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, readonly=True)
    card_id = fields.Many2one('jit.kanban.card', index=True, ondelete='cascade', readonly=True)
    barcode = fields.Char(readonly=True)
    loop_id = fields.Many2one('jit.kanban.loop', index=True, ondelete='cascade', readonly=True)
    product_id = fields.Many2one('product.product', readonly=True)
    location_id = fields.Many2one('stock.location', 'Supermarket', readonly=True)
    company_id = fields.Many2one('res.company', required=True, index=True, readonly=True)
    event_type = fields.Selection(EVENT_TYPES, 'Event', required=True, index=True, readonly=True)
    origin = fields.Selection(ORIGINS, required=True, default='api', readonly=True)
    from_state = fields.Selection(STATES, readonly=True)
    to_state = fields.Selection(STATES, readonly=True)
    user_id = fields.Many2one('res.users', 'User', required=True, readonly=True,
                              default=lambda self: self.env.uid)
    order_model = fields.Char(readonly=True)
    order_id = fields.Integer(readonly=True)
    order_name = fields.Char('Order', readonly=True)
    quantity = fields.Float(readonly=True)
    lead_time_hours = fields.Float('Signal to Receipt (h)', group_operator='avg', readonly=True)
    reason = fields.Char(readonly=True)
    idempotency_key = fields.Char(readonly=True, copy=False,
                                  help="The client's key for this request: a repeat replays it.")
    device_id = fields.Many2one('jit.kanban.device', 'Device', readonly=True, index=True)

    @api.model_cr
    def init(self):
        # a request key is used once per user and device: handhelds acting
        # as one operator count their keys each on its own (the browser and
        # the session routes are the user's "no device"); an expression the
        # ORM's _sql_constraints cannot hold
        self._cr.execute('ALTER TABLE jit_kanban_event DROP CONSTRAINT IF EXISTS '
                         'jit_kanban_event_idempotency_key_uniq')
        tools.create_unique_index(self._cr, 'jit_kanban_event_request_key_index', self._table,
                                  ['user_id', 'COALESCE(device_id, 0)', 'idempotency_key'])

    @api.model
    def _record(self, cards, event_type, origin, from_state=None, reason=None, barcode=None):
        """One event per card (or one for a scan that matched no card), in
        one INSERT."""
        return self._insert_rows(self._rows(cards, event_type, origin, from_state, reason, barcode))

    @api.model
    def _rows(self, cards, event_type, origin, from_state=None, reason=None, barcode=None):
        """The rows _record inserts (kanban_sql.insert_events)."""
        now = fields.Datetime.from_string(fields.Datetime.now())
        if not cards:
            rows = [{'event_type': event_type, 'origin': origin, 'reason': reason,
                     'barcode': barcode, 'company_id': self.env.user.company_id.id}]
        else:
            refs = cards._order_refs()
            rows = []
            for card in cards:
                order = refs.get(card.id, (None, None, None))
                row = {'event_type': event_type, 'origin': origin, 'reason': reason,
                       'card_id': card.id, 'barcode': card.barcode, 'loop_id': card.loop_id.id,
                       'product_id': card.product_id.id, 'location_id': card.location_id.id,
                       'company_id': card.company_id.id, 'from_state': from_state or card.state,
                       'to_state': TARGET_STATES.get(event_type, card.state),
                       'quantity': card.container_qty, 'order_model': order[0],
                       'order_id': order[1], 'order_name': order[2]}
                if event_type == 'receive' and card.signalled_at:
                    row['lead_time_hours'] = (
                        now - fields.Datetime.from_string(card.signalled_at)).total_seconds() / 3600.0
                rows.append(row)
        return rows

    @api.model
    def _insert_rows(self, rows):
        """Insert event rows in one statement; the cached histories of cards
        and loops are dropped so they show the new events."""
        return self._inserted(kanban_sql.insert_events(self.env.cr, self.env.uid, rows))

    def _inserted(self, ids):
        """Events just inserted by SQL; the cached histories of cards and
        loops are dropped so they show them."""
        self.env['jit.kanban.card'].invalidate_cache(['event_ids'])
        return self.browse(ids).sudo()

    @api.model
    def _record_loop(self, loop, event_type, reason):
        """An event of the loop as a whole (no card), e.g. an alert."""
        return self.sudo().create({
            'event_type': event_type, 'origin': 'auto', 'loop_id': loop.id, 'reason': reason,
            'product_id': loop.product_id.id, 'location_id': loop.location_id.id,
            'company_id': loop.company_id.id})

    @api.multi
    def action_open_order(self):
        self.ensure_one()
        if not self.order_model:
            return False
        return {'type': 'ir.actions.act_window', 'res_model': self.order_model,
                'res_id': self.order_id, 'view_mode': 'form', 'target': 'current'}
