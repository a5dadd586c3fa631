"""A small factory committed to the test database for tests that drive a
real server from outside: one user per role, two companies, and loops in
every state a scan can meet.  Built once per session, under a fresh tag."""
import json
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest

PASSWORD = 'kanban-trust'
ROLES = ('manager', 'operator', 'internal', 'portal', 'other_company')


class RpcClient:
    """A logged-in JSON client, as a handheld or a script would be."""

    def __init__(self, url, database, login, password=PASSWORD):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        session = self.post('/web/session/authenticate', db=database, login=login, password=password)
        assert session.get('result', {}).get('uid'), session

    def post(self, path, **params):
        """The whole JSON-RPC envelope ({'result': ...} or {'error': ...})."""
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': params}).encode()
        request = urllib.request.Request(self.url + path, body, {'Content-Type': 'application/json'})
        try:
            with self.opener.open(request, timeout=120) as response:
                return json.loads(response.read().decode())
        except urllib.error.HTTPError as error:
            return {'http_status': error.code, 'body': error.read().decode(errors='replace')}

    def call(self, model, method, *args, **kwargs):
        return self.post('/web/dataset/call_kw', model=model, method=method, args=list(args),
                         kwargs=kwargs)


def _build(env, tag):
    """Users, companies and loops, committed by the caller."""
    ref = env.ref
    company_a = env.user.company_id
    company_b = env['res.company'].create({'name': 'Plant B %s' % tag})
    # Odoo makes each new company its warehouse
    warehouse_b = env['stock.warehouse'].search([('company_id', '=', company_b.id)], limit=1)
    Users = env['res.users'].with_context(no_reset_password=True)
    groups = {'manager': ref('jit_kanban.group_jit_kanban_manager'),
              'operator': ref('jit_kanban.group_jit_kanban_operator'),
              'internal': ref('base.group_user'), 'portal': ref('base.group_portal'),
              'other_company': ref('jit_kanban.group_jit_kanban_operator')}
    users = {}
    for role in ROLES:
        company = company_b if role == 'other_company' else company_a
        users[role] = Users.create({
            'name': 'Trust %s %s' % (role, tag), 'login': 'trust-%s-%s' % (role, tag),
            'password': PASSWORD, 'company_id': company.id, 'company_ids': [(6, 0, company.ids)],
            'groups_id': [(6, 0, groups[role].ids)]})
    stock_a = env['stock.warehouse'].search([('company_id', '=', company_a.id)], limit=1).lot_stock_id
    supermarket = env['stock.location'].create({'name': 'Trust SM %s' % tag, 'location_id': stock_a.id,
                                                'is_supermarket': True})
    other_supermarket = env['stock.location'].create({
        'name': 'Trust SM2 %s' % tag, 'location_id': stock_a.id, 'is_supermarket': True})
    reserve = env['stock.location'].create({'name': 'Trust reserve %s' % tag, 'location_id': stock_a.id})

    def loop(name, location=supermarket, company=company_a, source=reserve, activate=True, **values):
        product = env['product.product'].create({'name': 'Trust %s %s' % (name, tag), 'type': 'product',
                                                 'company_id': company.id})
        vals = dict(product_id=product.id, location_id=location.id, replenish_method='transfer',
                    source_location_id=source.id, container_qty=5, card_count=3,
                    company_id=company.id)
        vals.update(values)
        record = env['jit.kanban.loop'].create(vals)
        if activate:
            record.action_activate()
        return record
    loops = {
        'active': loop('active', card_count=6),
        'locked': loop('locked'),
        'archived': loop('archived'),
        'draft': loop('draft'),
        'retired': loop('retired', card_count=3),
        'other_supermarket': loop('elsewhere', location=other_supermarket),
        'company_b': loop('plant B', location=env['stock.location'].create({
            'name': 'B SM %s' % tag, 'location_id': warehouse_b.lot_stock_id.id,
            'is_supermarket': True, 'company_id': company_b.id}), company=company_b,
            source=warehouse_b.lot_stock_id),
    }
    loops['locked'].action_lock('changeover')
    loops['archived'].active = False
    loops['draft'].state = 'draft'  # e.g. a loop being set up again
    loops['retired'].card_count = 2
    blocked = loops['active'].card_ids.sorted('sequence')[-1]
    blocked.action_block('torn card')
    return {
        'users': {role: user.login for role, user in users.items()},
        'loops': {name: record.id for name, record in loops.items()},
        'cards': {name: record.with_context(active_test=False).card_ids.sorted('sequence').mapped('barcode')
                  for name, record in loops.items()},
        'blocked': blocked.barcode,
        'retired': loops['retired'].with_context(active_test=False).card_ids.filtered(
            lambda c: not c.active).barcode,
        'supermarket': supermarket.id,
        'other_supermarket': other_supermarket.id,
    }


@pytest.fixture(scope='session')
def trust_factory(request):
    import odoo
    database = request.config.getoption('--odoo-database')
    tag = uuid.uuid4().hex[:8]

    def archive_trust_loops():
        """This run's loops (and any an interrupted run left) leave the
        boards and the shortage screen the other tests read."""
        with odoo.api.Environment.manage(), odoo.registry(database).cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {'tracking_disable': True})
            env['jit.kanban.loop'].search([('product_id.name', '=like', 'Trust %')]).write(
                {'active': False})

    archive_trust_loops()
    with odoo.api.Environment.manage(), odoo.registry(database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {'tracking_disable': True})
        built = _build(env, tag)
    request.addfinalizer(archive_trust_loops)
    built['database'] = database
    return built


@pytest.fixture(scope='session')
def db_env(request):
    """A fresh superuser environment on the test database, to look at what
    the server committed; call it as a context manager."""
    import contextlib
    import odoo
    database = request.config.getoption('--odoo-database')

    @contextlib.contextmanager
    def open_env():
        with odoo.api.Environment.manage(), odoo.registry(database).cursor() as cr:
            yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {'active_test': False})
    return open_env


@pytest.fixture(scope='session')
def clients(prefork_server, trust_factory):
    """One logged-in client per role against the prefork server."""
    clients = {role: RpcClient(prefork_server, trust_factory['database'], login)
               for role, login in trust_factory['users'].items()}
    # the administrator of the demo factory the test database is built from
    clients['admin'] = RpcClient(prefork_server, trust_factory['database'], 'admin', 'admin')
    return clients
