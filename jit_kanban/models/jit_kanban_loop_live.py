import random

import odoo
from odoo import fields, models
from odoo.addons.bus.models.bus import json_dump

from .. import engine

# the bus channel the live boards listen on; the message carries no data
# (each board re-reads what its user may see), so one channel serves all
BOARD_CHANNEL = 'jit_kanban_board'
BOARD_MESSAGE = {'kind': 'board'}
# the notice as bus.bus stores it, and the channel list its listeners are woken with
STORED_NOTICE = (json_dump(BOARD_CHANNEL), json_dump(BOARD_MESSAGE))
WAKE_CHANNELS = json_dump([BOARD_CHANNEL])


class JitKanbanLoop(models.Model):
    """What the live board shows beside the counts: how long the oldest
    card awaiting refill (empty or ordered) has waited and whether that is
    longer than planned."""
    _inherit = 'jit.kanban.loop'

    oldest_wait_hours = fields.Float(
        'Oldest Card Awaiting Refill (h)', compute='_compute_waiting', digits=(16, 1),
        help='Hours since the oldest card of this loop that is not full again (empty or '
             'ordered) was signalled: its container has been off the shelf that long.')
    oldest_wait_label = fields.Char('Waiting', compute='_compute_waiting')
    is_late = fields.Boolean('Late', compute='_compute_waiting',
                             help='A card has waited longer than the planned lead time.')

    def _compute_waiting(self):
        """One grouped query for all loops shown."""
        waits = {}
        if self.ids:
            self.env.cr.execute("""
                SELECT loop_id, EXTRACT(EPOCH FROM (NOW() AT TIME ZONE 'UTC') - MIN(signalled_at)) / 3600.0
                  FROM jit_kanban_card
                 WHERE loop_id IN %s AND active AND state IN ('empty', 'ordered')
                   AND signalled_at IS NOT NULL
                 GROUP BY loop_id""", (tuple(self.ids),))
            waits = dict(self.env.cr.fetchall())
        for loop in self:
            hours = waits.get(loop.id)
            loop.oldest_wait_hours = hours or 0.0
            loop.is_late = engine.shortage.is_late(hours, loop.lead_time_days)
            loop.oldest_wait_label = _age_label(hours)

    def _board_notice(self):
        """(channel, message) of the boards' notification, as bus.bus stores them."""
        return STORED_NOTICE

    def _notify_board(self):
        """Tell open boards that cards changed (sent when the transaction commits)."""
        self.env['bus.bus'].sudo().sendone(BOARD_CHANNEL, BOARD_MESSAGE)

    def _board_notice_stored(self):
        """The scan's own statement inserted the boards' bus row
        (kanban_sql.shift_board: it saves a scan the ORM's create of it);
        what bus.bus.sendmany does after its create is left: the occasional
        clean-up of old rows and the wake-up of the long-polling listeners
        once the row is committed."""
        if random.random() < 0.01:
            self.env['bus.bus'].sudo().gc()
        def wake_listeners():
            with odoo.sql_db.db_connect('postgres').cursor() as cr:
                cr.execute('notify imbus, %s', (WAKE_CHANNELS,))
        self.env.cr.after('commit', wake_listeners)


def _age_label(hours):
    """'' when nothing waits, else minutes, hours or days, as people say it."""
    if hours is None:
        return ''
    if hours < 1:
        return '%d min' % max(int(hours * 60), 0)
    if hours < 48:
        return '%.0f h' % hours
    return '%.0f d' % (hours / 24.0)
