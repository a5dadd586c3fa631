from odoo import _, models
from odoo.exceptions import UserError


class ProcurementRule(models.Model):
    """Kanban orders are made by Odoo's procurement.  The procurement values
    carry the loop and its cards (``jit_kanban_loop``, ``jit_kanban_cards``);
    these hooks tie the document they create or merge into to both, so the
    cards point at their order from the statement that makes it."""
    _inherit = 'procurement.rule'

    def _prepare_mo_vals(self, product_id, product_qty, product_uom, location_id, name, origin,
                         values, bom):
        vals = super(ProcurementRule, self)._prepare_mo_vals(
            product_id, product_qty, product_uom, location_id, name, origin, values, bom)
        vals.update(self.env['mrp.production']._jit_kanban_link_vals(values))
        return vals

    def _make_po_select_supplier(self, values, suppliers):
        loop = values.get('jit_kanban_loop')
        if loop and loop.vendor_id:
            chosen = suppliers.filtered(lambda info: info.name == loop.vendor_id)
            if not chosen:
                raise UserError(_('%s has no price list entry for %s.') % (
                    loop.vendor_id.display_name, loop.product_id.display_name))
            return chosen[0]
        return super(ProcurementRule, self)._make_po_select_supplier(values, suppliers)

    def _prepare_purchase_order_line(self, product_id, product_qty, product_uom, values, po,
                                     supplier):
        vals = super(ProcurementRule, self)._prepare_purchase_order_line(
            product_id, product_qty, product_uom, values, po, supplier)
        vals.update(self.env['purchase.order.line']._jit_kanban_link_vals(values))
        return vals

    def _update_purchase_order_line(self, product_id, product_qty, product_uom, values, line,
                                    partner):
        vals = super(ProcurementRule, self)._update_purchase_order_line(
            product_id, product_qty, product_uom, values, line, partner)
        vals.update(self.env['purchase.order.line']._jit_kanban_link_vals(values))
        return vals
