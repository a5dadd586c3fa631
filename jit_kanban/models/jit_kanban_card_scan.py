import logging

from odoo import _, api, fields, models

from .. import engine
from ..engine.reasons import Reason
from ..engine.scan_input import as_record_id, check_scan, normalise_barcode, printable
from . import access, kanban_sql
from .kanban_sql import ORDER_COLUMNS
from .jit_kanban_card import CLEARED_ON_FULL

_logger = logging.getLogger(__name__)
UNDO_WINDOW_PARAM = 'jit_kanban.undo_window_seconds'
# the event each scan leaves, by result; and back, to replay an answer
SCAN_EVENTS = {engine.ACCEPTED: 'signal', engine.ALREADY_SIGNALLED: 'repeat',
               engine.REJECTED: 'reject'}
SCAN_RESULTS = {event: result for result, event in SCAN_EVENTS.items()}


class JitKanbanCardScan(models.Model):
    """The scan: every channel (station, handheld API, RPC, buttons) comes
    through ``_scan``.  It checks the caller, then runs on SQL (kanban_sql):
    the order it makes is the only real cost.  Every request leaves exactly
    one event (signal, repeat or reject); a repeated idempotency key replays
    the first answer.  ``_after_scan`` is the extension point."""
    _inherit = 'jit.kanban.card'

    @api.model
    def signal_barcode(self, barcode, station_location_id=False, origin=None,
                       idempotency_key=None):
        """Signal the card with this barcode; answers what happened."""
        channel = origin if origin in ('station', 'api') else 'rpc'
        return self._scan(barcode, station_location_id, channel, idempotency_key=idempotency_key)

    @api.multi
    def action_signal(self):
        """The card form's button (and RPC on card ids)."""
        access.check_operator(self.env)
        access.check_records(self)
        origin = self.env.context.get('jit_kanban_origin')
        origin = origin if origin in ('station', 'api', 'manual') else 'manual'
        answers = [card._signal(origin) for card in self]
        return answers[0] if len(answers) == 1 else {'result': 'batch', 'results': answers}

    @api.model
    def _scan(self, barcode, supermarket_id=None, channel='rpc', device=None,
              idempotency_key=None):
        """One scan request, answered; checks who asks before anything."""
        access.check_operator(self.env)
        self.check_access_rights('read')
        scan = check_scan(barcode, supermarket_id, idempotency_key)
        request = {'origin': channel, 'idempotency_key': scan.key,
                   'device_id': device.id if device else None}
        if scan.key:
            first = kanban_sql.event_by_key(self.env.cr, self.env.uid, request['device_id'],
                                            scan.key)
            if first:
                return self._replay(first, scan, request)
        if scan.reason:
            return self._reject(scan.reason, request, scan.stored_barcode)
        locked = self._lock(self._find_card_sql(scan.barcode))
        if not locked:
            reason = Reason('unknown_barcode', 'unknown card barcode "%(barcode)s"',
                            barcode=scan.barcode)
            return self._reject(reason, request, scan.barcode)
        return self.browse(locked.facts['id'])._signal(channel, scan.supermarket_id, request,
                                                      locked)

    def _find_card_sql(self, barcode):
        """What ``search([('barcode', '=', barcode)], limit=1)`` runs as the
        caller, access rights and record rules included, retired cards too (a
        scan of a retired card is answered as such): (SQL, params).  The scan
        runs it inside the statement that locks the card."""
        self.check_access_rights('read')
        query = self._where_calc([('barcode', '=', barcode)], active_test=False)
        self._apply_ir_rules(query, 'read')
        from_clause, where, params = query.get_sql()
        return ('SELECT "%s".id FROM %s WHERE %s LIMIT 1' % (
            self._table, from_clause, where or 'TRUE'), params)

    def _find_card(self, barcode):
        """The card of this barcode the caller may see, if any."""
        self.env.cr.execute(*self._find_card_sql(barcode))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _lock(self, card):
        """kanban_sql.lock_card_and_loop of ``card`` (an id or a search's
        SQL), the loop's own columns read for the ORM's cache."""
        return kanban_sql.lock_card_and_loop(
            self.env.cr, card, self.env['jit.kanban.loop']._jit_kanban_row_columns())

    def _signal(self, origin, station_location_id=None, request=None, locked=None):
        """Lock (unless the scan's search did: ``locked``), decide (engine),
        empty the card, replenish, answer."""
        self.ensure_one()
        request = dict(request or {}, origin=origin)
        uid = self.env.uid
        Loop = self.env['jit.kanban.loop'].sudo()
        locked = locked or self._lock(self.id)
        facts = locked.facts
        state = facts['state']
        decision = engine.decide_signal(
            state, locked.loop_state if locked.loop_active else 'archived', locked.card_active,
            locked.lock_reason,
            not station_location_id or locked.location_id == station_location_id)
        if decision.result != engine.ACCEPTED:
            if not locked.loop_active and decision.reason.code == 'loop_not_active':
                decision = decision._replace(reason=Reason('loop_archived', 'its loop was archived'))
            return self._refuse(decision, request, locked)
        loop = Loop.browse(locked.loop_id)._jit_kanban_cache_row(locked.loop_row)
        # the card is written by the statement that orders it, or else by
        # the one that moves the board (kanban_sql.Signalled)
        signalled = kanban_sql.Signalled(self.id, fields.Datetime.now(), uid)
        events = [dict(self._event_row(locked.card_row, 'signal', origin, 'full', 'empty',
                                       loop.container_qty), **request)]
        orders = loop._replenish(origin='auto', events=events, signalled=signalled,
                                 waiting=(locked.waiting, locked.open_orders),
                                 rule_id=locked.rule_id)
        event_ids = loop._shift_board(full=-1, empty=1 - len(orders), ordered=len(orders),
                                      events=events, user_id=uid,
                                      emptied=None if self.id in orders else signalled,
                                      locked_row=locked.loop_row)
        self.invalidate_cache(ids=self.ids)
        order = orders.get(self.id)
        # ordered: the screen's facts are known; waiting: its reason is read back
        facts = dict(facts, state='ordered', waiting_reason=False) if order else None
        answer = self._answer(decision.result, None, event_ids[0], order=order, facts=facts)
        self._after_scan(answer)
        return answer

    def _refuse(self, decision, request, locked):
        """Already signalled or rejected: one event, nothing else written."""
        facts = locked.facts
        row = self._event_row(locked.card_row, SCAN_EVENTS[decision.result], request['origin'],
                              facts['state'], facts['state'], facts['quantity'])
        row['reason'] = printable(self._reason_text(decision.reason), 256)
        event_ids = self.env['jit.kanban.event']._insert_rows([dict(row, **request)]).ids
        answer = self._answer(decision.result, decision.reason, event_ids[:1] and event_ids[0],
                              facts=facts)
        self._after_scan(answer)
        return answer

    def _reject(self, reason, request, barcode):
        """A request that matched no card (or could not be read)."""
        event = self.env['jit.kanban.event']._insert_rows([dict(
            request, event_type='reject', barcode=barcode or None,
            reason=printable(self._reason_text(reason), 256),
            company_id=self.env.user.company_id.id)])
        answer = self.browse()._answer(engine.REJECTED, reason, event.id)
        answer['barcode'] = barcode or False
        self._after_scan(answer)
        return answer

    def _replay(self, first, scan, request):
        """The answer to a request this user (device) already made with this
        key (``first``: its event, kanban_sql.event_by_key).  A key already
        used for another barcode is refused, without the key: that scan is
        not taken for the first one, and the client sees it."""
        event_id, event_type, card_id, reason, used_for = first
        if (used_for or None) != ((scan.stored_barcode if scan.reason else scan.barcode) or None):
            reused = Reason('key_reused', 'idempotency key "%(key)s" was already used for '
                            'another barcode', key=scan.key)
            return self._reject(reused, dict(request, idempotency_key=None), scan.stored_barcode)
        card = self.browse(card_id) if card_id else self.browse()
        answer = card._answer(SCAN_RESULTS.get(event_type, engine.REJECTED), reason, event_id)
        answer['replayed'] = True
        return answer

    def _after_scan(self, answer):
        """Extension point, called once for every scan with its answer
        (accepted, already signalled or rejected; ``card_id`` and
        ``event_id`` say which).  The scan writes in SQL, not through
        ``write()``: override this to react to scans."""
        return answer

    def _reason_text(self, reason):
        return self.env['jit.kanban.reason']._text(reason)

    def _answer(self, result, reason, event_id=False, order=None, facts=None):
        """The JSON-able answer every scan channel returns (``facts``: the
        card as kanban_sql.card_facts gives it, when the caller knows it)."""
        if facts is None:
            facts = kanban_sql.card_facts(self.env.cr, self.id) if self else {}
        if facts and order is None and facts.get('state') == 'ordered':
            order = kanban_sql.order_refs(self.env.cr, [facts],
                                          self.env['jit.kanban.orders']._name_queries()).get(self.id)
        model, order_id, order_name = order or (False, False, False)
        waiting = facts.get('waiting_reason') or False
        if result == engine.ACCEPTED:
            if order_name:
                message = _('%s signalled: %s') % (facts['barcode'], order_name)
            elif waiting:
                message = _('%s signalled, waiting: %s') % (facts['barcode'], waiting)
            else:  # a replay, after the card moved on (refilled, undone)
                message = _('%s signalled') % facts['barcode']
        else:
            # a reason is a phrase (it also ends other sentences): the
            # answer's message is a sentence of its own, shown as it comes
            text = self._reason_text(reason) or ''
            message = text[:1].upper() + text[1:]
        answer = {'card_id': False, 'barcode': False, 'state': False, 'product_name': False,
                  'loop_name': False, 'location_name': False, 'quantity': 0.0, 'uom_name': False,
                  'waiting_reason': False}
        answer.update((key, value) for key, value in facts.items()
                      if key not in ORDER_COLUMNS and key != 'id')
        answer.update(result=result, order_model=model, order_id=order_id, order_name=order_name,
                      event_id=event_id or False, message=message,
                      reason=getattr(reason, 'code', False) if reason else False)
        return answer

    # ------------------------------------------------------------------
    # undo, within a short window, while nothing downstream has started
    # ------------------------------------------------------------------
    @api.model
    def undo_signal(self, event_id):
        """Take back the caller's own signal; reveals and writes nothing of
        an event the caller may not see."""
        access.check_operator(self.env)
        event_id, valid = as_record_id(event_id)
        if not (valid and event_id):
            return self._answer(engine.REJECTED, Reason('event_id', 'invalid event id'))
        nothing = Reason('nothing_to_undo', 'nothing to undo')
        Event = self.env['jit.kanban.event']
        event = Event.search([('id', '=', event_id), ('event_type', '=', 'signal')])
        card = event.card_id if event else self.browse()
        if not card or not self.search([('id', '=', card.id)]):
            return self._answer(engine.REJECTED, nothing)
        if event.user_id.id != self.env.uid:
            return card._answer(engine.REJECTED, Reason(
                'not_your_signal', 'only the operator who signalled can undo'))
        card = card.sudo()
        card.loop_id._lock_rows()
        card._lock_rows()
        window = int(self.env['ir.config_parameter'].sudo().get_param(UNDO_WINDOW_PARAM, 120))
        age = (fields.Datetime.from_string(fields.Datetime.now())
               - fields.Datetime.from_string(event.date)).total_seconds()
        latest = Event.sudo().search([('card_id', '=', card.id), ('event_type', '=', 'signal')],
                                     order='id desc', limit=1)
        started, shared, withdraw, share_only = card._undo_plan()
        decision = engine.decide_undo(card.state, event.user_id.id, self.env.uid, age, window,
                                      order_started=started, order_shared=shared,
                                      superseded=latest != event)
        if decision.result != engine.ACCEPTED:
            return card._answer(decision.result, decision.reason)
        if withdraw:
            withdraw()
        from_state = card.state
        card.write(dict(CLEARED_ON_FULL, state='full'))
        self.env['jit.kanban.event']._record(card, 'undo', 'station', from_state=from_state)
        # what became of the order: withdrawn, or only this card's share of it
        return dict(card._answer(engine.ACCEPTED, None),
                    message=_('%s is full again: signal undone') % card.barcode,
                    withdrawn=withdraw and ('share' if share_only else 'order') or False)

    def _undo_plan(self):
        """(started, shared, withdraw, share_only): whether the card's order
        has started, whether it also fills other cards and cannot give this
        card's share back, what takes the card's order (or its share of it)
        back (None when there is nothing of the card's own to withdraw), and
        whether that is only the card's share."""
        self.ensure_one()
        if self.state == 'empty':
            return False, False, None, False
        document = self.env['jit.kanban.orders']._linked_document(self)
        if not document:
            return False, False, None, False
        started = document._jit_kanban_started()
        others = document.jit_kanban_card_ids.filtered(
            lambda c: c.state == 'ordered' and c != self)
        if not others:
            return started, False, document._jit_kanban_withdraw, False
        if not document._jit_kanban_gives_back_shares:
            return started, True, None, False
        if started:
            return True, False, None, False  # the share could come back, but work began
        return False, False, lambda: document._jit_kanban_withdraw_share(self), True

    @api.model
    def _card_info(self, barcode):
        """A card's state and current order, for a scanner that looks before
        it signals (nothing is written)."""
        access.check_operator(self.env)
        self.check_access_rights('read')
        code, reason = normalise_barcode(barcode)
        card = self._find_card(code) if code else self.browse()
        if not card:
            reason = reason or Reason('unknown_barcode', 'unknown card barcode "%(barcode)s"',
                                      barcode=code)
            return dict(self._answer(engine.REJECTED, reason), barcode=code or False)
        return dict(card._answer('info', None), result='info')
