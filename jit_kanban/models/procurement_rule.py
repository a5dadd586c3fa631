from odoo import _, models
from odoo.exceptions import UserError


class ProcurementRule(models.Model):
    """Kanban orders are made by Odoo's procurement; these hooks only tie the
    order to its cards (values carry ``jit_kanban_loop`` / ``jit_kanban_cards``)."""
    _inherit = 'procurement.rule'

    @staticmethod
    def _jit_kanban_link(values):
        cards = values.get('jit_kanban_cards')
        if not cards:
            return {}
        return {'jit_kanban_card_ids': [(4, card.id) for card in cards],
                'jit_kanban_loop_id': values['jit_kanban_loop'].id}

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
        vals.update(self._jit_kanban_link(values))
        return vals
