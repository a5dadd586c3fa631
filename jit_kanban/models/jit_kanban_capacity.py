from odoo import fields, models, tools

# load in hours of one order of :qty product units on one routing step, as
# Odoo estimates it (set-up + whole cycles x cycle time / efficiency)
LOAD_HOURS = """(COALESCE(wc.time_start, 0) + COALESCE(wc.time_stop, 0)
    + CEIL(%(qty)s / COALESCE(NULLIF(b.product_qty, 0), 1) / COALESCE(NULLIF(wc.capacity, 0), 1) - 1e-9)
      * rw.time_cycle_manual * 100.0 / COALESCE(NULLIF(wc.time_efficiency, 0), 100)) / 60.0"""


class JitKanbanCapacity(models.Model):
    """Work center load per day against its available hours: open
    manufacturing orders on their planned day, the kanban cards waiting
    for an order today, and the working hours of the work center's
    calendar (else its company's) for every day of the past week and next
    two weeks (0 on days off)."""
    _name = 'jit.kanban.capacity'
    _description = 'Work Center Load'
    _auto = False
    _order = 'date, workcenter_id'

    workcenter_id = fields.Many2one('mrp.workcenter', 'Work Center', readonly=True)
    date = fields.Date(readonly=True)
    kind = fields.Selection([('capacity', 'Available'), ('kanban', 'Kanban orders'),
                             ('waiting', 'Waiting cards'), ('other', 'Other orders')],
                            readonly=True)
    loop_id = fields.Many2one('jit.kanban.loop', 'Kanban Loop', readonly=True)
    production_id = fields.Many2one('mrp.production', 'Manufacturing Order', readonly=True)
    product_id = fields.Many2one('product.product', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    load_hours = fields.Float('Load (h)', readonly=True, digits=(16, 2))
    available_hours = fields.Float('Available (h)', readonly=True, digits=(16, 2))
    # one measure for the graph: load bars beside available bars, per day
    series = fields.Selection([('load', 'Load'), ('available', 'Available')], readonly=True)
    hours = fields.Float('Hours', readonly=True, digits=(16, 2))

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("""
            CREATE VIEW jit_kanban_capacity AS (
            SELECT row_number() OVER () AS id, rows.*,
                   CASE WHEN rows.kind = 'capacity' THEN 'available' ELSE 'load' END AS series,
                   rows.load_hours + rows.available_hours AS hours
              FROM (
                SELECT rw.workcenter_id, mo.date_planned_start::date AS date,
                       CASE WHEN mo.jit_kanban_loop_id IS NULL THEN 'other' ELSE 'kanban' END AS kind,
                       mo.jit_kanban_loop_id AS loop_id, mo.id AS production_id, mo.product_id,
                       mo.company_id, %(mo_load)s AS load_hours, 0.0 AS available_hours
                  FROM mrp_production mo
                  JOIN mrp_bom b ON b.id = mo.bom_id
                  JOIN mrp_routing_workcenter rw ON rw.routing_id = mo.routing_id
                  JOIN mrp_workcenter wc ON wc.id = rw.workcenter_id
                 WHERE mo.state NOT IN ('done', 'cancel')
                UNION ALL
                SELECT rw.workcenter_id, (now() AT TIME ZONE 'UTC')::date, 'waiting', l.id, NULL,
                       l.product_id, l.company_id, %(card_load)s, 0.0
                  FROM (SELECT loop_id, COUNT(*) AS cards FROM jit_kanban_card
                         WHERE state = 'empty' AND active GROUP BY loop_id) w
                  JOIN jit_kanban_loop l ON l.id = w.loop_id AND l.replenish_method = 'manufacture'
                  JOIN mrp_bom b ON b.id = l.bom_id
                  JOIN mrp_routing_workcenter rw ON rw.routing_id = b.routing_id
                  JOIN mrp_workcenter wc ON wc.id = rw.workcenter_id
                UNION ALL
                SELECT wc.id, d.day::date, 'capacity', NULL, NULL, NULL, wc.company_id, 0.0,
                       COALESCE(SUM(a.hour_to - a.hour_from), 0.0)
                  FROM mrp_workcenter wc
                  JOIN resource_resource r ON r.id = wc.resource_id
                  LEFT JOIN res_company co ON co.id = r.company_id
                 CROSS JOIN generate_series((now() AT TIME ZONE 'UTC')::date - 7,
                                            (now() AT TIME ZONE 'UTC')::date + 13,
                                            interval '1 day') AS d(day)
                  LEFT JOIN resource_calendar_attendance a
                    ON a.calendar_id = COALESCE(r.calendar_id, co.resource_calendar_id)
                   AND a.dayofweek::int = EXTRACT(ISODOW FROM d.day) - 1
                   AND (a.date_from IS NULL OR a.date_from <= d.day::date)
                   AND (a.date_to IS NULL OR a.date_to >= d.day::date)
                 WHERE wc.active
                 GROUP BY wc.id, d.day, wc.company_id
            ) rows)""" % {'mo_load': LOAD_HOURS % {'qty': 'mo.product_qty'},
                          'card_load': LOAD_HOURS % {'qty': 'w.cards * l.container_qty'}})
