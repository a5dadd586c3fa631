"""One factory for the kanban tests (built once per test class, rolled back).

A warehouse supermarket at the line, a reserve rack, a manufactured product
with a five-component BoM, a bought product with two vendors, a transferred
product with stock on the reserve rack, and helpers that do what people on
the floor do: scan, produce, receive, move.
"""
import itertools

from odoo.tests.common import SavepointCase

_unique = itertools.count(1)


class KanbanCase(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(KanbanCase, cls).setUpClass()
        env = cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True,
                                             mail_create_nolog=True))
        cls.warehouse = env['stock.warehouse'].search(
            [('company_id', '=', env.user.company_id.id)], limit=1)
        stock = cls.warehouse.lot_stock_id
        cls.supermarket = env['stock.location'].create({
            'name': 'Test Supermarket %d' % next(_unique), 'location_id': stock.id,
            'usage': 'internal', 'is_supermarket': True})
        cls.reserve = env['stock.location'].create({
            'name': 'Test Reserve %d' % next(_unique), 'location_id': stock.id, 'usage': 'internal'})
        cls.unit = env.ref('product.product_uom_unit')
        cls.vendor_a = env['res.partner'].create({'name': 'Vendor A', 'supplier': True})
        cls.vendor_b = env['res.partner'].create({'name': 'Vendor B', 'supplier': True})
        cls.components = cls.env['product.product']
        for index in range(5):
            cls.components |= cls.make_product('Component %d' % index)
        cls.assembly = cls.make_product('Assembly')
        cls.bom = env['mrp.bom'].create({
            'product_tmpl_id': cls.assembly.product_tmpl_id.id, 'product_qty': 1,
            'bom_line_ids': [(0, 0, {'product_id': c.id, 'product_qty': 2}) for c in cls.components]})
        cls.bought = cls.make_product('Bought Part', vendors=[(cls.vendor_a, 1.5), (cls.vendor_b, 1.2)])
        cls.moved = cls.make_product('Moved Part')
        cls.put_stock(cls.moved, cls.reserve, 1000)
        for component in cls.components:
            cls.put_stock(component, stock, 1000)

    # ---------------------------------------------------------------- data
    @classmethod
    def make_product(cls, name, vendors=()):
        product = cls.env['product.product'].create({
            'name': '%s %d' % (name, next(_unique)), 'type': 'product',
            'uom_id': cls.unit.id, 'uom_po_id': cls.unit.id})
        for sequence, (vendor, price) in enumerate(vendors, 1):
            cls.env['product.supplierinfo'].create({
                'name': vendor.id, 'product_tmpl_id': product.product_tmpl_id.id, 'price': price,
                'sequence': sequence})
        return product

    @classmethod
    def second_plant(cls, name):
        """Another company, its warehouse (Odoo makes one with the company)
        and a supermarket in it."""
        company = cls.env['res.company'].create({'name': name})
        warehouse = cls.env['stock.warehouse'].search([('company_id', '=', company.id)], limit=1)
        supermarket = cls.env['stock.location'].create({
            'name': '%s Supermarket' % name, 'location_id': warehouse.lot_stock_id.id,
            'is_supermarket': True, 'company_id': company.id})
        return company, warehouse, supermarket

    @classmethod
    def operator_user(cls, login, company=None):
        """A Kanban Operator, of ``company`` when given."""
        vals = {'name': login, 'login': login, 'groups_id': [
            (6, 0, [cls.env.ref('jit_kanban.group_jit_kanban_operator').id])]}
        if company:
            vals.update(company_id=company.id, company_ids=[(6, 0, company.ids)])
        return cls.env['res.users'].with_context(no_reset_password=True).create(vals)

    @classmethod
    def put_stock(cls, product, location, quantity):
        cls.env['stock.quant']._update_available_quantity(product, location, quantity)

    def make_loop(self, method='manufacture', activate=True, **values):
        defaults = {
            'manufacture': {'product_id': self.assembly.id, 'bom_id': self.bom.id},
            'buy': {'product_id': self.bought.id},
            'transfer': {'product_id': self.moved.id, 'source_location_id': self.reserve.id},
        }[method]
        vals = dict(defaults, location_id=self.supermarket.id, replenish_method=method,
                    container_qty=10.0, card_count=3, trigger_policy='immediate')
        vals.update(values)
        loop = self.env['jit.kanban.loop'].create(vals)
        if activate:
            loop.action_activate()
        return loop

    def on_hand(self, product, location=None):
        return self.env['stock.quant']._get_available_quantity(product, location or self.supermarket)

    # --------------------------------------------------------------- floor
    def scan(self, card, **kwargs):
        return self.env['jit.kanban.card'].signal_barcode(card.barcode, **kwargs)

    def produce(self, production, quantity=None):
        """Record production of ``quantity`` (all by default) and post it."""
        quantity = production.product_qty if quantity is None else quantity
        production.action_assign()
        produce = self.env['mrp.product.produce'].with_context(
            active_id=production.id, active_ids=[production.id]).create({'product_qty': quantity})
        produce.do_produce()
        production.post_inventory()

    def finish(self, production):
        production.button_mark_done()

    def validate(self, picking, quantity=None):
        """Validate a receipt/transfer for ``quantity`` (all by default);
        a partial quantity leaves a backorder, as Odoo asks."""
        picking.action_assign()
        for move in picking.move_lines:
            move.quantity_done = move.product_uom_qty if quantity is None else quantity
        result = picking.button_validate()
        if isinstance(result, dict) and result.get('res_model') == 'stock.backorder.confirmation':
            self.env['stock.backorder.confirmation'].create(
                {'pick_ids': [(4, picking.id)]}).process()
        return picking

    def events(self, card, event_type=None):
        events = card.event_ids
        return events.filtered(lambda e: e.event_type == event_type) if event_type else events
