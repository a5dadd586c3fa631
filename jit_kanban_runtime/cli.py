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

import psycopg2

from jit_kanban_runtime import adapter, databases, odoo_config, pg
from jit_kanban_runtime.progress import Step, odoo_subprocess, say

ADDON = databases.ADDON
DEMO_DB = 'jit_kanban_demo'
TEST_DB = 'jit_kanban_test'
BENCH_DB = 'jit_kanban_bench'
# what the demo factory needs besides the addon (purchase is a dependency)
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    interface = getattr(args, 'http_interface', None) or (
        odoo_config.ALL_INTERFACES if getattr(args, 'lan', False) else None)
    # one file per checkout and database: two checkouts sharing a home never
    # load each other's addons
    filename = 'odoo-%s-%s-%s.conf' % (getattr(args, 'db', 'server'), http_port,
                                       hashlib.sha1(REPO_ROOT.encode()).hexdigest()[:8])
    path, new_password = odoo_config.write_config(
        home_dir(args), filename, conn, addons_path(), http_port, interface,
        proxy_mode=getattr(args, 'proxy_mode', False))
    if new_password:
        say('Odoo master password, shown once, kept in %s (readable by you only): %s'
            % (os.path.join(home_dir(args), odoo_config.MASTER_PASSWORD_FILE), new_password))
    return path


def run_odoo(argv):
    """Odoo's own command line, in this process, adapted first."""
    adapter.apply()
    import odoo
    sys.argv = [sys.argv[0]] + list(argv)
    odoo.cli.main()


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
    """Create the database with the addon, or update the addon in it when its
    files changed; databases the command did not make are not touched unless
    the user asked (``--install-into-existing``).  True when Odoo ran."""
    found = databases.probe(conn, dbname)
    action = databases.decide(found, getattr(args, 'install_into_existing', False))
    stamp = stamp_path(args, dbname, conn)
    fingerprint = addon_fingerprint()
    marker = found.marker
    if action == databases.UPDATE and marker is None and databases.made_by_earlier_command(
            conn, dbname, os.path.exists(stamp)):
        databases.mark(conn, dbname, databases.CREATED)
        marker = databases.CREATED
    if action == databases.RECREATE:
        say('database %s was left half-made by an interrupted jit-kanban run: re-creating it'
            % dbname)
        databases.drop(conn, dbname)
    if action in (databases.CREATE, databases.RECREATE):
        if os.path.exists(stamp):
            os.remove(stamp)
        databases.create(conn, dbname)
        marker = databases.CREATING
    if action == databases.UPDATE and os.path.exists(stamp) and open(stamp).read() == fingerprint:
        finish_database(conn, dbname, marker)
        say('database %s is up to date' % dbname)
        return False
    if action == databases.UPDATE:
        argv, what = ['-u', ADDON], 'updating %s in %s' % (ADDON, dbname)
    else:
        argv = ['-i', ADDON]
        what = 'installing %s with Odoo stock, mrp, purchase into %s (first time: about a minute)' % (
            ADDON, dbname)
    argv = ['-c', config, '-d', dbname, '--stop-after-init', '--log-level=info',
            '--http-port=0', '--max-cron-threads=0'] + argv
    if not demo:
        argv.append('--without-demo=all')
    with Step(what):
        odoo_subprocess(argv)
    if action == databases.INSTALL:
        marker = adopt(conn, dbname, marker)
    finish_database(conn, dbname, marker)
    os.makedirs(os.path.dirname(stamp), exist_ok=True)
    with open(stamp, 'w') as handle:
        handle.write(fingerprint)
    return True


def adopt(conn, dbname, marker):
    """Mark a database the user asked to install into as managed."""
    if marker in (databases.CREATED, databases.CREATING):
        return marker
    try:
        databases.mark(conn, dbname, databases.ADOPTED)
        return databases.ADOPTED
    except Exception as error:  # e.g. the role does not own the database
        say('note: %s could not be marked as managed by jit-kanban (%s); modules Odoo '
            'leaves pending in it are not reset' % (dbname, str(error).strip()))
        return marker


def finish_database(conn, dbname, marker):
    """In a database the command manages: reset the pending modules that can
    never install (so Odoo's scheduler runs), and mark a first install done."""
    if marker not in (databases.CREATING, databases.CREATED, databases.ADOPTED):
        return
    reset = databases.reset_uninstallable_pending(
        conn, dbname, databases.available_modules(addons_path()))
    if reset:
        say('  %d modules that cannot install here (their dependencies are not on the addons '
            'path) set back from "to install" to "uninstalled"' % len(reset))
    if marker == databases.CREATING:
        databases.mark(conn, dbname, databases.CREATED)


# --------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------
def cmd_demo(args):
    conn = connection(args)
    config = write_config(args, conn, args.port)
    if prepare_database(args, conn, args.db, config, demo=True):
        # the factory's weeks of history, once (the loader skips a loaded one)
        subprocess.check_call([sys.executable, '-W', 'ignore::UserWarning', '-m',
                               'data.load_demo_history', '--config', config, '--db', args.db],
                              cwd=REPO_ROOT)
    if args.no_serve:
        return
    cmd_serve(args, conn=conn, config=config)


def cmd_serve(args, conn=None, config=None):
    conn = conn or connection(args)
    databases.require_served(databases.probe(conn, args.db))
    config = config or write_config(args, conn, args.port)
    where = 'http://%s:%d (%s)' % (
        args.http_interface or ('<this machine>' if args.lan else '127.0.0.1'), args.port,
        'the camera needs https: README, Security' if args.lan or args.http_interface
        else 'this machine only; --lan serves tablets')
    say('serving %s on %s  (login admin / admin; Ctrl+C stops)' % (args.db, where))
    run_odoo(['-c', config, '-d', args.db, '--db-filter=^%s$' % args.db,
              '--http-port=%d' % args.port, '--log-level=%s' % args.log_level])


def cmd_shell(args):
    conn = connection(args)
    databases.require_served(databases.probe(conn, args.db))
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
    if args.action == 'drop' and not args.db:
        raise SystemExit('jit-kanban: db drop needs the name of the database to drop, e.g. '
                         '`jit-kanban db drop %s`; nothing was dropped.' % DEMO_DB)
    conn = connection(args)
    if args.action == 'drop':
        drop_command(args, conn)
    elif args.action == 'start':
        say('PostgreSQL ready at %s:%s' % (conn.host, conn.port))


def drop_command(args, conn):
    """Drop a database the command created; any other only with --force."""
    found = databases.probe(conn, args.db)
    stamp = stamp_path(args, args.db, conn)
    if found.kind == databases.MISSING:
        say('no database %s on %s: nothing to drop' % (args.db, databases.where(conn)))
        return
    ours = found.marker in (databases.CREATING, databases.CREATED) or (
        found.kind == databases.ODOO and found.marker is None
        and databases.made_by_earlier_command(conn, args.db, os.path.exists(stamp)))
    if not ours and not args.force:
        raise SystemExit(
            'jit-kanban: database %s was not created by jit-kanban (%s): it was left untouched. '
            'To drop it all the same, with all its data, run `jit-kanban db drop %s --force`.'
            % (args.db, databases.MARKER_TEXT.get(found.marker) or 'no jit-kanban mark on it',
               args.db))
    databases.drop(conn, args.db)
    if os.path.exists(stamp):
        os.remove(stamp)
    say('database %s dropped' % args.db)


def install_into_existing(command):
    command.add_argument('--install-into-existing', action='store_true',
                         help='install jit_kanban into an existing database jit-kanban did not '
                              'create (an Odoo database, or an empty one)')


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
    for command in (demo, serve):
        command.add_argument('--db', default=DEMO_DB)
        command.add_argument('--port', type=int, default=8069, help='HTTP port (default 8069)')
        command.add_argument('--log-level', default='info')
        where = command.add_mutually_exclusive_group()
        where.add_argument('--lan', action='store_true',
                           help='listen on all interfaces, for tablets (default: 127.0.0.1 only)')
        where.add_argument('--http-interface', metavar='ADDRESS',
                           help='listen on this address only (default 127.0.0.1)')
        command.add_argument('--proxy-mode', action='store_true',
                             help="behind a reverse proxy (TLS): trust its X-Forwarded-* headers")
    demo.add_argument('--no-serve', action='store_true', help='prepare the database only')
    install_into_existing(demo)
    demo.set_defaults(func=cmd_demo)
    serve.set_defaults(func=cmd_serve)

    shell = sub.add_parser('shell', help='Odoo shell on a database')
    shell.add_argument('--db', default=DEMO_DB)
    shell.add_argument('--port', type=int, default=8069)
    shell.set_defaults(func=cmd_shell)

    test = sub.add_parser('test', help='run the test suite (pytest-odoo)')
    test.add_argument('--db', default=TEST_DB)
    install_into_existing(test)
    test.add_argument('pytest_args', nargs=argparse.REMAINDER)
    test.set_defaults(func=cmd_test)

    bench = sub.add_parser('bench', help='performance benchmark: signal cost and board flatness '
                                         '(bench/README.md)')
    bench.add_argument('--db', default=BENCH_DB)
    install_into_existing(bench)
    bench.add_argument('bench_args', nargs=argparse.REMAINDER,
                       help='passed to bench/run.py, e.g. -- --reps 10 --sizes 10,100')
    bench.set_defaults(func=cmd_bench)

    db = sub.add_parser('db', help='database: drop NAME, start/stop/status the embedded server')
    db.add_argument('action', choices=['drop', 'start', 'stop', 'status'])
    db.add_argument('db', nargs='?', metavar='NAME', help='the database to drop (no default)')
    db.add_argument('--force', action='store_true',
                    help='drop NAME even though jit-kanban did not create it (all its data is lost)')
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
    except (pg.PostgresError, databases.DatabaseRefused) as error:
        raise SystemExit('jit-kanban: %s' % error)
    except psycopg2.Error as error:
        raise SystemExit('jit-kanban: PostgreSQL refused: %s' % str(error).strip())
    except KeyboardInterrupt:
        say('stopped')
