from odoo import api, fields, models

from .. import engine
from . import kanban_sql

# the document values key carrying the procurement values of the cards to
# link (set by the procurement hooks, taken out by create / write)
LINK = 'jit_kanban_link'

# the document each replenishment method makes; everything else about a
# kind of order is asked of that document's class
DOCUMENT_MODELS = {
    'manufacture': 'mrp.production',
    'buy': 'purchase.order.line',
    'transfer': 'procurement.group',
}


def _take_link(vals):
    """(the values without LINK, the procurement values to link from).
    Only the procurement hooks can pass cards (a recordset: no RPC client
    can send one); anything else under LINK is dropped."""
    if LINK not in vals:
        return vals, None
    link = vals[LINK]
    cards = link.get('jit_kanban_cards') if isinstance(link, dict) else None
    if not (isinstance(cards, models.BaseModel) and cards._name == 'jit.kanban.card'
            and isinstance(link.get('jit_kanban_documents'), list)):
        link = None
    return {key: value for key, value in vals.items() if key != LINK}, link


class JitKanbanOrderMixin(models.AbstractModel):
    """A replenishment document (MO, purchase line, transfer group): the
    loop and cards it was made for, how much it delivered, whether it has
    started, and how a card's share is taken back out of it.  Each document
    class says these once; loops, cards, undo and reports ask it."""
    _name = 'jit.kanban.order.mixin'
    _description = 'Kanban Replenishment Document'

    # the card column pointing at this document, and what people call "the
    # order" (model, and SQL naming it for link ids: link id, id, name)
    _jit_kanban_card_column = None
    _jit_kanban_shown_model = None
    _jit_kanban_name_query = None
    # can one card's share be taken out while the order fills other cards
    # too (_jit_kanban_withdraw_share)?  Otherwise such an undo is refused
    _jit_kanban_gives_back_shares = False

    jit_kanban_loop_id = fields.Many2one('jit.kanban.loop', 'Kanban Loop', index=True,
                                         readonly=True, copy=False)
    jit_kanban_filled_cards = fields.Integer(readonly=True, copy=False)

    @api.model
    def _jit_kanban_link_vals(self, values):
        """Values tying a new (or merged) document to the loop of the
        procurement ``values`` (the procurement hooks add them); the
        document is handed back in ``values['jit_kanban_documents']``,
        and the loop links its cards once Odoo's procurement returns
        (card._mark_ordered)."""
        loop, cards = values.get('jit_kanban_loop'), values.get('jit_kanban_cards')
        if not loop:
            return {}
        vals = {'jit_kanban_loop_id': loop.id}
        if cards:
            vals[LINK] = values
        return vals

    @api.model
    def create(self, vals):
        vals, link = _take_link(vals)
        record = super(JitKanbanOrderMixin, self).create(vals)
        if link:
            link['jit_kanban_documents'].append(record)
        return record

    @api.multi
    def write(self, vals):
        vals, link = _take_link(vals)
        result = super(JitKanbanOrderMixin, self).write(vals)
        if link:
            link['jit_kanban_documents'].extend(self)
        return result

    def _jit_kanban_card_links(self):
        """The card columns of a card ordered by this document: its link,
        and none to any other kind."""
        self.ensure_one()
        return dict(kanban_sql.NO_LINKS, **{self._jit_kanban_card_column: self.id})

    def _jit_kanban_shown(self):
        """The record people open for this order (MO, purchase order, picking)."""
        raise NotImplementedError

    def _jit_kanban_started(self):
        """Has work on it begun (then a signal can no longer be undone)?"""
        raise NotImplementedError

    def _jit_kanban_withdraw(self):
        """Take the order back (undo of its only card's signal)."""
        raise NotImplementedError

    def _jit_kanban_withdraw_share(self, card):
        """Take ``card``'s containers out of this order, which also fills
        other cards (undo of that card's signal; only where
        _jit_kanban_gives_back_shares)."""
        raise NotImplementedError

    @api.model
    def _jit_kanban_share(self, card, uom):
        """One card's containers in ``uom`` (a unit of the document)."""
        loop = card.loop_id
        return loop.product_id.uom_id._compute_quantity(loop.container_qty, uom)

    def _jit_kanban_received_qty(self):
        raise NotImplementedError

    @api.model
    def _jit_kanban_picking_type(self, loop, warehouse):
        """The operation type the loop's procurement rule uses."""
        raise NotImplementedError

    @api.model
    def _jit_kanban_label(self):
        """The method's word printed on the card (MAKE, BUY, MOVE)."""
        raise NotImplementedError

    def _jit_kanban_refill(self):
        """Fill the cards these documents delivered: whole containers only,
        oldest cards first, never more than were ordered.  Returns the loops
        touched."""
        loops = self.env['jit.kanban.loop']
        for document in self.filtered('jit_kanban_loop_id'):
            pending = document.jit_kanban_card_ids.filtered(lambda c: c.state == 'ordered')
            if not pending:
                continue
            loop = document.jit_kanban_loop_id
            count = engine.cards_to_fill(
                document._jit_kanban_received_qty(), loop.container_qty,
                len(pending) + document.jit_kanban_filled_cards, document.jit_kanban_filled_cards)
            if count:
                loop._lock_rows()
                pending._fill(count)
                document.jit_kanban_filled_cards += count
                loops |= loop
        return loops


class JitKanbanOrders(models.AbstractModel):
    """The three kinds of document, for code that meets all of them."""
    _name = 'jit.kanban.orders'
    _description = 'Kanban Replenishment Documents'

    @api.model
    def _document_model(self, method):
        return self.env[DOCUMENT_MODELS[method]]

    @api.model
    def _name_queries(self, documents=None):
        """{card column: (shown model, naming SQL)} for kanban_sql.order_refs,
        of every kind of document or of the ``documents`` models only (a
        statement naming the orders of one loop need not plan the others'
        look-ups)."""
        return {Model._jit_kanban_card_column: (Model._jit_kanban_shown_model,
                                                Model._jit_kanban_name_query)
                for Model in (self.env[name] for name in documents or DOCUMENT_MODELS.values())}

    @api.model
    def _linked_document(self, card):
        """The document a card is linked to, whichever kind it is."""
        for name in DOCUMENT_MODELS.values():
            document = card[self.env[name]._jit_kanban_card_column]
            if document:
                return document
        return None
