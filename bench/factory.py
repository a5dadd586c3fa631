"""The benchmark's own factory: products, a 5-component BoM, a vendor, a
supermarket and one active ``immediate`` loop per replenishment method.
Nothing from the demo data is used (only the main company and its
warehouse, which every database has)."""

QUIET = {'tracking_disable': True, 'mail_create_nolog': True, 'mail_create_nosubscribe': True,
         'mail_notrack': True}
COMPONENTS = 5
CONTAINER_QTY = 5.0


class Factory:
    """Creates the records once per run (inside the bench transaction)."""

    def __init__(self, env, tag='BENCH'):
        self.env = env(context=dict(env.context, **QUIET))
        self.tag = tag
        self.company = self.env.user.company_id
        self.warehouse = self.env['stock.warehouse'].search(
            [('company_id', '=', self.company.id)], limit=1)
        if not self.warehouse:
            raise RuntimeError('the main company has no warehouse')

    # ------------------------------------------------------------------
    def product(self, name, **extra):
        vals = {'name': '%s %s' % (self.tag, name), 'type': 'product', 'default_code': '%s-%s' % (
            self.tag, name), 'standard_price': 1.0, 'list_price': 2.0}
        vals.update(extra)
        return self.env['product.product'].create(vals)

    def supermarket(self, name, parent=None):
        return self.env['stock.location'].create({
            'name': '%s %s' % (self.tag, name),
            'usage': 'internal',
            'location_id': (parent or self.warehouse.lot_stock_id).id,
            'is_supermarket': True,
        })

    def vendor(self):
        return self.env['res.partner'].create({'name': '%s Vendor' % self.tag, 'supplier': True,
                                               'customer': False, 'is_company': True})

    def bom(self, product, components):
        return self.env['mrp.bom'].create({
            'product_tmpl_id': product.product_tmpl_id.id,
            'product_id': product.id,
            'product_qty': 1.0,
            'type': 'normal',
            'bom_line_ids': [(0, 0, {'product_id': component.id, 'product_qty': index + 1.0})
                             for index, component in enumerate(components)],
        })

    def loop(self, product, supermarket, method, activate=True, **extra):
        vals = {'product_id': product.id, 'location_id': supermarket.id,
                'replenish_method': method, 'container_qty': CONTAINER_QTY, 'card_count': 3,
                'trigger_policy': 'immediate', 'lead_time_days': 1.0}
        vals.update(extra)
        loop = self.env['jit.kanban.loop'].create(vals)
        if activate:
            loop.action_activate()
        return loop

    # ------------------------------------------------------------------
    def signal_setup(self):
        """One loop per method, with what Odoo's procurement needs to make its order."""
        supermarket = self.supermarket('Supermarket')
        components = [self.product('Component %d' % i) for i in range(1, COMPONENTS + 1)]
        vendor = self.vendor()
        finished = self.product('Assembly')
        bom = self.bom(finished, components)
        bought = self.product('Bought part', seller_ids=[(0, 0, {
            'name': vendor.id, 'price': 3.0, 'min_qty': 0.0, 'delay': 2})])
        moved = self.product('Transferred part')
        # some stock at the source so the transfer is a realistic one
        self.env['stock.quant']._update_available_quantity(moved, self.warehouse.lot_stock_id, 1000.0)
        loops = {
            'manufacture': self.loop(finished, supermarket, 'manufacture', bom_id=bom.id),
            'buy': self.loop(bought, supermarket, 'buy', vendor_id=vendor.id),
            'transfer': self.loop(moved, supermarket, 'transfer',
                                  source_location_id=self.warehouse.lot_stock_id.id),
        }
        for method, loop in loops.items():
            if loop.state != 'active' or not loop.route_id:
                raise RuntimeError('the %s loop did not activate' % method)
        return {'supermarket': supermarket, 'loops': loops, 'bom': bom, 'vendor': vendor}

    def baseline_values(self, loop):
        """What the brief calls the bare procurement: the same route, company,
        warehouse, BoM and planned date (the loop's lead time from now), no
        kanban keys."""
        values = {'route_ids': loop.route_id, 'company_id': loop.company_id,
                  'warehouse_id': self.warehouse, 'date_planned': loop._planned_date()}
        if loop.bom_id:
            values['bom_id'] = loop.bom_id
        return values
