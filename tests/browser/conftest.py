"""Browser tests: a real Odoo HTTP server on the test database, driven by
Debian's chromium through Playwright.

No skipping: a missing chromium or Playwright fails these tests loudly.
"""
import os

import pytest

# the Odoo server fixtures (odoo_server, output_dir) live in tests/conftest.py
CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking']


@pytest.fixture(scope='session')
def browser():
    """Headless Debian chromium through Playwright (no bundled browsers)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail('%s is missing: install Debian chromium (apt-get install chromium)' % CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        pytest.fail('Playwright is missing (pip install playwright): %s' % error)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page_errors():
    """JavaScript errors seen by ``page``: uncaught exceptions and console errors."""
    return []


@pytest.fixture
def page(request, browser, page_errors, output_dir):
    context = browser.new_context(viewport={'width': 1366, 'height': 768})
    page = context.new_page()
    page.set_default_timeout(60000)
    page.on('pageerror', lambda error: page_errors.append('pageerror: %s' % error))
    page.on('console', lambda msg: msg.type == 'error' and page_errors.append(
        'console: %s' % msg.text))
    yield page
    report = getattr(request.node, 'rep_call', None)
    if report is not None and report.failed:
        page.screenshot(path=os.path.join(output_dir, '%s-failure.png' % request.node.name))
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == 'call':
        item.rep_call = report
