"""The jit-kanban command never harms a database it did not create: run from
the outside on tiny databases of a throw-away cluster (temporary home, its own
port), embedded and as an external server."""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from jit_kanban_runtime import cli, databases, pg

PORT = 54500 + os.getpid() % 100
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEDGER = "CREATE TABLE ledger (id int PRIMARY KEY, amount numeric); " \
         "INSERT INTO ledger VALUES (1, 10), (2, 20), (3, 30)"
FAKE_ODOO = "CREATE TABLE ir_module_module (id serial PRIMARY KEY, name varchar UNIQUE, " \
            "state varchar); " \
            "CREATE TABLE ir_module_module_dependency (module_id int, name varchar)"


@pytest.fixture(scope='module')
def cluster():
    home = tempfile.mkdtemp(prefix='jit-kanban-dbs-')
    os.chmod(home, 0o755)  # as root, the cluster belongs to 'postgres'
    cluster = pg.EmbeddedCluster(home, port=PORT)
    cluster.start()
    yield cluster
    try:
        cluster.stop()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def as_postgres(cluster, sql, dbname='postgres'):
    conn = cluster.connection._replace(user='postgres')
    return databases.query(conn, dbname, sql)


def make_database(cluster, name, owner='postgres', sql=None, comment=None):
    as_postgres(cluster, 'DROP DATABASE IF EXISTS %s' % name)
    as_postgres(cluster, 'CREATE DATABASE %s OWNER %s' % (name, owner))
    if sql:  # its tables belong to its owner
        databases.query(cluster.connection._replace(user=owner), name, sql)
    if comment:
        as_postgres(cluster, "COMMENT ON DATABASE %s IS '%s'" % (name, comment))


def comment_of(cluster, name):
    rows = as_postgres(cluster, "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                "WHERE datname = '%s'" % name)
    return rows[0][0] if rows else 'MISSING'


def ledger(cluster, name):
    return as_postgres(cluster, 'SELECT id, amount FROM ledger ORDER BY id', name)


def jit_kanban(home, *argv, external_user=None, cluster=None, port=PORT):
    server = ['--db-port', str(port)]
    if external_user:
        server += ['--db-host', cluster.socket_dir, '--db-user', external_user]
    env = {key: value for key, value in os.environ.items()
           if not key.startswith('PG') and not key.startswith('JIT_KANBAN')}
    return subprocess.run([sys.executable, '-m', 'jit_kanban_runtime', '--home', home] + server
                          + list(argv), cwd=REPO_ROOT, env=env, timeout=120,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def refused(result, *phrases):
    assert result.returncode != 0, result.stdout + result.stderr
    assert 'Traceback' not in result.stderr, result.stderr
    message = ' '.join(result.stderr.split())
    for phrase in phrases:
        assert phrase in message, message
    return message


def test_demo_leaves_a_foreign_database_untouched(cluster):
    make_database(cluster, 'factory_ledger', sql=LEDGER)
    result = jit_kanban(cluster.home, 'demo', '--no-serve', '--db', 'factory_ledger')
    refused(result, 'database factory_ledger exists but is not an Odoo database',
            'left it untouched', '--db NAME')
    assert ledger(cluster, 'factory_ledger') == [(1, 10), (2, 20), (3, 30)]
    assert comment_of(cluster, 'factory_ledger') is None
    assert as_postgres(cluster, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
                       'factory_ledger') == [(1,)]


def test_demo_on_an_external_server_leaves_a_foreign_database_untouched(cluster, tmp_path):
    as_postgres(cluster, "DO $$ BEGIN CREATE ROLE factory LOGIN CREATEDB; "
                         "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    make_database(cluster, 'erp_other', owner='factory', sql=LEDGER)
    home = str(tmp_path / 'home')
    result = jit_kanban(home, 'demo', '--no-serve', '--db', 'erp_other',
                        external_user='factory', cluster=cluster)
    refused(result, 'database erp_other exists but is not an Odoo database', 'untouched')
    assert ledger(cluster, 'erp_other') == [(1, 10), (2, 20), (3, 30)]
    assert comment_of(cluster, 'erp_other') is None
    assert not os.path.exists(os.path.join(home, 'pg'))  # no embedded cluster was started


def test_a_database_that_cannot_be_read_is_reported_not_replaced(cluster):
    make_database(cluster, 'payroll', sql=LEDGER)
    as_postgres(cluster, 'REVOKE CONNECT ON DATABASE payroll FROM PUBLIC')
    result = jit_kanban(cluster.home, 'demo', '--no-serve', '--db', 'payroll')
    refused(result, 'could not inspect database payroll', 'permission denied',
            'Nothing was changed')
    assert ledger(cluster, 'payroll') == [(1, 10), (2, 20), (3, 30)]
    # a server that does not answer: the same, nothing is created anywhere
    result = jit_kanban(cluster.home, 'demo', '--no-serve', '--db', 'payroll',
                        external_user='odoo', cluster=cluster, port=PORT + 1)
    refused(result, 'could not inspect database payroll', 'Nothing was changed')


def test_an_odoo_database_without_the_addon_needs_an_explicit_request(cluster):
    make_database(cluster, 'other_odoo', owner='odoo',
                  sql=FAKE_ODOO + "; INSERT INTO ir_module_module (name, state) "
                                  "VALUES ('base', 'installed'), ('sale', 'to install')")
    result = jit_kanban(cluster.home, 'demo', '--no-serve', '--db', 'other_odoo')
    refused(result, 'database other_odoo is an Odoo database without jit_kanban',
            'untouched', '--install-into-existing')
    assert as_postgres(cluster, 'SELECT name, state FROM ir_module_module ORDER BY id',
                       'other_odoo') == [('base', 'installed'), ('sale', 'to install')]
    make_database(cluster, 'empty_one')
    refused(jit_kanban(cluster.home, 'demo', '--no-serve', '--db', 'empty_one'),
            'database empty_one exists and is empty, but jit-kanban did not create it',
            '--install-into-existing')
    # nor is Odoo started on them (it would initialize them)
    refused(jit_kanban(cluster.home, 'serve', '--db', 'factory_ledger'),
            'database factory_ledger is not an Odoo database: nothing was started')
    refused(jit_kanban(cluster.home, 'shell', '--db', 'empty_one'), 'is empty: nothing was started')


def test_what_the_command_does_with_each_kind_of_database(cluster):
    conn = cluster.connection
    make_database(cluster, 'half_made', owner='odoo', comment='jit-kanban:creating ...')
    make_database(cluster, 'made_then_uninstalled', owner='odoo', comment='jit-kanban:created x',
                  sql=FAKE_ODOO + "; INSERT INTO ir_module_module (name, state) "
                                  "VALUES ('jit_kanban', 'uninstalled')")
    make_database(cluster, 'ours_installed', owner='odoo', comment='jit-kanban:created x',
                  sql=FAKE_ODOO + "; INSERT INTO ir_module_module (name, state) "
                                  "VALUES ('jit_kanban', 'installed')")
    decide = databases.decide
    assert decide(databases.probe(conn, 'not_there_yet')) == databases.CREATE
    assert decide(databases.probe(conn, 'half_made')) == databases.RECREATE
    assert decide(databases.probe(conn, 'ours_installed')) == databases.UPDATE
    with pytest.raises(databases.DatabaseRefused, match='--install-into-existing'):
        decide(databases.probe(conn, 'made_then_uninstalled'))
    assert decide(databases.probe(conn, 'other_odoo'), True) == databases.INSTALL
    assert decide(databases.probe(conn, 'empty_one'), True) == databases.INSTALL
    with pytest.raises(databases.DatabaseRefused, match='not an Odoo database'):
        decide(databases.probe(conn, 'factory_ledger'), install_into_existing=True)


def test_only_modules_that_can_never_install_are_reset(cluster):
    make_database(cluster, 'glue_check', owner='odoo', sql=FAKE_ODOO + """;
        INSERT INTO ir_module_module (name, state) VALUES
            ('base', 'installed'), ('mrp', 'installed'), ('sale_stock', 'uninstalled'),
            ('sale_crm', 'to install'), ('sale_mrp', 'to install'),
            ('purchase', 'to install'), ('stock', 'to upgrade');
        INSERT INTO ir_module_module_dependency (module_id, name)
        SELECT m.id, d.dep FROM ir_module_module m JOIN (VALUES
            ('sale_crm', 'sale_management'), ('sale_crm', 'crm'),
            ('sale_mrp', 'mrp'), ('sale_mrp', 'sale_stock'),
            ('sale_stock', 'sale_management'), ('purchase', 'stock')) d(module, dep)
          ON d.module = m.name""")
    conn = cluster.connection
    pending = "SELECT name, state FROM ir_module_module WHERE state LIKE 'to %' ORDER BY name"
    before = [('purchase', 'to install'), ('sale_crm', 'to install'),
              ('sale_mrp', 'to install'), ('stock', 'to upgrade')]
    assert databases.query(conn, 'glue_check', pending) == before
    # not a database the command manages: left as it is
    cli.finish_database(conn, 'glue_check', None)
    assert databases.query(conn, 'glue_check', pending) == before
    # sale_crm needs sale_management and crm, sale_mrp needs them through
    # sale_stock: none of them is on the addons path; purchase can install
    available = databases.available_modules(cli.addons_path())
    assert {'base', 'mrp', 'purchase', 'stock', 'sale_stock', 'jit_kanban'} <= available
    assert not {'sale_management', 'crm'} & available
    cli.finish_database(conn, 'glue_check', databases.CREATED)
    assert databases.query(conn, 'glue_check', pending) == [
        ('purchase', 'to install'), ('stock', 'to upgrade')]
    assert databases.query(conn, 'glue_check', "SELECT state FROM ir_module_module WHERE name IN "
                                               "('sale_crm', 'sale_mrp')") == [('uninstalled',)] * 2


def test_db_drop_needs_a_name_and_drops_only_the_commands_databases(cluster):
    make_database(cluster, 'jit_kanban_demo', owner='odoo', comment='jit-kanban:created x')
    refused(jit_kanban(cluster.home, 'db', 'drop'), 'db drop needs the name', 'nothing was dropped')
    assert comment_of(cluster, 'jit_kanban_demo').startswith('jit-kanban:created')

    make_database(cluster, 'factory_ledger', owner='odoo', sql=LEDGER)  # droppable by odoo
    refused(jit_kanban(cluster.home, 'db', 'drop', 'factory_ledger'),
            'database factory_ledger was not created by jit-kanban', 'left untouched',
            'jit-kanban db drop factory_ledger --force')
    assert ledger(cluster, 'factory_ledger') == [(1, 10), (2, 20), (3, 30)]

    result = jit_kanban(cluster.home, 'db', 'drop', 'jit_kanban_demo')
    assert result.returncode == 0 and 'database jit_kanban_demo dropped' in result.stdout, result
    assert comment_of(cluster, 'jit_kanban_demo') == 'MISSING'
    result = jit_kanban(cluster.home, 'db', 'drop', 'jit_kanban_demo')  # make clean-db, twice
    assert result.returncode == 0 and 'nothing to drop' in result.stdout, result

    result = jit_kanban(cluster.home, 'db', 'drop', 'factory_ledger', '--force')
    assert result.returncode == 0, result
    assert comment_of(cluster, 'factory_ledger') == 'MISSING'


def config_options(home, port):
    import configparser
    import glob
    path, = glob.glob(os.path.join(home, 'odoo-ours_installed-%d-*.conf' % port))
    parser = configparser.RawConfigParser()
    parser.read(path)
    return path, parser['options']


def test_demo_again_is_up_to_date_and_writes_a_private_local_config(cluster, tmp_path):
    from passlib.context import CryptContext
    make_database(cluster, 'ours_installed', owner='odoo', comment='jit-kanban:created x',
                  sql=FAKE_ODOO + "; INSERT INTO ir_module_module (name, state) "
                                  "VALUES ('jit_kanban', 'installed')")
    home = str(tmp_path / 'home')
    stamps = os.path.join(home, 'stamps')
    os.makedirs(stamps)
    earlier = os.path.join(home, 'odoo-0.conf')  # as an earlier version wrote it
    with open(earlier, 'w') as handle:
        handle.write('[options]\nadmin_passwd = admin\n')
    os.chmod(earlier, 0o644)
    with open(os.path.join(stamps, 'ours_installed-%d' % PORT), 'w') as handle:
        handle.write(cli.addon_fingerprint())  # the addon as it was installed last time
    first = jit_kanban(home, 'demo', '--no-serve', '--db', 'ours_installed',
                       external_user='odoo', cluster=cluster)
    assert first.returncode == 0, first.stdout + first.stderr
    assert 'database ours_installed is up to date' in first.stdout
    assert comment_of(cluster, 'ours_installed').startswith('jit-kanban:created')

    password_file = os.path.join(home, 'master-password')
    with open(password_file) as handle:
        password = handle.read().strip()
    assert len(password) >= 20 and 'master password' in first.stdout and password in first.stdout
    path, options = config_options(home, 8069)
    for private in (path, password_file, earlier):
        assert os.stat(private).st_mode & 0o777 == 0o600
    assert options['list_db'] == 'False' and options['http_interface'] == '127.0.0.1'
    assert options['admin_passwd'] != 'admin' and password not in open(path).read()
    assert CryptContext(['pbkdf2_sha512']).verify(password, options['admin_passwd'])

    # later runs reuse the password without showing it; --lan is asked for
    second = jit_kanban(home, 'demo', '--no-serve', '--db', 'ours_installed', '--lan',
                        '--port', '8170', external_user='odoo', cluster=cluster)
    assert second.returncode == 0 and password not in second.stdout, second.stdout + second.stderr
    path, options = config_options(home, 8170)
    assert options['http_interface'] == '0.0.0.0' and options['list_db'] == 'False'
    assert CryptContext(['pbkdf2_sha512']).verify(password, options['admin_passwd'])
    assert os.stat(path).st_mode & 0o777 == 0o600
