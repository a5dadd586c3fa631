import logging
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from .. import engine
from . import access, kanban_sql

_logger = logging.getLogger(__name__)


class JitKanbanLoop(models.Model):
    """Turning empty cards into orders, through Odoo's procurement."""
    _inherit = 'jit.kanban.loop'

    def _lock_rows(self):
        """Serialize everything that changes the cards of a loop: loop rows
        first, then its cards, on every path (kanban_sql.lock_loops)."""
        kanban_sql.lock_loops(self.env.cr, self.ids)

    @api.multi
    def action_replenish(self):
        """Order what waits now (a manager's button; also the cron)."""
        access.check_manager(self.env)
        access.check_records(self, 'write')
        for loop in self.filtered(lambda l: l.state == 'active').sudo():
            loop._lock_rows()
            loop._replenish(origin='manual', window_due=True)
        return True

    def _replenish(self, origin='auto', window_due=False, events=None, waiting=None,
                   signalled=None, rule_id=None):
        """Turn waiting (empty) cards into orders as the trigger policy says.
        Returns {card id: (model, id, name)} of the orders made.  Caller holds
        the loop lock.  With ``events`` the caller records the events (one
        INSERT for a whole scan) and refreshes the board; ``waiting``: the
        empty card ids and open orders when the caller read them already;
        ``signalled``: a scan's card, still full in the table, that the
        order which takes it writes as signalled (kanban_sql.Signalled);
        ``rule_id``: the procurement rule of its orders, read with the lock
        (kanban_sql.LOOP_RULE)."""
        self.ensure_one()
        if self.state != 'active':
            return {}
        cr = self.env.cr
        own_events = events is None
        events = [] if own_events else events
        waiting, open_orders = waiting or kanban_sql.waiting_cards(cr, self.id)
        waiting = self._capacity_release(waiting)  # levelling (jit_kanban_loop_levelling.py)
        plan = engine.plan_orders(self.trigger_policy, len(waiting), open_orders,
                                  self.wip_cap, self.batch_size, window_due)
        Card = self.env['jit.kanban.card'].sudo()
        orders = {}
        start = 0
        for size in plan.groups:
            orders.update(self._order_cards(Card.browse(waiting[start:start + size]), origin,
                                            events, signalled, rule_id))
            start += size
        left = waiting[start:]
        if left:
            # a failed order keeps its own reason until it is retried
            reason = self.env['jit.kanban.reason']._text(plan.waiting_reason) or None
            cr.execute("""
                UPDATE jit_kanban_card SET waiting_reason = %s
                 WHERE id IN %s AND waiting_reason IS DISTINCT FROM %s AND NOT order_failed""",
                       (reason, tuple(left), reason))
            Card.invalidate_cache(['waiting_reason'], left)
        if own_events:
            self.env['jit.kanban.event']._insert_rows(events)
            if orders:
                self._refresh_board()
        return orders

    def _order_cards(self, cards, origin, events, signalled=None, rule_id=None):
        """One replenishment order for ``cards``.  What a person can fix (no
        BoM, no vendor price, no route) leaves the cards empty with the
        reason, and the cron tries again; anything else is logged as an
        error, with the signal kept all the same."""
        quantity = self.container_qty  # read before Odoo's create empties the cache
        if signalled and signalled.card_id not in cards.ids:
            signalled = None  # the scanned card is not in this order
        try:
            with self.env.cr.savepoint():
                document = self._run_procurement(cards, rule_id)
                return cards._mark_ordered(origin, quantity, events, document=document,
                                           signalled=signalled)
        except (UserError, ValidationError) as error:
            message = error.name
            _logger.info('kanban loop %s: order not created: %s', self.name, message)
        except psycopg2.OperationalError:
            raise  # concurrency: the request is retried as a whole
        except Exception:  # noqa: BLE001 - the scan is kept; the error is logged loudly
            _logger.exception('kanban loop %s: order failed', self.name)
            message = _('the order could not be made (see the server log)')
        if signalled:
            kanban_sql.empty_signalled(self.env.cr, self.env.uid, signalled)
        cards.invalidate_cache(ids=cards.ids)
        changed = cards.filtered(lambda c: c.waiting_reason != message or not c.order_failed)
        if changed:
            changed.write({'waiting_reason': message, 'order_failed': True})
            rows = self.env['jit.kanban.event']._rows(changed, 'error', origin, reason=message)
            if events is None:
                self.env['jit.kanban.event']._insert_rows(rows)
            else:
                events.extend(rows)  # after the scan's signal event, with it
        return {}

    def _run_procurement(self, cards, rule_id=None):
        """Odoo's procurement makes the order; returns the document it made
        or added ``cards`` to (None if none): the MO or purchase line its
        hooks handed back, or a transfer's procurement group, made here."""
        product = self.product_id
        quantity = engine.order_quantity(len(cards), self.container_qty)
        # read before Odoo's create empties the cache
        transfer = self.replenish_method == 'transfer'
        values = self._procurement_values(cards)
        values['jit_kanban_rule_id'] = rule_id
        self.env['procurement.group'].sudo().run(
            product, quantity, product.uom_id, self.location_id, self.name, self.name, values)
        if transfer:
            return values['group_id']
        made = values['jit_kanban_documents']
        return made[0] if len(set(made)) == 1 else None

    def _planned_date(self):
        """When an order made now is due: now plus the loop's lead time."""
        return fields.Datetime.to_string(
            fields.Datetime.from_string(fields.Datetime.now()) + timedelta(days=self.lead_time_days))

    def _procurement_values(self, cards):
        warehouse = self.warehouse_id or self.location_id._kanban_warehouse()
        values = {
            'company_id': self.company_id,
            'warehouse_id': warehouse,
            'route_ids': self.route_id,
            'date_planned': self._planned_date(),
            'jit_kanban_loop': self,
            'jit_kanban_cards': cards,
            'jit_kanban_documents': [],  # filled by the document's creation (order mixin)
        }
        if self.replenish_method == 'manufacture' and self.bom_id:
            values['bom_id'] = self.bom_id
        if self.replenish_method == 'transfer':
            values['group_id'] = self.env['procurement.group'].sudo().create({
                'jit_kanban_loop_id': self.id, 'name': self.name, 'move_type': 'direct'})
        return values

    @api.model
    @tools.ormcache()
    def _jit_kanban_row_columns(self):
        """The loop's own stored columns the ORM would read when a scan first
        touches the loop: the scan reads them with the loop's lock instead
        (stored computed, translated and group-restricted fields are left to
        the ORM)."""
        return tuple(sorted(
            name for name, field in self._fields.items()
            if name != 'id' and field.store and field.column_type and field.prefetch
            and not field.inherited and not field.compute and not field.groups
            and not callable(field.translate) and field.type != 'binary'))

    def _jit_kanban_cache_row(self, row):
        """This loop with ``row`` ({column: value} read with its lock) in the
        ORM cache."""
        self.ensure_one()
        if row:
            self._cache.update(self._convert_to_cache(row, validate=False))
        return self

    @api.model
    def _cron_replenish(self):
        """Scheduled windows, batches and cards left waiting (WIP cap, errors,
        cancelled orders, capacity): only loops with waiting cards are locked, one
        savepoint each, so a broken loop never stops the others and scans of
        loops with nothing to do are never blocked."""
        now = fields.Datetime.now()
        # nobody reads a chatter line "MO created" on hundreds of scheduled
        # orders: no creation log, follower subscription or tracking; and
        # Odoo's stored computed fields of all the orders (move references,
        # quantities, MO availability, ...) are written together at the end,
        # one UPDATE per value instead of one per move (bench/README.md)
        quiet = self.with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True,
                                  recompute=False)
        self.env.cr.execute("""
            SELECT l.id FROM jit_kanban_loop l
             WHERE l.state = 'active' AND l.active
               AND (l.capacity_held_at IS NOT NULL OR EXISTS (
                    SELECT 1 FROM jit_kanban_card c
                     WHERE c.loop_id = l.id AND c.state = 'empty' AND c.active))
             ORDER BY l.id""")
        loops = quiet.browse([row[0] for row in self.env.cr.fetchall()])
        # heijunka: what each due scheduled MO loop may release (jit_kanban_loop_levelling.py)
        loops = loops.with_context(jit_kanban_capacity=loops._capacity_levels(now))
        rules = kanban_sql.loop_rules(self.env.cr, loops.ids)
        for loop in loops:
            due = loop.trigger_policy != 'scheduled' or not loop.next_window or loop.next_window <= now
            try:
                with self.env.cr.savepoint():
                    loop._lock_rows()
                    loop._replenish(origin='auto', window_due=due, rule_id=rules.get(loop.id))
                    if loop.trigger_policy == 'scheduled' and due:
                        loop.next_window = fields.Datetime.to_string(
                            fields.Datetime.from_string(now) + timedelta(minutes=max(loop.schedule_minutes, 1)))
            except psycopg2.OperationalError:
                raise
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

    @api.model
    def _demo_late(self, loop_ids, days):
        """Demo data: the signals of these buy loops were made ``days`` ago
        (_demo_signal's scans happen at install time) and their vendor is
        past the loop's lead time, so Shortage Risk has a late order and
        cards waiting too long to show on a fresh demo."""
        placed = fields.Datetime.from_string(fields.Datetime.now()) - timedelta(days=days)
        for loop in self.browse(loop_ids).filtered(lambda l: l.replenish_method == 'buy'):
            cards = loop.card_ids.filtered(lambda c: c.state in ('empty', 'ordered') and c.signalled_at)
            if not cards:
                continue
            due = placed + timedelta(days=loop.lead_time_days)
            cards.mapped('purchase_line_id').write({'date_planned': fields.Datetime.to_string(due)})
            self.env.cr.execute("""
                UPDATE jit_kanban_card SET signalled_at = %(at)s, ordered_at = %(at)s WHERE id IN %(ids)s;
                UPDATE jit_kanban_event SET date = %(at)s
                 WHERE card_id IN %(ids)s AND event_type IN ('signal', 'order') AND date > %(at)s""",
                                {'at': fields.Datetime.to_string(placed), 'ids': tuple(cards.ids)})
            cards.invalidate_cache(['signalled_at', 'ordered_at'])
        return True

