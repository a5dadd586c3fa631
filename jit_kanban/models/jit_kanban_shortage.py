from odoo import _, api, fields, models, tools

from ..engine import shortage

LEVELS = [(shortage.HIGH, 'High'), (shortage.MEDIUM, 'Medium'), (shortage.LOW, 'Low'),
          (shortage.NONE, 'None')]


class JitKanbanShortage(models.Model):
    """Which parts are at risk today: one row per kanban loop in use with
    the facts that threaten its supermarket, ranked by risk.  A database
    view, so the whole screen is one query however many loops there are."""
    _name = 'jit.kanban.shortage'
    _description = 'Kanban Shortage Risk'
    _auto = False
    # ties by the loop's name, a column of the view: ordering by loop_id
    # would make Odoo join the loops and their supermarkets for every search
    # and count, each of which ranks every loop of the factory
    _order = 'risk_score desc, late_order_count desc, oldest_signal_at, loop_name, id'
    _rec_name = 'loop_id'

    loop_id = fields.Many2one('jit.kanban.loop', 'Loop', readonly=True)
    loop_name = fields.Char('Loop Name', readonly=True)
    product_id = fields.Many2one('product.product', 'Product', readonly=True)
    location_id = fields.Many2one('stock.location', 'Supermarket', readonly=True)
    company_id = fields.Many2one('res.company', readonly=True)
    replenish_method = fields.Selection(
        [('manufacture', 'Manufacture'), ('buy', 'Buy'), ('transfer', 'Transfer')],
        'Replenishment', readonly=True)
    lead_time_days = fields.Float('Planned Lead Time (days)', readonly=True)
    full_count = fields.Integer('Full Cards', readonly=True)
    claimed_qty = fields.Float('Full Cards Claim', readonly=True,
                               help='Full cards × container quantity: what should be on the shelf.')
    on_hand_qty = fields.Float('On Hand', readonly=True)
    late_card_count = fields.Integer('Cards Waiting Too Long', readonly=True,
                                     help='Cards not full for longer than the planned lead time.')
    oldest_signal_at = fields.Datetime('Oldest Signal', readonly=True)
    late_order_count = fields.Integer('Orders Past Due', readonly=True)
    short_component_count = fields.Integer(
        'Components Short', readonly=True,
        help='Components the open kanban manufacturing orders need beyond the stock where they are consumed.')
    risk_score = fields.Integer('Risk', readonly=True, group_operator='max')
    risk_level = fields.Selection(LEVELS, 'Risk Level', readonly=True)
    action_text = fields.Char('What to Do', compute='_compute_action_text')

    def _compute_action_text(self):
        for row in self:
            row.action_text = row._action_for(shortage.worst_code(row.risk_score))

    def _action_for(self, code):
        unit = self.product_id.uom_id.name or ''
        if code == shortage.NEGATIVE:
            return _('Count the supermarket and correct the stock: it shows %.0f %s.') % (
                self.on_hand_qty, unit)
        if code == shortage.BELOW_CLAIM:
            return _('Count the shelf: %.0f %s on hand, the full cards claim %.0f; '
                     'correct the cards or bring stock.') % (self.on_hand_qty, unit, self.claimed_qty)
        if code == shortage.SHORT_COMPONENTS:
            return _('Supply %d component(s) to production: the open orders cannot be built.') % (
                self.short_component_count)
        if code == shortage.LATE_ORDER:
            return _('Chase %d order(s) past due.') % self.late_order_count
        if code == shortage.LATE_CARD:
            return _('Order or expedite %d card(s) waiting longer than planned.') % self.late_card_count
        return ''

    @api.model_cr
    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute("CREATE VIEW %s AS (%s)" % (self._table, self._query()))

    @staticmethod
    def _query():
        weights = shortage.WEIGHT
        return """
            WITH now_utc AS (SELECT NOW() AT TIME ZONE 'UTC' AS at),
            loops AS (
                SELECT l.* FROM jit_kanban_loop l WHERE l.active AND l.state != 'draft'
            ),
            on_hand AS (
                SELECT l.id AS loop_id, COALESCE(SUM(q.quantity), 0) AS qty
                  FROM loops l
                  JOIN stock_location sm ON sm.id = l.location_id
                  JOIN stock_location inside ON inside.parent_left >= sm.parent_left
                                            AND inside.parent_left < sm.parent_right
                  LEFT JOIN stock_quant q ON q.location_id = inside.id AND q.product_id = l.product_id
                 GROUP BY l.id
            ),
            late_cards AS (
                SELECT c.loop_id, COUNT(*) AS n, MIN(c.signalled_at) AS oldest
                  FROM jit_kanban_card c JOIN loops l ON l.id = c.loop_id, now_utc
                 WHERE c.active AND c.state IN ('empty', 'ordered')
                   AND c.signalled_at < now_utc.at - l.lead_time_days * INTERVAL '1 day'
                 GROUP BY c.loop_id
            ),
            late_orders AS (
                SELECT mo.jit_kanban_loop_id AS loop_id, COUNT(*) AS n
                  FROM mrp_production mo, now_utc
                 WHERE mo.jit_kanban_loop_id IS NOT NULL AND mo.state NOT IN ('done', 'cancel')
                   AND mo.date_planned_finished < now_utc.at
                 GROUP BY mo.jit_kanban_loop_id
                UNION ALL
                SELECT pol.jit_kanban_loop_id, COUNT(DISTINCT pol.order_id)
                  FROM purchase_order_line pol
                  JOIN purchase_order po ON po.id = pol.order_id, now_utc
                 WHERE pol.jit_kanban_loop_id IS NOT NULL AND po.state != 'cancel'
                   AND COALESCE(pol.qty_received, 0) < pol.product_qty
                   AND pol.date_planned < now_utc.at
                 GROUP BY pol.jit_kanban_loop_id
                UNION ALL
                SELECT g.jit_kanban_loop_id, COUNT(*)
                  FROM stock_picking p
                  JOIN procurement_group g ON g.id = p.group_id, now_utc
                 WHERE g.jit_kanban_loop_id IS NOT NULL AND p.state NOT IN ('done', 'cancel')
                   AND p.scheduled_date < now_utc.at
                 GROUP BY g.jit_kanban_loop_id
            ),
            need AS (
                SELECT mo.jit_kanban_loop_id AS loop_id, m.product_id, m.location_id,
                       SUM(m.product_qty) AS qty
                  FROM stock_move m
                  JOIN mrp_production mo ON mo.id = m.raw_material_production_id
                 WHERE mo.jit_kanban_loop_id IS NOT NULL AND mo.state NOT IN ('done', 'cancel')
                   AND m.state NOT IN ('done', 'cancel')
                 GROUP BY mo.jit_kanban_loop_id, m.product_id, m.location_id
            ),
            demand AS (
                SELECT product_id, location_id, SUM(qty) AS qty FROM need GROUP BY product_id, location_id
            ),
            available AS (
                SELECT d.product_id, d.location_id, COALESCE(SUM(q.quantity), 0) AS qty
                  FROM demand d
                  JOIN stock_location src ON src.id = d.location_id
                  JOIN stock_location inside ON inside.parent_left >= src.parent_left
                                            AND inside.parent_left < src.parent_right
                  LEFT JOIN stock_quant q ON q.location_id = inside.id AND q.product_id = d.product_id
                 GROUP BY d.product_id, d.location_id
            ),
            short AS (
                SELECT n.loop_id, COUNT(DISTINCT n.product_id) AS n
                  FROM need n
                  JOIN demand d ON d.product_id = n.product_id AND d.location_id = n.location_id
                  JOIN available a ON a.product_id = n.product_id AND a.location_id = n.location_id
                 WHERE a.qty < d.qty
                 GROUP BY n.loop_id
            ),
            facts AS (
                SELECT l.id, l.name AS loop_name, l.product_id, l.location_id, l.company_id,
                       l.replenish_method,
                       l.lead_time_days, l.full_count, l.full_count * l.container_qty AS claimed_qty,
                       oh.qty AS on_hand_qty, COALESCE(lc.n, 0) AS late_card_count,
                       lc.oldest AS oldest_signal_at,
                       COALESCE(lo.n, 0) AS late_order_count,
                       COALESCE(s.n, 0) AS short_component_count
                  FROM loops l
                  JOIN on_hand oh ON oh.loop_id = l.id
                  LEFT JOIN late_cards lc ON lc.loop_id = l.id
                  LEFT JOIN short s ON s.loop_id = l.id
                  LEFT JOIN (SELECT loop_id, SUM(n) AS n FROM late_orders GROUP BY loop_id) lo
                         ON lo.loop_id = l.id
            ),
            scored AS (
                SELECT f.*,
                       CASE WHEN f.on_hand_qty < 0 THEN %(negative)d
                            WHEN f.on_hand_qty < f.claimed_qty THEN %(below_claim)d ELSE 0 END
                       + CASE WHEN f.short_component_count > 0 THEN %(short)d ELSE 0 END
                       + CASE WHEN f.late_order_count > 0 THEN %(late_order)d ELSE 0 END
                       + CASE WHEN f.late_card_count > 0 THEN %(late_card)d ELSE 0 END AS risk_score
                  FROM facts f
            )
            SELECT id, id AS loop_id, loop_name, product_id, location_id, company_id,
                   replenish_method, lead_time_days, full_count, claimed_qty, on_hand_qty, late_card_count,
                   oldest_signal_at, late_order_count::integer AS late_order_count,
                   short_component_count::integer AS short_component_count, risk_score,
                   CASE WHEN risk_score >= %(high)d THEN '%(level_high)s'
                        WHEN risk_score >= %(medium)d THEN '%(level_medium)s'
                        WHEN risk_score > 0 THEN '%(level_low)s'
                        ELSE '%(level_none)s' END AS risk_level
              FROM scored""" % {
            'negative': weights[shortage.NEGATIVE], 'below_claim': weights[shortage.BELOW_CLAIM],
            'short': weights[shortage.SHORT_COMPONENTS], 'late_order': weights[shortage.LATE_ORDER],
            'late_card': weights[shortage.LATE_CARD],
            'high': weights[shortage.BELOW_CLAIM], 'medium': weights[shortage.LATE_ORDER],
            'level_high': shortage.HIGH, 'level_medium': shortage.MEDIUM,
            'level_low': shortage.LOW, 'level_none': shortage.NONE,
        }

    @api.multi
    def action_open_loop(self):
        self.ensure_one()
        return {'type': 'ir.actions.act_window', 'res_model': 'jit.kanban.loop',
                'res_id': self.loop_id.id, 'view_mode': 'form', 'target': 'current'}
