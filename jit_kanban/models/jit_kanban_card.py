from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

from .. import engine
from . import access, kanban_sql
from .kanban_sql import ORDER_COLUMNS

STATES = [('full', 'Full'), ('empty', 'Empty'), ('ordered', 'Ordered'), ('blocked', 'Blocked')]
# what a card forgets when it is full (or blocked) again
CLEARED_ON_FULL = dict({column: None for column in ORDER_COLUMNS}, signalled_at=None,
                       signalled_by=None, waiting_reason=None, order_failed=False, ordered_at=None)


class JitKanbanCard(models.Model):
    """One container of a loop and the card that travels with it.  Scans
    are in jit_kanban_card_scan.py; this file is the card itself, what
    orders do to it and what managers may change by hand."""
    _name = 'jit.kanban.card'
    _description = 'Kanban Card'
    # one stored, indexed key (supermarket, loop, card number): a board
    # column reads its first page by index instead of sorting every card of
    # its state through the loop and location tables
    _order = 'board_sort, id'

    # every scan writes a card row three times: no index that another one
    # already serves (loop_id: sequence_uniq, barcode: barcode_uniq, state:
    # the board's (state, board_sort, id) index)
    loop_id = fields.Many2one('jit.kanban.loop', required=True, ondelete='cascade')
    sequence = fields.Integer(required=True, default=1)
    barcode = fields.Char(required=True, copy=False,
                          default=lambda self: self.env['ir.sequence'].next_by_code('jit.kanban.card'))
    active = fields.Boolean(default=True)
    state = fields.Selection(STATES, required=True, default='full',
                             group_expand='_expand_states')
    loop_name = fields.Char(related='loop_id.name', readonly=True, string='Loop Reference')
    product_id = fields.Many2one(related='loop_id.product_id', store=True, readonly=True)
    location_id = fields.Many2one(related='loop_id.location_id', store=True, readonly=True,
                                  string='Supermarket', index=True)
    company_id = fields.Many2one(related='loop_id.company_id', store=True, readonly=True, index=True)
    container_qty = fields.Float(related='loop_id.container_qty', readonly=True)
    color = fields.Integer(related='loop_id.color', readonly=True)
    signalled_at = fields.Datetime(readonly=True, copy=False)
    signalled_by = fields.Many2one('res.users', readonly=True, copy=False)
    ordered_at = fields.Datetime(readonly=True, copy=False)
    waiting_reason = fields.Char(readonly=True, copy=False,
                                 help='Why this empty card has no order yet.')
    order_failed = fields.Boolean('Order Failed', readonly=True, copy=False,
                                  help='Its order could not be made (the reason says why); '
                                       'the scheduler tries again.')
    production_id = fields.Many2one('mrp.production', 'Manufacturing Order', readonly=True,
                                    copy=False, index=True)
    purchase_line_id = fields.Many2one('purchase.order.line', 'Purchase Line', readonly=True,
                                       copy=False, index=True)
    purchase_id = fields.Many2one(related='purchase_line_id.order_id', readonly=True,
                                  string='Purchase Order')
    transfer_group_id = fields.Many2one('procurement.group', 'Transfer', readonly=True,
                                        copy=False, index=True)
    order_ref = fields.Char('Current Order', compute='_compute_order')
    print_count = fields.Integer('Times Printed', readonly=True, copy=False)
    event_ids = fields.One2many('jit.kanban.event', 'card_id', 'History')
    board_sort = fields.Char(compute='_compute_board_sort', store=True, readonly=True)

    _sql_constraints = [
        ('barcode_uniq', 'unique(barcode)', 'A card barcode must be unique.'),
        ('sequence_uniq', 'unique(loop_id, sequence)', 'Card numbers are unique in a loop.'),
    ]

    def init(self):
        # a board column: active cards of one state, in board order (not
        # named <table>_board_sort_index: Odoo drops that name when it sets
        # up board_sort, a field without an index of its own)
        tools.create_index(self._cr, 'jit_kanban_card_board_page_index', self._table,
                           ['state', 'board_sort', 'id'])

    @api.depends('loop_id.location_id.complete_name', 'loop_id.name', 'sequence')
    def _compute_board_sort(self):
        for card in self:
            card.board_sort = '%s / %s / %06d' % (
                card.loop_id.location_id.complete_name or '', card.loop_id.name or '', card.sequence)

    @api.model
    def create(self, vals):
        card = super(JitKanbanCard, self).create(self._normalise(vals))
        card.loop_id._refresh_board()
        return card

    @api.multi
    def write(self, vals):
        result = super(JitKanbanCard, self).write(self._normalise(vals))
        if 'state' in vals or 'active' in vals:
            self.mapped('loop_id')._refresh_board()
        return result

    @api.multi
    def unlink(self):
        loops = self.mapped('loop_id')
        result = super(JitKanbanCard, self).unlink()
        loops.exists()._refresh_board()
        return result

    @staticmethod
    def _normalise(vals):
        """Barcodes are kept as scanners read them back: trimmed, upper case."""
        if vals.get('barcode'):
            vals = dict(vals, barcode=vals['barcode'].strip().upper())
        return vals

    @api.model
    def _expand_states(self, states, domain, order):
        """The card board shows its columns in the cycle's order, empty or not."""
        return [key for key, _label in STATES]

    @api.multi
    def name_get(self):
        return [(card.id, '%s #%d %s' % (card.loop_id.name, card.sequence, card.barcode))
                for card in self]

    @api.depends('state', 'production_id', 'purchase_line_id', 'transfer_group_id')
    def _compute_order(self):
        refs = self.filtered(lambda c: c.state == 'ordered')._order_refs()
        for card in self:
            card.order_ref = refs[card.id][2] if card.id in refs else False

    def _order_refs(self):
        """{card id: (model, id, name)} of each card's linked order, one
        query per kind of document."""
        links = [dict(id=card.id, **{column: card[column].id for column in ORDER_COLUMNS})
                 for card in self if card.id]
        return kanban_sql.order_refs(self.env.cr, links,
                                     self.env['jit.kanban.orders']._name_queries())

    def _order_document(self):
        """The current replenishment order people open: MO, purchase order
        or transfer."""
        self.ensure_one()
        document = self.env['jit.kanban.orders']._linked_document(self)
        return document._jit_kanban_shown() if document else None

    # ------------------------------------------------------------------
    # transitions driven by orders
    # ------------------------------------------------------------------
    def _mark_ordered(self, origin, quantity, events=None, document=None, signalled=None):
        """These cards have their order now: ``document``, which Odoo's
        procurement made (or added them to), takes them in one statement,
        which names it (``signalled``: a scan's card among them, still
        full: kanban_sql.Signalled).  Returns {card id: (model, id, name)};
        no document, or cards left unnamed, is no order (UserError: the
        signal is kept)."""
        if not document:
            raise UserError(_('the procurement made no order for these cards'))
        rows = kanban_sql.set_state_named(
            self.env.cr, self.env.uid, self.ids, 'ordered',
            self.env['jit.kanban.orders']._name_queries([document._name]),
            signalled=signalled, ordered_at=fields.Datetime.now(), waiting_reason=None,
            order_failed=False, **document._jit_kanban_card_links())
        self.invalidate_cache(ids=self.ids)
        document.invalidate_cache(['jit_kanban_card_ids'], document.ids)
        refs = {row['id']: row['order'] for row in rows if row['order']}
        if len(refs) != len(self) or len(rows) != len(self):
            raise UserError(_('the procurement made no order for these cards'))
        new_events = [self._event_row(row, 'order', origin, 'empty', 'ordered', quantity,
                                      refs[row['id']]) for row in rows]
        if events is None:
            self.env['jit.kanban.event']._insert_rows(new_events)
        else:
            events.extend(new_events)
        return refs

    @staticmethod
    def _event_row(card, event_type, origin, from_state, to_state, quantity, order=None):
        """An event row (kanban_sql.insert_events) from a card row of set_state."""
        model, order_id, name = order or (None, None, None)
        return {'event_type': event_type, 'origin': origin, 'card_id': card['id'],
                'barcode': card['barcode'], 'loop_id': card['loop_id'],
                'product_id': card['product_id'], 'location_id': card['location_id'],
                'company_id': card['company_id'], 'from_state': from_state, 'to_state': to_state,
                'quantity': quantity, 'order_model': model, 'order_id': order_id,
                'order_name': name}

    def _lock_rows(self):
        """Row locks on the cards (after their loops': see kanban_sql.lock_loops)."""
        kanban_sql.lock_cards(self.env.cr, self.ids)
        self.invalidate_cache(ids=self.ids)

    def _fill(self, count, origin='auto'):
        """The ``count`` oldest ordered cards are full again."""
        cards = self.filtered(lambda c: c.state == 'ordered').sorted(
            lambda c: (c.signalled_at or '', c.sequence))[:count]
        if not cards:
            return cards
        self.env['jit.kanban.event']._record(cards, 'receive', origin, from_state='ordered')
        cards.write({'state': engine.next_state('ordered', 'receive'), 'signalled_at': False,
                     'signalled_by': False, 'ordered_at': False})
        cards._retire_returned()  # jit_kanban_card_retirement: a shrunk loop's card leaves
        return cards

    def _back_to_empty(self, reason, origin='auto'):
        """Their order is gone (cancelled, closed short): the cards wait again."""
        cards = self.filtered(lambda c: c.state == 'ordered')
        if cards:
            self.env['jit.kanban.event']._record(cards, 'cancel', origin, from_state='ordered',
                                                 reason=reason)
            cards.write(dict({column: False for column in ORDER_COLUMNS},
                             state=engine.next_state('ordered', 'cancel'),
                             waiting_reason=reason, ordered_at=False))
        return cards

    # ------------------------------------------------------------------
    # manager actions: set-based, whatever the number of cards
    # ------------------------------------------------------------------
    @api.multi
    def action_block(self, reason=None):
        return self._change_by_hand('block', None, reason or self.env.context.get('reason'))

    @api.multi
    def action_unblock(self):
        return self._change_by_hand('unblock', None, self.env.context.get('reason'))

    @api.multi
    def action_correct(self, state, reason):
        """Set a state by hand (after a stock count, a lost card...), with a reason."""
        return self._change_by_hand('correct', state, reason)

    def _change_by_hand(self, event, target, reason):
        """One lock of the loops and cards, one UPDATE per new state, one
        INSERT of events, one board refresh; then the loops with newly
        empty cards replenish."""
        access.check_manager(self.env)
        access.check_records(self, 'write')
        if not self:
            return True
        loops = self.mapped('loop_id')
        loops._lock_rows()
        self._lock_rows()
        plan = {}
        for card in self:
            try:
                new_state = engine.next_state(card.state, event, target, reason)
            except engine.TransitionError as error:
                raise UserError(_('Card %s: %s') % (card.barcode, error))
            plan.setdefault((card.state, new_state), []).append(card.id)
        cr, uid, now = self.env.cr, self.env.uid, fields.Datetime.now()
        events = []
        for (from_state, new_state), card_ids in sorted(plan.items()):
            if new_state in ('full', 'blocked'):
                columns = CLEARED_ON_FULL
            elif new_state == 'empty' and from_state != 'empty':
                columns = dict(signalled_at=now, signalled_by=uid)
            else:
                columns = {}
            rows = kanban_sql.set_state(cr, uid, card_ids, new_state, **columns)
            events.extend(dict(self._event_row(row, event, 'manual', from_state, new_state, None),
                               reason=reason) for row in rows)
        self.invalidate_cache(ids=self.ids)
        self.env['jit.kanban.event']._insert_rows(events)
        loops._refresh_board()
        emptied = self.filtered(lambda c: c.state == 'empty').mapped('loop_id')
        for loop in emptied.sudo():
            loop._replenish(origin='manual')
        return True
