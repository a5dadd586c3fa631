from datetime import timedelta

from odoo import _, api, fields, models, tools

from .. import engine
from . import access, kanban_sql

# the Supermarket Board's domain (jit_kanban_loop_action_board)
BOARD_DOMAIN = [('state', '!=', 'draft')]
# the board shows red first (urgency_rank)
URGENCY_RANKS = {engine.RED: 0, engine.AMBER: 1, engine.GREEN: 2}
COUNTS = ('full_count', 'empty_count', 'ordered_count')


class JitKanbanLoop(models.Model):
    """What the board, sizing and KPIs of a loop read: every figure is
    computed set-based (a fixed number of queries for any number of loops)."""
    _inherit = 'jit.kanban.loop'

    # board figures, kept by _refresh_board() whenever cards change, so the
    # board is one indexed read however many cards and events there are
    full_count = fields.Integer('Full', readonly=True, copy=False)
    empty_count = fields.Integer('Empty', readonly=True, copy=False)
    ordered_count = fields.Integer('Ordered', readonly=True, copy=False)
    blocked_count = fields.Integer('Blocked', readonly=True, copy=False)
    urgency = fields.Selection([('green', 'Green'), ('amber', 'Amber'), ('red', 'Red')],
                               readonly=True, copy=False, default='green')
    # (indexed first in the board's order index, jit_kanban_loop_board_order_index)
    urgency_rank = fields.Integer(readonly=True, copy=False, default=2,
                                  help='0 red, 1 amber, 2 green: the board shows red first.')


    def init(self):
        # the board's first page (red first across all supermarkets) is read
        # by index, not sorted from all the loops
        self._cr.execute('DROP INDEX IF EXISTS jit_kanban_loop_board_column_index')
        tools.create_index(self._cr, 'jit_kanban_loop_board_order_index', self._table,
                           ['urgency_rank', 'empty_count DESC', 'name'])

    def _refresh_board(self, cards_changed=True, notify=True):
        """Recount the cards of these loops (one query) and store the board
        figures and urgency (one query); the loop row is written either way,
        which is what makes concurrent card changes serialize (lock_loops)."""
        if not self.ids:
            return
        self.env.cr.execute("""
            SELECT l.id, l.urgency,
                   COUNT(c.id) FILTER (WHERE c.state = 'full'),
                   COUNT(c.id) FILTER (WHERE c.state = 'empty'),
                   COUNT(c.id) FILTER (WHERE c.state = 'ordered'),
                   COUNT(c.id) FILTER (WHERE c.state = 'blocked')
              FROM jit_kanban_loop l
              LEFT JOIN jit_kanban_card c ON c.loop_id = l.id AND c.active
             WHERE l.id IN %s GROUP BY l.id, l.urgency""", (tuple(self.ids),))
        rows = []
        turned_red = []
        for loop_id, before, full, empty, ordered, blocked in self.env.cr.fetchall():
            level = engine.urgency(full, full + empty + ordered)
            if level == engine.RED and before != engine.RED:
                turned_red.append(loop_id)
            rows.append((loop_id, full, empty, ordered, blocked, level, URGENCY_RANKS[level]))
        self.env.cr.execute("""
            UPDATE jit_kanban_loop l
               SET full_count = v.n_full, empty_count = v.n_empty, ordered_count = v.n_ordered,
                   blocked_count = v.n_blocked, urgency = v.urgency, urgency_rank = v.rank,
                   last_signal_at = CASE WHEN %s THEN (now() at time zone 'UTC')
                                         ELSE l.last_signal_at END
              FROM (VALUES %s) AS v(id, n_full, n_empty, n_ordered, n_blocked, urgency, rank)
             WHERE l.id = v.id""" % ('%s', ', '.join(['(%s, %s, %s, %s, %s, %s, %s)'] * len(rows))),
                            [bool(cards_changed)] + [value for row in rows for value in row])
        self.invalidate_cache(['full_count', 'empty_count', 'ordered_count', 'blocked_count',
                               'urgency', 'urgency_rank'], self.ids)
        if turned_red:
            self.browse(turned_red)._alert_red()
        if notify:
            self._notify_board()

    def _shift_board(self, full=0, empty=0, ordered=0, events=(), user_id=None, emptied=None,
                     locked_row=None):
        """A scan's change to the board counts, without a recount, and its
        event rows, by ``user_id``, recorded in the same statement (their
        ids are returned), with its card ``emptied`` when it waits
        (kanban_sql.Signalled).  The new urgency is written by the same
        statement, worked out from the counts read with the loop's lock
        (``locked_row``); if the counts it returns give another (they moved
        in between), the cards are recounted.  A loop turning red raises
        its alert."""
        self.ensure_one()
        urgency, before = None, None
        if locked_row:
            counts = [locked_row[name] for name in COUNTS]
            level = engine.urgency(counts[0] + full, sum(counts) + full + empty + ordered)
            urgency, before = (level, URGENCY_RANKS[level]), locked_row['urgency']
        counts, event_ids = kanban_sql.shift_board(self.env.cr, self.id, full, empty, ordered,
                                                   user_id or self.env.uid, events,
                                                   notice=self._board_notice(), emptied=emptied,
                                                   urgency=urgency)
        self._board_notice_stored()
        self.invalidate_cache(list(COUNTS) + ['urgency', 'urgency_rank'], self.ids)
        if events:
            self.env['jit.kanban.event']._inserted(event_ids)
        level = engine.urgency(counts[0], sum(counts[:3]))
        if level != counts[3]:
            self._refresh_board(notify=False)
        elif level == engine.RED and before not in (None, engine.RED):
            self._alert_red()
        return event_ids

    @api.model
    def search_count(self, args):
        """The Supermarket Board's count (its action's domain, no filter),
        which the web client reads for a full first page, from the
        per-company totals the database keeps (jit.kanban.board.total):
        counting the loops would read every loop of the factory on each
        opening.  Any other domain, or rules on loops other than the
        company rule, count the loops as usual."""
        board = [list(term) for term in BOARD_DOMAIN]
        if self._context.get('active_test', True) and isinstance(args, (list, tuple)) \
                and [list(term) if isinstance(term, (list, tuple)) else term
                     for term in args] == board:
            self.check_access_rights('read')
            counts = self.env['jit.kanban.board.total']._counts()
            if counts is not None:
                return counts['board_loop_count']
        return super(JitKanbanLoop, self).search_count(args)

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """The board's order (red first, jit_kanban_loop_view_kanban's
        default_order) sorts the loops within a column, not the columns:
        Odoo would ignore it for the groups with a warning in the log each
        time the board is grouped.  The groups keep their own order; an
        order by what is grouped or summed is Odoo's as before."""
        groups = [groupby] if isinstance(groupby, str) else list(groupby or [])
        sortable = {name.split(':')[0] for name in groups + list(fields or [])}
        if orderby:
            orderby = ','.join(term for term in orderby.split(',')
                               if term.split()[0].strip('"') in sortable) or False
        return super(JitKanbanLoop, self).read_group(domain, fields, groupby, offset=offset,
                                                     limit=limit, orderby=orderby, lazy=lazy)

    @api.model
    def _refresh_all_boards(self):
        self.with_context(active_test=False).search([])._refresh_board(cards_changed=False)
        return True

    def _alert_red(self):
        """A loop just turned red: its responsible gets a to-do, once."""
        todo = self.env.ref('mail.mail_activity_data_todo', raise_if_not_found=False)
        model = self.env['ir.model']._get('jit.kanban.loop')
        Activity = self.env['mail.activity'].sudo()
        for loop in self.sudo():
            self.env['jit.kanban.event']._record_loop(loop, 'alert', _('loop turned red'))
            if not loop.user_id or Activity.search_count([
                    ('res_model_id', '=', model.id), ('res_id', '=', loop.id),
                    ('activity_type_id', '=', todo.id if todo else False)]):
                continue
            Activity.create({
                'res_model_id': model.id, 'res_id': loop.id, 'user_id': loop.user_id.id,
                'activity_type_id': todo.id if todo else False,
                'summary': _('%s is red: %d of %d containers left') % (
                    loop.name, loop.full_count, loop.full_count + loop.empty_count + loop.ordered_count),
            })
