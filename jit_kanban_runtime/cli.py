"""``jit-kanban``: run the demo factory, the server, a shell and the tests.

With no database server given, everything runs on a private PostgreSQL
cluster inside the project folder (see ``pg.py``).
"""
import argparse
import hashlib
import importlib.util
import os
import subprocess
import sys
import threading
import time

from jit_kanban_runtime import adapter, pg

ADDON = 'jit_kanban'
DEMO_DB = 'jit_kanban_demo'
TEST_DB = 'jit_kanban_test'
BENCH_DB = 'jit_kanban_bench'
# what the demo factory needs besides the addon (purchase is a dependency)
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Step:
    """Prints what is happening and, when it ends, how long it took."""
    started = time.time()

    def __init__(self, what):
        self.what = what

    def __enter__(self):
        self.t0 = time.time()
        say('%s ...' % self.what)
        return self

    def __exit__(self, exc_type, *_):
        if exc_type is None:
            say('%s: done in %.1fs' % (self.what, time.time() - self.t0))


def say(message):
    print('[jit-kanban %6.1fs] %s' % (time.time() - Step.started, message), flush=True)


def addons_path():
    odoo_dir = importlib.util.find_spec('odoo').submodule_search_locations[0]
    ours = os.environ.get('JIT_KANBAN_ADDONS', REPO_ROOT)
    return ','.join([os.path.join(odoo_dir, 'addons'), ours])


def home_dir(args):
    return os.path.abspath(args.home or os.environ.get('JIT_KANBAN_HOME')
                           or os.path.join(REPO_ROOT, '.jit-kanban'))


def connection(args):
    external = pg.external_connection(args.db_host, args.db_port, args.db_user, args.db_password)
    if external:
        return external
    cluster = pg.EmbeddedCluster(home_dir(args), args.db_port)
    with Step('embedded PostgreSQL in %s (port %d)' % (cluster.data_dir, cluster.port)):
        return cluster.start()


def write_config(args, conn, http_port=8069):
    home = home_dir(args)
    os.makedirs(home, exist_ok=True)
    path = os.path.join(home, 'odoo-%s.conf' % http_port)
    lines = [
        '[options]',
        'addons_path = %s' % addons_path(),
        'data_dir = %s' % os.path.join(home, 'filestore'),
        'db_host = %s' % conn.host,
        'db_port = %s' % conn.port,
        'db_user = %s' % conn.user,
        'db_password = %s' % (conn.password or 'False'),
        'admin_passwd = admin',
        'http_port = %s' % http_port,
        'without_demo = False',
        'max_cron_threads = 1',
        'list_db = True',
    ]
    with open(path, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return path


def run_odoo(argv):
    """Odoo's own command line, in this process, adapted first."""
    adapter.apply()
    import odoo
    sys.argv = [sys.argv[0]] + list(argv)
    odoo.cli.main()


def _pg_query(conn, dbname, sql):
    import psycopg2
    connect = psycopg2.connect(dbname=dbname, host=conn.host, port=conn.port,
                               user=conn.user, password=conn.password)
    try:
        connect.autocommit = True
        with connect.cursor() as cr:
            cr.execute(sql)
            return cr.fetchall() if cr.description else None
    finally:
        connect.close()


def addon_state(conn, dbname):
    exists = _pg_query(conn, 'postgres', "SELECT 1 FROM pg_database WHERE datname = '%s'" % dbname)
    if not exists:
        return None
    try:
        rows = _pg_query(conn, dbname, "SELECT state FROM ir_module_module WHERE name = '%s'" % ADDON)
    except Exception:
        return 'broken'
    return rows[0][0] if rows else 'absent'


def stamp_path(args, dbname, conn):
    """Where the fingerprint of the addon last installed into a database is kept."""
    return os.path.join(home_dir(args), 'stamps', '%s-%s' % (dbname, conn.port))


def addon_fingerprint():
    digest = hashlib.sha1()
    root = os.path.join(REPO_ROOT, ADDON)
    for folder, dirs, files in sorted(os.walk(root)):
        dirs[:] = sorted(d for d in dirs if d != '__pycache__')
        for name in sorted(files):
            if name.endswith('.pyc'):
                continue
            path = os.path.join(folder, name)
            digest.update(path[len(root):].encode())
            with open(path, 'rb') as handle:
                digest.update(handle.read())
    return digest.hexdigest()


def prepare_database(args, conn, dbname, config, demo=True):
    """Create the database with the addon, or update it when the addon changed."""
    state = addon_state(conn, dbname)
    stamp = stamp_path(args, dbname, conn)
    fingerprint = addon_fingerprint()
    if state == 'broken':
        drop_database(conn, dbname)
        state = None
    if state == 'installed':
        if os.path.exists(stamp) and open(stamp).read() == fingerprint:
            clear_pending_glue_modules(conn, dbname)
            say('database %s is up to date' % dbname)
            return
        action, what = ['-u', ADDON], 'updating %s in %s' % (ADDON, dbname)
    else:
        action = ['-i', ADDON]
        what = 'installing %s with Odoo stock, mrp, purchase into %s (first time: about a minute)' % (
            ADDON, dbname)
    argv = ['-c', config, '-d', dbname, '--stop-after-init', '--log-level=info',
            '--http-port=0', '--max-cron-threads=0'] + action
    if not demo:
        argv.append('--without-demo=all')
    with Step(what):
        odoo_subprocess(argv)
    clear_pending_glue_modules(conn, dbname)
    os.makedirs(os.path.dirname(stamp), exist_ok=True)
    with open(stamp, 'w') as handle:
        handle.write(fingerprint)


def clear_pending_glue_modules(conn, dbname):
    """Odoo's auto-install marks the wheels' glue addons (sale_crm, pos_sale,
    ...) 'to install' although their dependencies are not there; they can
    never install, and while any module is pending Odoo's scheduler skips
    the database (no cron: no scheduled kanban windows)."""
    _pg_query(conn, dbname, "UPDATE ir_module_module SET state = 'uninstalled' "
                            "WHERE state IN ('to install', 'to upgrade')")


def odoo_subprocess(argv):
    """Odoo in a child process; shows which module it is loading, and errors."""
    command = [sys.executable, '-m', 'jit_kanban_runtime', 'odoo'] + argv
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, bufsize=1)
    last = {'line': time.time()}
    errors = []

    def heartbeat():
        while proc.poll() is None:
            time.sleep(15)
            if proc.poll() is None and time.time() - last['line'] > 14:
                say('... still working')
    threading.Thread(target=heartbeat, daemon=True).start()
    tail = []
    for line in proc.stdout:
        text = line.rstrip()
        tail = (tail + [text])[-30:]
        # Odoo lists the glue addons shipped by its wheels whose dependencies
        # are absent: harmless, they are never installed.
        if 'Unmet dependencies' in text:
            continue
        if ' ERROR ' in text or ' CRITICAL ' in text or text.startswith('Traceback') or errors:
            errors.append(text)
        if 'odoo.modules.loading: loading' in text or 'Loading module' in text \
                or 'odoo.modules.loading: Modules loaded' in text or ' ERROR ' in text:
            say('  ' + text.split(': ', 1)[-1])
            last['line'] = time.time()
    if proc.wait() != 0 or errors:
        print('\n'.join(errors[-80:] or tail), file=sys.stderr)
        raise SystemExit('odoo %s failed' % ' '.join(argv))


def drop_database(conn, dbname):
    _pg_query(conn, 'postgres', 'DROP DATABASE IF EXISTS "%s"' % dbname)


# --------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------
def cmd_demo(args):
    conn = connection(args)
    config = write_config(args, conn, args.port)
    prepare_database(args, conn, args.db, config, demo=True)
    if args.no_serve:
        return
    cmd_serve(args, conn=conn, config=config)


def cmd_serve(args, conn=None, config=None):
    conn = conn or connection(args)
    config = config or write_config(args, conn, args.port)
    say('serving %s on http://localhost:%d  (login admin / admin; Ctrl+C stops)' % (args.db, args.port))
    run_odoo(['-c', config, '-d', args.db, '--db-filter=^%s$' % args.db,
              '--http-port=%d' % args.port, '--log-level=%s' % args.log_level])


def cmd_shell(args):
    conn = connection(args)
    config = write_config(args, conn, args.port)
    run_odoo(['shell', '-c', config, '-d', args.db, '--log-level=warn'])


def cmd_test(args):
    conn = connection(args)
    config = write_config(args, conn, 0)
    prepare_database(args, conn, args.db, config, demo=True)
    env = dict(os.environ, JIT_KANBAN_ODOO_CONFIG=config)
    # `jit-kanban test -- -k foo`: argparse keeps the '--' in the remainder
    pytest_args = args.pytest_args[1:] if args.pytest_args[:1] == ['--'] else args.pytest_args
    argv = [sys.executable, '-m', 'pytest', '--odoo-config=%s' % config,
            '--odoo-database=%s' % args.db] + (pytest_args or [os.path.join(REPO_ROOT, 'tests')])
    say('running the test suite on %s' % args.db)
    raise SystemExit(subprocess.call(argv, cwd=REPO_ROOT, env=env))


def cmd_bench(args):
    """Prepare the database like ``test`` does, then run ``bench/run.py`` on it
    (everything it creates is rolled back)."""
    conn = connection(args)
    # a config of its own: a shared one may be rewritten by another run
    # (another checkout's addons) while the benchmark is loading
    shared = write_config(args, conn, 0)
    config = os.path.join(os.path.dirname(shared), 'odoo-bench-%s.conf' % args.db)
    with open(shared) as handle:
        lines = [line for line in handle.read().splitlines() if not line.startswith('addons_path')]
    with open(config, 'w') as handle:
        handle.write('\n'.join(lines[:1] + ['addons_path = %s' % addons_path()] + lines[1:]) + '\n')
    prepare_database(args, conn, args.db, config, demo=True)
    bench_args = args.bench_args[1:] if args.bench_args[:1] == ['--'] else args.bench_args
    argv = [sys.executable, '-W', 'ignore::UserWarning', '-m', 'bench.run',
            '--config', config, '--db', args.db] + bench_args
    say('running the benchmark on %s (rolled back: the database is left unchanged)' % args.db)
    raise SystemExit(subprocess.call(argv, cwd=REPO_ROOT))


def cmd_db(args):
    if args.action == 'stop':
        cluster = pg.EmbeddedCluster(home_dir(args), args.db_port)
        say('embedded PostgreSQL stopped' if cluster.stop() else 'embedded PostgreSQL was not running')
        return
    if args.action == 'status':
        cluster = pg.EmbeddedCluster(home_dir(args), args.db_port)
        say('embedded PostgreSQL %s' % ('running' if cluster.initialized() and cluster.running()
                                         else 'stopped'))
        return
    conn = connection(args)
    if args.action == 'drop':
        drop_database(conn, args.db)
        stamp = stamp_path(args, args.db, conn)
        if os.path.exists(stamp):
            os.remove(stamp)
        say('database %s dropped' % args.db)
    elif args.action == 'start':
        say('PostgreSQL ready at %s:%s' % (conn.host, conn.port))


def build_parser():
    # allow_abbrev=False: otherwise the subcommands' --db is rejected as an
    # ambiguous abbreviation of --db-host/--db-port/...
    parser = argparse.ArgumentParser(prog='jit-kanban', description=__doc__.split('\n')[0],
                                     allow_abbrev=False)
    parser.add_argument('--home', help='folder for the embedded cluster, configs and filestore '
                                       '(default: .jit-kanban in the project, or $JIT_KANBAN_HOME)')
    parser.add_argument('--db-host', help='existing PostgreSQL server (default: $PGHOST, else embedded)')
    parser.add_argument('--db-port', type=int, help='its port ($PGPORT; embedded default %d)' % pg.DEFAULT_PORT)
    parser.add_argument('--db-user', help='$PGUSER')
    parser.add_argument('--db-password', help='$PGPASSWORD')
    sub = parser.add_subparsers(dest='command')
    sub.required = True

    demo = sub.add_parser('demo', help='create/update the demo factory and serve it')
    serve = sub.add_parser('serve', help='serve an existing database')
    for command, default_db in ((demo, DEMO_DB), (serve, DEMO_DB)):
        command.add_argument('--db', default=default_db)
        command.add_argument('--port', type=int, default=8069, help='HTTP port (default 8069)')
        command.add_argument('--log-level', default='info')
    demo.add_argument('--no-serve', action='store_true', help='prepare the database only')
    demo.set_defaults(func=cmd_demo)
    serve.set_defaults(func=cmd_serve)

    shell = sub.add_parser('shell', help='Odoo shell on a database')
    shell.add_argument('--db', default=DEMO_DB)
    shell.add_argument('--port', type=int, default=8069)
    shell.set_defaults(func=cmd_shell)

    test = sub.add_parser('test', help='run the test suite (pytest-odoo)')
    test.add_argument('--db', default=TEST_DB)
    test.add_argument('pytest_args', nargs=argparse.REMAINDER)
    test.set_defaults(func=cmd_test)

    bench = sub.add_parser('bench', help='performance benchmark: signal cost and board flatness '
                                         '(bench/README.md)')
    bench.add_argument('--db', default=BENCH_DB)
    bench.add_argument('bench_args', nargs=argparse.REMAINDER,
                       help='passed to bench/run.py, e.g. -- --reps 10 --sizes 10,100')
    bench.set_defaults(func=cmd_bench)

    db = sub.add_parser('db', help='database: drop NAME, start/stop/status the embedded server')
    db.add_argument('action', choices=['drop', 'start', 'stop', 'status'])
    db.add_argument('db', nargs='?', default=DEMO_DB)
    db.set_defaults(func=cmd_db)
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    # Debian's lessc (backend CSS) finds its modules only through NODE_PATH
    if os.path.isdir('/usr/share/nodejs'):
        os.environ.setdefault('NODE_PATH', '/usr/share/nodejs')
    if argv and argv[0] == 'odoo':  # raw Odoo command line, adapted
        run_odoo(argv[1:])
        return
    if argv and argv[0] == 'gevent':
        # a prefork server (--workers N) starts its long-polling process as
        # `<python> <this script> gevent <its options>`; importing odoo with
        # 'gevent' still in sys.argv makes that process evented
        run_odoo(argv[1:])
        return
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except pg.PostgresError as error:
        raise SystemExit('jit-kanban: %s' % error)
    except KeyboardInterrupt:
        say('stopped')
