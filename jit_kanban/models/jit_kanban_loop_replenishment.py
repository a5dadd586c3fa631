import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

from .. import engine
from . import card_sql

_logger = logging.getLogger(__name__)


class JitKanbanLoop(models.Model):
    """Turning empty cards into orders, through Odoo's procurement."""
    _inherit = 'jit.kanban.loop'

    def _lock_rows(self):
        """Serialize everything that changes the cards of a loop.  Always loop
        first, then its cards: one order on every path, so none deadlocks.
        The row is *written*, not only locked: under REPEATABLE READ a
        transaction that waited here then fails to serialize and Odoo retries
        it with a fresh snapshot, so it sees the cards the other one changed
        (two last cards of a batch scanned together still make the batch)."""
        if self.ids:
            card_sql.touch_loops(self.env.cr, self.ids)

    @api.multi
    def action_replenish(self):
        """Order what waits now (a manager's button; also the cron)."""
        for loop in self.filtered(lambda l: l.state == 'active'):
            loop._lock_rows()
            loop._replenish(origin='manual', window_due=True)
        return True

    def _replenish(self, origin='auto', window_due=False, events=None):
        """Turn waiting (empty) cards into orders as the trigger policy says.
        Returns {card id: (model, id, name)} of the orders made.  Caller holds
        the loop lock.  With ``events`` the caller records the events (one
        INSERT for a whole scan) and refreshes the board."""
        self.ensure_one()
        if self.state != 'active':
            return {}
        cr = self.env.cr
        own_events = events is None
        events = [] if own_events else events
        waiting, open_orders = card_sql.waiting_cards(cr, self.id)
        plan = engine.plan_orders(self.trigger_policy, len(waiting), open_orders,
                                  self.wip_cap, self.batch_size, window_due)
        Card = self.env['jit.kanban.card'].sudo()
        orders = {}
        start = 0
        for size in plan.groups:
            orders.update(self._order_cards(Card.browse(waiting[start:start + size]), origin, events))
            start += size
        left = waiting[start:]
        if left:
            # a failed order keeps its reason ('! ...') until it is retried
            cr.execute("""
                UPDATE jit_kanban_card SET waiting_reason = %s
                 WHERE id IN %s AND waiting_reason IS DISTINCT FROM %s
                   AND (waiting_reason IS NULL OR waiting_reason NOT LIKE '!%%')""",
                       (plan.waiting_reason, tuple(left), plan.waiting_reason))
            Card.invalidate_cache(['waiting_reason'], left)
        if own_events:
            self.env['jit.kanban.event']._insert_rows(events)
            if orders:
                self._refresh_board()
        return orders

    def _order_cards(self, cards, origin, events):
        """One replenishment order for ``cards``.  A failure (no BoM, no vendor
        price, ...) leaves the cards empty with the reason: the signal is kept."""
        quantity = self.container_qty
        try:
            with self.env.cr.savepoint():
                links, ref = self._run_procurement(cards)
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
            return {}
        return cards._mark_ordered(origin, quantity, ref, links, events)

    def _run_procurement(self, cards):
        product = self.product_id
        quantity = engine.order_quantity(len(cards), self.container_qty)
        values = self._procurement_values(cards)
        self.env['procurement.group'].sudo().run(
            product, quantity, product.uom_id, self.location_id, self.name, self.name, values)
        return self._new_order_ref(values)

    def _new_order_ref(self, values):
        """({card column: link}, (model, id, name)) of the order the procurement
        just made, in one query.  The loop is locked, so its newest MO or PO
        line is this one; a transfer is its procurement group (backorders
        keep the group, so partial moves still refill the cards)."""
        cr = self.env.cr
        if self.replenish_method == 'manufacture':
            cr.execute("""SELECT id, id, name FROM mrp_production WHERE jit_kanban_loop_id = %s
                          ORDER BY id DESC LIMIT 1""", (self.id,))
            column, model = 'production_id', 'mrp.production'
        elif self.replenish_method == 'buy':
            merged = values.get('jit_kanban_merged_line')
            cr.execute("""
                SELECT l.id, o.id, o.name FROM purchase_order_line l
                  JOIN purchase_order o ON o.id = l.order_id
                 WHERE %s ORDER BY l.id DESC LIMIT 1""" % (
                'l.id = %s' if merged else 'l.jit_kanban_loop_id = %s'), (merged or self.id,))
            column, model = 'purchase_line_id', 'purchase.order'
        else:
            group = values['group_id'].id
            cr.execute("""SELECT %s, id, name FROM stock_picking WHERE group_id = %s
                          ORDER BY id DESC LIMIT 1""", (group, group))
            column, model = 'transfer_group_id', 'stock.picking'
        link, order_id, name = cr.fetchone()
        return {column: link}, (model, order_id, name)

    def _procurement_values(self, cards):
        warehouse = self.warehouse_id or self.location_id._kanban_warehouse()
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
                'name': self.name,
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
        # nobody reads a chatter line "MO created" on hundreds of scheduled
        # orders: no creation log, follower subscription or tracking; and
        # Odoo's stored computed fields of all the orders (move references,
        # quantities, MO availability, ...) are written together at the end,
        # one UPDATE per value instead of one per move (bench/README.md)
        quiet = self.with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                                  recompute=False)
        for loop in quiet.search([('state', '=', 'active')]):
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
        quiet.recompute()
        return True

    @api.model
    def _demo_signal(self, loop_ids, counts):
        """Demo data: empty the first cards of some loops, as operators would."""
        for loop, count in zip(self.browse(loop_ids), counts):
            for card in loop.card_ids.sorted('sequence')[:count]:
                card.with_context(jit_kanban_origin='station')._signal('station')
        return True
