"""`odoo shell` through the adapter, and `jit-kanban shell`, on the test
database (the one `jit-kanban test` prepared and handed to pytest-odoo)."""
import configparser
import os
import re
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = "print('users=%d' % env['res.users'].search_count([]))\n"


@pytest.fixture(scope='module')
def odoo_target(request):
    config = os.environ.get('JIT_KANBAN_ODOO_CONFIG') or request.config.getoption('--odoo-config')
    database = request.config.getoption('--odoo-database')
    if not (config and database):
        pytest.fail('run through `jit-kanban test` (JIT_KANBAN_ODOO_CONFIG and --odoo-database)')
    return config, database


def run(argv, script=SCRIPT):
    return subprocess.run(argv, input=script, cwd=REPO_ROOT, timeout=300,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)


def users_count(output):
    found = re.findall(r'^users=(\d+)$', output, re.M)
    assert found, output[-3000:]
    return int(found[-1])


def test_odoo_shell_runs_piped_command(odoo_target):
    config, database = odoo_target
    result = run([sys.executable, '-m', 'jit_kanban_runtime', 'odoo', 'shell',
                  '-c', config, '-d', database, '--log-level=warn'])
    assert result.returncode == 0, result.stdout[-3000:]
    assert users_count(result.stdout) >= 1  # at least admin
    assert 'Traceback' not in result.stdout


def test_jit_kanban_shell_command(odoo_target):
    config, database = odoo_target
    parser = configparser.ConfigParser()
    parser.read(config)
    options = parser['options']
    # same home and server as the test run; port 0 rewrites the same odoo-0-<db>.conf
    argv = [os.path.join(os.path.dirname(sys.executable), 'jit-kanban'),
            '--home', os.path.dirname(config), '--db-port', options['db_port'],
            'shell', '--db', database, '--port', '0']
    result = run(argv)
    assert result.returncode == 0, result.stdout[-3000:]
    assert users_count(result.stdout) >= 1
