from datetime import timedelta

from odoo import _, api, fields, models

from .. import engine

KPI_DAYS = 30
HISTORY_DAYS = 90
TRENDS = [('faster', 'Faster'), ('steady', 'Steady'), ('slower', 'Slower')]


class JitKanbanLoop(models.Model):
    """Lead-time KPIs of a loop, planned vs actual in one unit (hours), from
    its events: one grouped query for any number of loops."""
    _inherit = 'jit.kanban.loop'

    kpi_signals = fields.Integer('Signals (30 days)', compute='_compute_kpis')
    kpi_rejections = fields.Integer('Rejected Scans (30 days)', compute='_compute_kpis')
    kpi_stockouts = fields.Integer('Times Red (30 days)', compute='_compute_kpis')
    kpi_planned_hours = fields.Float('Planned Lead Time (h)', compute='_compute_kpis',
                                     digits=(16, 1))
    kpi_receipt_count = fields.Integer('Receipts (90 days)', compute='_compute_kpis')
    kpi_lead_latest_hours = fields.Float('Latest Lead Time (h)', compute='_compute_kpis',
                                         digits=(16, 2))
    kpi_lead_time_hours = fields.Float('Average Lead Time (h, 30 days)', compute='_compute_kpis',
                                       digits=(16, 2))
    kpi_lead_90_hours = fields.Float('Average Lead Time (h, 90 days)', compute='_compute_kpis',
                                     digits=(16, 2))
    kpi_lead_trend = fields.Selection(TRENDS, 'Lead Time Trend', compute='_compute_kpis',
                                      help='Last 30 days against the 60 days before.')
    kpi_late_count = fields.Integer('Late Receipts (90 days)', compute='_compute_kpis',
                                    help='Receipts that took longer than the planned lead time.')
    kpi_lead_summary = fields.Char('Lead Time', compute='_compute_kpis')

    def _compute_kpis(self):
        figures = {}
        if self.ids:
            now = fields.Datetime.from_string(fields.Datetime.now())
            since_kpi = fields.Datetime.to_string(now - timedelta(days=KPI_DAYS))
            since_history = fields.Datetime.to_string(now - timedelta(days=HISTORY_DAYS))
            # the loops are already readable by the caller; this only counts their events
            self.env.cr.execute("""
                SELECT e.loop_id,
                       COUNT(*) FILTER (WHERE e.event_type = 'signal' AND e.date >= %(kpi)s),
                       COUNT(*) FILTER (WHERE e.event_type = 'reject' AND e.date >= %(kpi)s),
                       COUNT(*) FILTER (WHERE e.event_type = 'alert' AND e.date >= %(kpi)s),
                       COUNT(*) FILTER (WHERE e.event_type = 'receive' AND e.lead_time_hours IS NOT NULL),
                       (ARRAY_AGG(e.lead_time_hours ORDER BY e.date DESC, e.id DESC)
                            FILTER (WHERE e.event_type = 'receive' AND e.lead_time_hours IS NOT NULL))[1],
                       AVG(e.lead_time_hours) FILTER (WHERE e.event_type = 'receive' AND e.date >= %(kpi)s),
                       AVG(e.lead_time_hours) FILTER (WHERE e.event_type = 'receive'),
                       AVG(e.lead_time_hours) FILTER (WHERE e.event_type = 'receive' AND e.date < %(kpi)s),
                       COUNT(*) FILTER (WHERE e.event_type = 'receive'
                                          AND e.lead_time_hours > l.lead_time_days * 24)
                  FROM jit_kanban_event e
                  JOIN jit_kanban_loop l ON l.id = e.loop_id
                 WHERE e.loop_id IN %(loops)s AND e.date >= %(history)s
                 GROUP BY e.loop_id""",
                                {'kpi': since_kpi, 'history': since_history, 'loops': tuple(self.ids)})
            figures = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        trends = dict(TRENDS)
        for loop in self:
            (signals, rejections, stockouts, receipts, latest, avg_30, avg_90, avg_before,
             late) = figures.get(loop.id, (0, 0, 0, 0, None, None, None, None, 0))
            loop.kpi_signals, loop.kpi_rejections, loop.kpi_stockouts = signals, rejections, stockouts
            loop.kpi_planned_hours = loop.lead_time_days * 24.0
            loop.kpi_receipt_count = receipts
            loop.kpi_lead_latest_hours = latest or 0.0
            loop.kpi_lead_time_hours = avg_30 or 0.0
            loop.kpi_lead_90_hours = avg_90 or 0.0
            trend = engine.shortage.lead_time_trend(avg_30, avg_before)
            loop.kpi_lead_trend = trend
            loop.kpi_late_count = late
            if not receipts:
                loop.kpi_lead_summary = _('No receipt yet (planned %.1f h)') % loop.kpi_planned_hours
            else:
                loop.kpi_lead_summary = _('Planned %.1f h, latest %s, 90-day average %s%s') % (
                    loop.kpi_planned_hours, _hours(latest), _hours(avg_90),
                    (_(', trend: %s') % trends[trend]) if trend else '')

    @api.multi
    def action_open_lead_time_chart(self):
        """Lead time of each receipt over the weeks, against the plan."""
        self.ensure_one()
        action = self.env.ref('jit_kanban.jit_kanban_event_action_lead_time').read()[0]
        action['domain'] = [('loop_id', '=', self.id), ('event_type', '=', 'receive')]
        action['display_name'] = action['name'] = _('Lead time of %s (planned %.1f h)') % (
            self.name, self.lead_time_days * 24.0)
        return action


def _hours(value):
    """Short receipts stay visible: 43 s is '0.01 h', not '0.0 h'."""
    if value is None:
        return '-'
    return '%.2f h' % value if value < 10 else '%.1f h' % value
