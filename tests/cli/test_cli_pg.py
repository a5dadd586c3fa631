"""The embedded PostgreSQL launcher (jit_kanban_runtime.pg), on a throw-away
cluster in a temporary home and its own port: never the project's cluster."""
import os
import shutil
import tempfile

import psycopg2
import pytest

from jit_kanban_runtime import cli, databases, pg

PORT = 54400 + os.getpid() % 100


@pytest.fixture(scope='module')
def cluster():
    # not pytest's tmp_path: it is 0700, and as root the cluster belongs to 'postgres'
    home = tempfile.mkdtemp(prefix='jit-kanban-pg-')
    os.chmod(home, 0o755)
    cluster = pg.EmbeddedCluster(home, port=PORT)
    yield cluster
    try:
        cluster.stop()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def postmaster_pid(cluster):
    with open(os.path.join(cluster.data_dir, 'postmaster.pid')) as handle:
        return int(handle.readline())


def alive(pid):
    # a stopped postmaster may linger as a zombie until its parent reaps it
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


def test_start_initializes_the_cluster(cluster):
    assert not cluster.initialized()
    conn = cluster.start()
    assert cluster.initialized() and cluster.running()
    assert conn == pg.Connection(cluster.socket_dir, PORT, 'odoo', None)
    assert os.path.exists(os.path.join(cluster.socket_dir, '.s.PGSQL.%d' % PORT))
    if os.geteuid() == 0:  # PostgreSQL refuses root: the data belongs to 'postgres'
        import pwd
        assert pwd.getpwuid(os.stat(cluster.data_dir).st_uid).pw_name == 'postgres'


def test_second_start_reuses_the_running_cluster(cluster):
    pid = postmaster_pid(cluster)
    assert alive(pid)
    assert cluster.init() is False  # initdb happens once
    assert cluster.start() == cluster.connection
    assert postmaster_pid(cluster) == pid
    # a new launcher object on the same home finds it too
    again = pg.EmbeddedCluster(cluster.home, port=PORT)
    assert again.running() and again.start() == cluster.connection
    assert postmaster_pid(cluster) == pid


def test_connect_with_psycopg2_as_odoo_role(cluster):
    conn = cluster.connection
    connection = psycopg2.connect(dbname='postgres', host=conn.host, port=conn.port, user=conn.user)
    try:
        with connection.cursor() as cr:
            cr.execute("SELECT current_user, current_setting('port'), "
                       "current_setting('listen_addresses') FROM pg_roles WHERE rolname = current_user")
            assert cr.fetchone() == ('odoo', str(PORT), '')
    finally:
        connection.close()
    # the CLI's own helper talks to it as well
    assert databases.query(conn, 'postgres', 'SELECT 1 + 1') == [(2,)]
    assert databases.probe(conn, 'no_such_db_here').kind == databases.MISSING


def role_rights(cluster):
    return databases.query(cluster.connection, 'postgres',
                           "SELECT rolsuper, rolcreatedb, rolcanlogin FROM pg_roles "
                           "WHERE rolname = 'odoo'")[0]


def test_odoo_role_creates_databases_but_is_no_superuser(cluster):
    conn = cluster.connection
    assert role_rights(cluster) == (False, True, True)
    databases.query(conn, 'postgres', 'CREATE DATABASE role_check')
    try:
        assert databases.query(conn, 'postgres', "SELECT pg_get_userbyid(datdba) FROM pg_database "
                                                 "WHERE datname = 'role_check'") == [('odoo',)]
        # what a superuser could do through SQL: read the server's files, run programs
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            databases.query(conn, 'role_check', "SELECT pg_read_file('PG_VERSION')")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            databases.query(conn, 'role_check', "COPY (SELECT 1) TO PROGRAM 'true'")
    finally:
        databases.query(conn, 'postgres', 'DROP DATABASE role_check')
    # only its owner (and root) may open the socket: trust authentication behind it
    socket = os.path.join(cluster.socket_dir, '.s.PGSQL.%d' % PORT)
    assert os.stat(socket).st_mode & 0o777 == 0o700


def test_a_superuser_role_left_by_an_earlier_version_is_downgraded_on_start(cluster):
    cluster._run([pg.find_pg_bin('psql'), '-h', cluster.socket_dir, '-p', str(PORT),
                  '-U', 'postgres', '-d', 'postgres', '-c', 'ALTER ROLE odoo SUPERUSER NOCREATEDB'])
    assert role_rights(cluster) == (True, False, True)
    pg.EmbeddedCluster(cluster.home, port=PORT).start()  # already running: only the role is fixed
    assert role_rights(cluster) == (False, True, True)


def test_stop(cluster):
    pid = postmaster_pid(cluster)
    assert cluster.stop() is True
    assert not cluster.running()
    assert not os.path.exists(os.path.join(cluster.data_dir, 'postmaster.pid'))
    assert not alive(pid)
    assert cluster.stop() is False  # stopping twice is harmless
    # and it starts again from the same data
    cluster.start()
    assert cluster.running()
    cluster.stop()


@pytest.fixture
def no_postgres(monkeypatch, tmp_path):
    empty = tmp_path / 'empty-bin'
    empty.mkdir()
    monkeypatch.setattr(pg, 'PG_BIN_DIRS', (str(tmp_path / 'nowhere'),))
    monkeypatch.setenv('PATH', str(empty))
    for name in ('PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD'):
        monkeypatch.delenv(name, raising=False)


def test_missing_binaries_give_a_clear_error(no_postgres, tmp_path):
    with pytest.raises(pg.PostgresError) as error:
        pg.find_pg_bin('pg_ctl')
    message = str(error.value)
    assert 'pg_ctl' in message and 'not found' in message
    assert 'apt-get install postgresql' in message and 'PGHOST' in message
    with pytest.raises(pg.PostgresError, match='initdb'):
        pg.EmbeddedCluster(str(tmp_path / 'home'), port=PORT).start()


def test_cli_reports_missing_binaries_without_traceback(no_postgres, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(['--home', str(tmp_path / 'home'), '--db-port', str(PORT), 'db', 'start'])
    assert str(exit_info.value).startswith('jit-kanban: PostgreSQL server binaries (initdb) not found')


def test_external_connection_from_pg_variables(monkeypatch):
    for name in ('PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD'):
        monkeypatch.delenv(name, raising=False)
    assert pg.external_connection() is None  # no PGHOST: the embedded cluster

    monkeypatch.setenv('PGHOST', 'db.example')
    assert pg.external_connection() == pg.Connection('db.example', 5432, 'postgres', None)

    monkeypatch.setenv('PGPORT', '6543')
    monkeypatch.setenv('PGUSER', 'kanban')
    monkeypatch.setenv('PGPASSWORD', 's3cret')
    assert pg.external_connection() == pg.Connection('db.example', 6543, 'kanban', 's3cret')
    # command-line flags win over the variables
    assert pg.external_connection('other', 7000, 'me', 'pw') == pg.Connection('other', 7000, 'me', 'pw')

    # and the CLI uses it without starting any embedded cluster
    args = cli.build_parser().parse_args(['--home', '/nonexistent/jit-kanban', 'db', 'start'])
    assert cli.connection(args) == pg.Connection('db.example', 6543, 'kanban', 's3cret')
    assert not os.path.exists('/nonexistent/jit-kanban')


def test_cli_parses_db_option_of_subcommands():
    # --db must not be taken for an abbreviation of --db-host/--db-port/...
    args = cli.build_parser().parse_args(['test', '--db', 'some_db', 'tests/cli', '-x'])
    assert (args.db, args.pytest_args) == ('some_db', ['tests/cli', '-x'])
    args = cli.build_parser().parse_args(['--db-port', '5555', 'shell', '--db', 'other'])
    assert (args.db_port, args.db) == (5555, 'other')
