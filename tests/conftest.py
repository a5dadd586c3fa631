"""Shared fixtures: a real Odoo HTTP server on the test database.

Used by the browser tests, the HTTP API tests and the printed-card tests
(wkhtmltopdf fetches CSS and barcode images from it).  It serves only what is
committed in the test database.
"""
import os

import pytest

from jit_kanban_runtime.servers import OdooProcess, free_port

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT_DIR = os.path.join(REPO_ROOT, 'test-output')
CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking']


def set_base_url(database, url):
    """Point web.base.url at this server; returns the previous value."""
    import odoo
    with odoo.api.Environment.manage(), odoo.registry(database).cursor() as cr:
        params = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})['ir.config_parameter']
        previous = params.get_param('web.base.url')
        params.set_param('web.base.url', url)
    return previous


@pytest.fixture(scope='session')
def output_dir():
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    return OUTPUT_DIR


def start_server(request, output_dir, name, workers=0, extra_args=()):
    """Start Odoo on free ports for the test database; returns (url, stop).
    ``workers`` > 0 runs Odoo's prefork server, as a factory deploys it;
    ``extra_args`` are more Odoo options (e.g. another database address)."""
    database = request.config.getoption('--odoo-database')
    config = os.environ.get('JIT_KANBAN_ODOO_CONFIG') or request.config.getoption('--odoo-config')
    if not (database and config):
        pytest.fail('run through `jit-kanban test` (JIT_KANBAN_ODOO_CONFIG and --odoo-database)')
    port = free_port()
    args = ['-c', config, '-d', database, '--http-port=%d' % port,
            '--db-filter=^%s$' % database, '--max-cron-threads=0', '--workers=%d' % workers,
            '--log-level=info']
    if workers:
        args += ['--longpolling-port=%d' % free_port(), '--limit-time-real=120']
    server = OdooProcess(args + list(extra_args), os.path.join(output_dir, '%s.log' % name),
                         cwd=REPO_ROOT)
    url = 'http://127.0.0.1:%d' % port
    try:
        server.wait_ready(url)
    except RuntimeError as error:
        server.stop()
        pytest.fail(str(error))
    except BaseException:
        server.stop()
        raise
    return url, server.stop


@pytest.fixture(scope='session')
def odoo_server(request, output_dir):
    """Odoo (threaded) for the browser tests; yields its base URL.  Reports
    are rendered against it (web.base.url points here while it runs)."""
    database = request.config.getoption('--odoo-database')
    url, stop = start_server(request, output_dir, 'odoo-server')
    previous_url = None
    try:
        previous_url = set_base_url(database, url)
        yield url
    finally:
        stop()
        if previous_url:
            set_base_url(database, previous_url)


@pytest.fixture(scope='session')
def start_own_server(request, output_dir):
    """For a test that needs a server of its own (other options):
    ``url, stop = start_own_server(name, extra_args=[...])``."""
    def start(name, **options):
        return start_server(request, output_dir, name, **options)
    return start


@pytest.fixture(scope='session')
def prefork_server(request, output_dir):
    """Odoo's prefork server with two HTTP workers, as deployed in a factory:
    what RPC and HTTP clients from outside meet."""
    url, stop = start_server(request, output_dir, 'odoo-prefork', workers=2)
    try:
        yield url
    finally:
        stop()


@pytest.fixture(scope='session')
def publish_screenshot():
    """Copy a screenshot into the addon's static/description (what the README
    and the app page show) when JIT_KANBAN_UPDATE_SCREENSHOTS=1; a normal run
    leaves the source tree alone."""
    import shutil
    target = os.path.join(REPO_ROOT, 'jit_kanban', 'static', 'description')

    def publish(path, name):
        if os.environ.get('JIT_KANBAN_UPDATE_SCREENSHOTS') == '1':
            shutil.copyfile(path, os.path.join(target, name))
    return publish


def warm_report_assets(database, url):
    """Generate and commit the CSS bundles of web.minimal_layout (the page
    wkhtmltopdf loads), then check the server serves them."""
    import re
    import urllib.request
    import odoo
    with odoo.api.Environment.manage(), odoo.registry(database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        View = env['ir.ui.view']
        html = View.browse(View.get_view_id('web.minimal_layout')).render(
            dict(subst=False, body='', base_url=url)).decode()
        cr.commit()
    links = re.findall(r'<link[^>]+href="([^"]+\.css)"', html)
    assert links, 'no stylesheet in web.minimal_layout: %s' % html[:500]
    for link in links:
        with urllib.request.urlopen(url + link, timeout=30) as response:
            assert response.status == 200 and len(response.read()) > 1000, \
                'report CSS %s not served' % link


@pytest.fixture(scope='session')
def report_server(request, odoo_server):
    """The test server, with the report stylesheets ready for wkhtmltopdf
    (which fetches them, and the barcode images, over HTTP)."""
    database = request.config.getoption('--odoo-database')
    os.environ.setdefault('NODE_PATH', '/usr/share/nodejs')  # this process compiles the bundles
    warm_report_assets(database, odoo_server)
    return odoo_server


@pytest.fixture(scope='class')
def report_url(request, report_server):
    """For a TransactionCase class that renders PDFs: ``self.report_url``,
    and real PDFs (pytest-odoo sets test_enable, with which Odoo returns HTML
    unless a test report directory is configured)."""
    import odoo
    request.cls.report_url = report_server
    previous = odoo.tools.config.get('test_report_directory')
    odoo.tools.config['test_report_directory'] = OUTPUT_DIR
    yield report_server
    odoo.tools.config['test_report_directory'] = previous
