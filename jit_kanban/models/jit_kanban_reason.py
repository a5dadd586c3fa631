from odoo import _, api, models


class JitKanbanReason(models.AbstractModel):
    """The engine's reason codes (engine/reasons.py) in the user's language."""
    _name = 'jit.kanban.reason'
    _description = 'Kanban: reasons in words'

    @api.model
    def _texts(self):
        # literal _() calls: the terms are extracted into i18n/jit_kanban.pot
        return {
            'card_retired': _('retired card: remove it from the floor'),
            'other_supermarket': _('this card belongs to another supermarket'),
            'loop_locked': _('loop is locked'),
            'loop_locked_because': _('loop is locked: %(lock_reason)s'),
            'loop_not_active': _('loop is not active yet (%(state)s)'),
            'loop_archived': _('its loop was archived'),
            'card_blocked': _('card is blocked'),
            'already_signalled': _('card was already signalled (%(state)s)'),
            'unknown_state': _('unknown card state %(state)r'),
            'not_signalled': _('card is not signalled'),
            'not_your_signal': _('only the operator who signalled can undo'),
            'undo_window_passed': _('undo window of %(window)d s has passed'),
            'signal_superseded': _('the card was signalled again since'),
            'order_shared': _('its order also fills other cards'),
            'order_started': _('its replenishment order has already started'),
            'nothing_to_undo': _('nothing to undo'),
            'event_id': _('invalid event id'),
            'window': _('scheduled: waits for the next window'),
            'wip_cap': _('WIP cap: %(open)d of %(cap)d orders open'),
            'batch': _('batch: %(waiting)d of %(size)d cards'),
            'empty_barcode': _('empty barcode'),
            'barcode_type': _('a barcode must be text'),
            'barcode_too_long': _('barcode longer than %(max)d characters'),
            'barcode_characters': _('barcode with invalid characters'),
            'supermarket_id': _('invalid supermarket id'),
            'idempotency_key': _('invalid idempotency key (up to %(max)d letters, digits, . _ : -)'),
            'key_reused': _('idempotency key "%(key)s" was already used for another barcode'),
            'unknown_barcode': _('unknown card barcode "%(barcode)s"'),
        }

    @api.model
    def _text(self, reason):
        """A Reason (or plain text, or None) in words."""
        if not reason:
            return False
        template = self._texts().get(getattr(reason, 'code', None))
        if template is None:
            return str(reason)
        return template % reason.params if reason.params else template
