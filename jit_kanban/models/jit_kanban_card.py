from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from .. import engine
from . import card_sql
from .card_sql import ORDER_COLUMNS as ORDER_LINKS

STATES = [('full', 'Full'), ('empty', 'Empty'), ('ordered', 'Ordered'), ('blocked', 'Blocked')]
UNDO_WINDOW_PARAM = 'jit_kanban.undo_window_seconds'


class JitKanbanCard(models.Model):
    """One container of a loop and the card that travels with it."""
    _name = 'jit.kanban.card'
    _description = 'Kanban Card'
    # one stored, indexed key (supermarket, loop, card number): a board
    # column reads its first page by index instead of sorting every card of
    # its state through the loop and location tables
    _order = 'board_sort, id'

    loop_id = fields.Many2one('jit.kanban.loop', required=True, ondelete='cascade', index=True)
    sequence = fields.Integer(required=True, default=1)
    barcode = fields.Char(required=True, copy=False, index=True,
                          default=lambda self: self.env['ir.sequence'].next_by_code('jit.kanban.card'))
    active = fields.Boolean(default=True)
    state = fields.Selection(STATES, required=True, default='full', index=True,
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
        # a board column: active cards of one state, in board order
        tools.create_index(self._cr, 'jit_kanban_card_board_sort_index', self._table,
                           ['state', 'board_sort', 'id'])

    @api.depends('loop_id.location_id.complete_name', 'loop_id.name', 'sequence')
    def _compute_board_sort(self):
        for card in self:
            card.board_sort = '%s / %s / %06d' % (
                card.loop_id.location_id.complete_name or '', card.loop_id.name or '', card.sequence)

    @api.model
    def create(self, vals):
        card = super(JitKanbanCard, self).create(vals)
        card.loop_id._refresh_board()
        return card

    @api.multi
    def write(self, vals):
        result = super(JitKanbanCard, self).write(vals)
        if 'state' in vals or 'active' in vals:
            self.mapped('loop_id')._refresh_board()
        return result

    @api.multi
    def unlink(self):
        loops = self.mapped('loop_id')
        result = super(JitKanbanCard, self).unlink()
        loops.exists()._refresh_board()
        return result

    @api.model
    def _expand_states(self, states, domain, order):
        """The card board shows its columns in the cycle's order, empty or not."""
        return [key for key, _label in STATES]

    @api.multi
    def name_get(self):
        return [(card.id, '%s #%d %s' % (card.loop_id.name, card.sequence, card.barcode))
                for card in self]

    @api.depends('production_id', 'purchase_line_id', 'transfer_group_id')
    def _compute_order(self):
        refs = self._order_refs()
        for card in self:
            card.order_ref = refs[card.id][2] if card.id in refs else False

    def _order_refs(self):
        """{card id: (model, id, name)} of each card's current order, one
        query per kind of order (card_sql.order_refs: MO, purchase order, or
        the transfer group's open picking)."""
        links = [dict(id=card.id, **{column: card[column].id for column in ORDER_LINKS})
                 for card in self if card.id]
        return card_sql.order_refs(self.env.cr, links)

    def _order_document(self):
        """The current replenishment order: MO, purchase order or transfer."""
        self.ensure_one()
        ref = self._order_refs().get(self.id)
        return self.env[ref[0]].browse(ref[1]) if ref else None

    # ------------------------------------------------------------------
    # signal: every channel (station, API, buttons) comes through here
    # ------------------------------------------------------------------
    @api.model
    def signal_barcode(self, barcode, station_location_id=False, origin=None):
        """Signal the card with this barcode; answers what happened."""
        origin = origin or self.env.context.get('jit_kanban_origin') or 'api'
        code = (barcode or '').strip() if isinstance(barcode, str) else ''
        card = self.search([('barcode', '=', code)], limit=1) if code else self
        if not card:
            reason = _('unknown card barcode "%s"') % code if code else _('empty barcode')
            event = self.env['jit.kanban.event']._record(self, 'reject', origin, reason=reason, barcode=code)
            return self._answer(engine.REJECTED, reason, event_id=event.id)
        return card._signal(origin, station_location_id, checked=True)

    @api.multi
    def action_signal(self):
        origin = self.env.context.get('jit_kanban_origin') or 'manual'
        answers = [card._signal(origin) for card in self]
        return answers[0] if len(answers) == 1 else {'result': 'batch', 'results': answers}

    def _signal(self, origin, station_location_id=False, checked=False):
        """The scan: lock, decide (engine), empty the card, replenish, answer.
        SQL on the hot path (card_sql): the order is the only real cost."""
        self.ensure_one()
        if not checked:  # signal_barcode found the card through the record rules
            self.check_access_rule('read')
        cr, uid = self.env.cr, self.env.uid
        loop_id, loop_state, lock_reason, active, location_id, facts = \
            card_sql.lock_card_and_loop(cr, self.id)
        state = facts['state']
        station_ok = not station_location_id or location_id == int(station_location_id)
        decision = engine.decide_signal(state, loop_state, active, lock_reason, station_ok)
        if decision.result == engine.ALREADY_SIGNALLED:
            return self._answer(decision.result, decision.reason, facts=facts)
        if decision.result == engine.REJECTED:
            self.invalidate_cache(ids=self.ids)
            event = self.env['jit.kanban.event']._record(self.sudo(), 'reject', origin,
                                                          reason=decision.reason)
            return self._answer(decision.result, decision.reason, event_id=event.id, facts=facts)
        loop = self.env['jit.kanban.loop'].sudo().browse(loop_id)
        now = fields.Datetime.now()
        emptied = card_sql.set_state(
            cr, uid, self.ids, engine.next_state(state, 'signal'), waiting_reason=None,
            signalled_at=now, signalled_by=uid, production_id=None, purchase_line_id=None,
            transfer_group_id=None)
        self.invalidate_cache(ids=self.ids)
        events = [self._event_row(emptied[0], 'signal', origin, 'full', 'empty', loop.container_qty)]
        orders = loop._replenish(origin='auto', events=events)
        event_ids = self.env['jit.kanban.event']._insert_rows(events).ids
        loop._shift_board(full=-1, empty=1 - len(orders), ordered=len(orders))
        order = orders.get(self.id)
        # ordered: the screen's facts are known; waiting: its reason is read back
        facts = dict(facts, state='ordered', waiting_reason=False) if order else None
        return self._answer(decision.result, None, event_id=event_ids[0], order=order, facts=facts)

    @staticmethod
    def _event_row(card, event_type, origin, from_state, to_state, quantity, order=None):
        """An event row (card_sql.insert_events) from a card row of set_state."""
        model, order_id, name = order or (None, None, None)
        return {'event_type': event_type, 'origin': origin, 'card_id': card['id'],
                'barcode': card['barcode'], 'loop_id': card['loop_id'],
                'product_id': card['product_id'], 'location_id': card['location_id'],
                'company_id': card['company_id'], 'from_state': from_state, 'to_state': to_state,
                'quantity': quantity, 'order_model': model, 'order_id': order_id,
                'order_name': name}

    def _mark_ordered(self, origin, quantity, order, links, events=None):
        """These cards have ``order`` (model, id, name) now; ``links`` are the
        card columns that point to it.  Returns {card id: order}."""
        rows = card_sql.set_state(self.env.cr, self.env.uid, self.ids, 'ordered',
                                  ordered_at=fields.Datetime.now(), waiting_reason=None, **links)
        self.invalidate_cache(ids=self.ids)
        for model in ('mrp.production', 'purchase.order.line', 'procurement.group'):
            self.env[model].invalidate_cache(['jit_kanban_card_ids'])
        new_events = [self._event_row(row, 'order', origin, 'empty', 'ordered', quantity, order)
                      for row in rows]
        if events is None:
            self.env['jit.kanban.event']._insert_rows(new_events)
        else:
            events.extend(new_events)
        return {row['id']: order for row in rows}

    def _lock_rows(self):
        """Row locks: a concurrent transaction that changed these cards makes
        this one fail to serialize, and Odoo retries the request."""
        self.env.cr.execute('SELECT id FROM jit_kanban_card WHERE id IN %s FOR UPDATE',
                            (tuple(self.ids),))
        self.invalidate_cache(ids=self.ids)

    def _answer(self, result, reason, event_id=False, order=None, facts=None):
        """The JSON-able answer every signal channel returns (``facts``: the
        card as card_sql.card_facts gives it, when the caller knows it)."""
        if facts is None:
            facts = card_sql.card_facts(self.env.cr, self.id) if self else {}
        if facts and order is None:
            order = card_sql.order_refs(self.env.cr, [facts]).get(self.id)
        model, order_id, order_name = order or (False, False, False)
        if result == engine.ACCEPTED:
            message = _('%s signalled: %s') % (facts['barcode'], order_name) if order_name else \
                _('%s signalled, waiting: %s') % (facts['barcode'],
                                                  (facts['waiting_reason'] or '').lstrip('! '))
        else:
            message = reason
        answer = {'card_id': False, 'barcode': False, 'state': False, 'product_name': False,
                  'loop_name': False, 'location_name': False, 'quantity': 0.0, 'uom_name': False,
                  'waiting_reason': False}
        answer.update((key, value) for key, value in facts.items()
                      if key not in ORDER_LINKS and key != 'id')
        answer.update(result=result, order_model=model, order_id=order_id, order_name=order_name,
                      event_id=event_id or False, message=message)
        return answer

    # ------------------------------------------------------------------
    # undo, within a short window, while nothing downstream has started
    # ------------------------------------------------------------------
    @api.model
    def undo_signal(self, event_id):
        event = self.env['jit.kanban.event'].sudo().browse(int(event_id)).exists()
        if not event or event.event_type != 'signal' or not event.card_id:
            return self._answer(engine.REJECTED, _('nothing to undo'))
        card = event.card_id
        card.loop_id._lock_rows()
        card._lock_rows()
        window = int(self.env['ir.config_parameter'].sudo().get_param(UNDO_WINDOW_PARAM, 120))
        age = (fields.Datetime.from_string(fields.Datetime.now())
               - fields.Datetime.from_string(event.date)).total_seconds()
        latest = card.event_ids.filtered(lambda e: e.event_type == 'signal').sorted('id')[-1:]
        started, cancel = card._undo_plan()
        decision = engine.decide_undo(card.state, event.user_id.id, self.env.uid, age, window,
                                      order_started=started or latest != event)
        if decision.result != engine.ACCEPTED:
            return card._answer(decision.result, decision.reason)
        if cancel:
            cancel()
        from_state = card.state
        card.write({'state': 'full', 'signalled_at': False, 'signalled_by': False,
                    'waiting_reason': False, 'production_id': False,
                    'purchase_line_id': False, 'transfer_group_id': False})
        self.env['jit.kanban.event']._record(card, 'undo', 'station', from_state=from_state)
        return dict(card._answer(engine.ACCEPTED, None),
                    message=_('%s is full again: signal undone') % card.barcode)

    def _undo_plan(self):
        """(started, cancel): whether the order has started, and how to take
        this card's share back out of it."""
        self.ensure_one()
        if self.state == 'empty':
            return False, None
        others = self.search_count([('id', '!=', self.id), ('state', '=', 'ordered'), '|', '|',
                                    ('production_id', '=', self.production_id.id or -1),
                                    ('purchase_line_id', '=', self.purchase_line_id.id or -1),
                                    ('transfer_group_id', '=', self.transfer_group_id.id or -1)])
        if others:
            return True, None
        if self.production_id:
            mo = self.production_id
            started = mo.state not in ('confirmed', 'planned') or any(
                m.quantity_done for m in mo.move_raw_ids | mo.move_finished_ids)
            return started, lambda: mo.with_context(jit_kanban_undo=True).action_cancel()
        if self.purchase_line_id:
            line = self.purchase_line_id
            if line.order_id.state not in ('draft', 'sent'):
                return True, None
            return False, lambda: self._remove_purchase_line(line)
        moves = self.env['stock.move'].search([('group_id', '=', self.transfer_group_id.id)])
        started = any(m.state == 'done' or m.quantity_done for m in moves)
        return started, lambda: moves.with_context(jit_kanban_undo=True)._action_cancel()

    @staticmethod
    def _remove_purchase_line(line):
        order = line.order_id
        line.with_context(jit_kanban_undo=True).unlink()
        if not order.order_line:
            order.button_cancel()

    # ------------------------------------------------------------------
    # transitions driven by orders
    # ------------------------------------------------------------------
    def _fill(self, count, origin='auto'):
        """The ``count`` oldest ordered cards are full again."""
        cards = self.filtered(lambda c: c.state == 'ordered').sorted(
            lambda c: (c.signalled_at or '', c.sequence))[:count]
        if not cards:
            return cards
        self.env['jit.kanban.event']._record(cards, 'receive', origin, from_state='ordered')
        cards.write({'state': engine.next_state('ordered', 'receive'), 'signalled_at': False,
                     'signalled_by': False, 'ordered_at': False})
        return cards

    def _back_to_empty(self, reason, origin='auto'):
        """Their order is gone (cancelled, closed short): the cards wait again."""
        cards = self.filtered(lambda c: c.state == 'ordered')
        if cards:
            self.env['jit.kanban.event']._record(cards, 'cancel', origin, from_state='ordered',
                                                 reason=reason)
            cards.write({'state': engine.next_state('ordered', 'cancel'), 'waiting_reason': reason,
                         'production_id': False, 'purchase_line_id': False,
                         'transfer_group_id': False, 'ordered_at': False})
        return cards

    # ------------------------------------------------------------------
    # manager actions
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group('jit_kanban.group_jit_kanban_manager'):
            raise AccessError(_('Only a Kanban Manager can change card states by hand.'))

    @api.multi
    def action_block(self, reason=None):
        self._check_manager()
        for card in self:
            card._set_state_by_hand('block', None, reason or self.env.context.get('reason'))
        return True

    @api.multi
    def action_unblock(self):
        self._check_manager()
        for card in self:
            card._set_state_by_hand('unblock', None, self.env.context.get('reason'))
        return True

    @api.multi
    def action_correct(self, state, reason):
        """Set a state by hand (after a stock count, a lost card...), with a reason."""
        self._check_manager()
        for card in self:
            card._set_state_by_hand('correct', state, reason)
        return True

    def _set_state_by_hand(self, event, target, reason):
        self.ensure_one()
        self.loop_id._lock_rows()
        self._lock_rows()
        try:
            new_state = engine.next_state(self.state, event, target, reason)
        except engine.TransitionError as error:
            raise UserError(_('Card %s: %s') % (self.barcode, error))
        from_state = self.state
        vals = {'state': new_state}
        if new_state in ('full', 'blocked'):
            vals.update(signalled_at=False, signalled_by=False, waiting_reason=False,
                        production_id=False, purchase_line_id=False, transfer_group_id=False)
        elif new_state == 'empty' and from_state != 'empty':
            vals.update(signalled_at=fields.Datetime.now(), signalled_by=self.env.uid)
        self.sudo().write(vals)
        self.env['jit.kanban.event']._record(self, event, 'manual', from_state=from_state,
                                             reason=reason)
        if new_state == 'empty':
            self.loop_id.sudo()._replenish(origin='manual')
