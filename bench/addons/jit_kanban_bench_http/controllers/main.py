"""The HTTP load baseline: Odoo's bare procurement of what one card signal
orders (same product, quantity, supermarket, route, company, warehouse,
BoM, planned date), behind the same JSON route machinery as the scanners' signal route.
Loaded as a server-wide module by the benchmark's own servers only."""
from odoo import http
from odoo.http import request


class BenchProcurementController(http.Controller):

    @http.route('/jit_kanban_bench/procure', type='json', auth='user')
    def procure(self, barcode=None, **kwargs):
        Card = request.env['jit.kanban.card']
        # as the caller: access rights and record rules, as the signal does
        card = Card.search([('barcode', '=', barcode)], limit=1)
        if not card:
            return {'result': 'rejected', 'message': 'unknown card'}
        loop = card.sudo().loop_id
        values = {'route_ids': loop.route_id, 'company_id': loop.company_id,
                  'warehouse_id': loop.warehouse_id or loop.location_id._kanban_warehouse(),
                  'date_planned': loop._planned_date()}
        if loop.bom_id:
            values['bom_id'] = loop.bom_id
        request.env['procurement.group'].sudo().run(
            loop.product_id, loop.container_qty, loop.product_id.uom_id, loop.location_id,
            loop.name, loop.name, values)
        return {'result': 'procured'}
