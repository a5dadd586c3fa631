from odoo import _, models
from odoo.exceptions import UserError


class ProcurementRule(models.Model):
    """Kanban orders are made by Odoo's procurement; these hooks only mark the
    order with its loop (values carry ``jit_kanban_loop``).  The cards are
    tied to it afterwards, in the statement that marks them ordered
    (JitKanbanLoop._new_order_ref): under the loop's lock, the loop's newest
    order is the one just made."""
    _inherit = 'procurement.rule'

    @staticmethod
    def _jit_kanban_link(values):
        loop = values.get('jit_kanban_loop')
        return {'jit_kanban_loop_id': loop.id} if loop else {}

    def _prepare_mo_vals(self, product_id, product_qty, product_uom, location_id, name, origin,
                         values, bom):
        vals = super(ProcurementRule, self)._prepare_mo_vals(
            product_id, product_qty, product_uom, location_id, name, origin, values, bom)
        vals.update(self._jit_kanban_link(values))
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
        vals.update(self._jit_kanban_link(values))
        return vals

    def _update_purchase_order_line(self, product_id, product_qty, product_uom, values, line,
                                    partner):
        vals = super(ProcurementRule, self)._update_purchase_order_line(
            product_id, product_qty, product_uom, values, line, partner)
        if values.get('jit_kanban_loop'):
            values['jit_kanban_merged_line'] = line.id  # merged: no new line to find
        return vals
