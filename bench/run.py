"""jit_kanban performance benchmark.

    jit-kanban bench [--db NAME] [-- --reps 30 --sizes 10,100,1000 ...]
    python -m bench.run --config .jit-kanban/odoo-0-jit_kanban_bench.conf --db jit_kanban_bench

1. Signal cost: a card signal that creates one order, against Odoo's bare
   procurement of the same order (same route, company, warehouse, BoM).
2. Flatness: the supermarket board, sizing, KPIs, the location counts and a
   loop's history as loops, cards, events and stock moves grow.

Every sample runs in a savepoint that is rolled back, inside transactions
rolled back too; only the loops a part scans (signal, HTTP) are committed
first, as a factory's are, and archived at the end.  Ratios,
never absolute times, are the targets (see bench/README.md).
"""
import argparse
import contextlib
import datetime
import json
import os
import platform
import subprocess
import sys
import time

from bench import summary
from bench.batch import bench_batch
from bench.boards import bench_boards
from bench.http_load import add_http_args, bench_http
from bench.factory import Factory
from bench.flatness import bench_flat, flat_verdicts, print_flat_table, reference_builder
from bench.in_turns import reference_world
from bench.planning_reads import print_planning
from bench.measure import log
from bench.session import OdooSession
from bench.signal_cost import (METHODS, SIGNAL_TARGET, bench_signal, commit_signal_loops,
                               print_attribution, print_signal_table)

PARTS = ('signal', 'flat', 'batch', 'boards', 'http')
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ----------------------------------------------------------------------
def environment_info(env):
    env.cr.execute('SHOW server_version')
    pg_version = env.cr.fetchone()[0]

    def git(*argv):
        try:
            return subprocess.check_output(('git',) + argv, cwd=REPO_ROOT,
                                           stderr=subprocess.DEVNULL).decode().strip()
        except Exception:  # noqa: BLE001 - informative only
            return None
    status = git('status', '--porcelain', '--', 'jit_kanban')
    from jit_kanban_runtime.cli import addon_fingerprint
    return {'addon_fingerprint': addon_fingerprint(),'date': datetime.datetime.now().isoformat(timespec='seconds'),
            'git_commit': git('rev-parse', '--short', 'HEAD'),
            'addon_modified_since_commit': bool(status), 'python': platform.python_version(),
            'postgresql': pg_version, 'cpus': os.cpu_count(), 'platform': platform.platform()}


@contextlib.contextmanager
def timed_part(seconds, part):
    """Log and keep in ``seconds`` how long a part took (a full run must
    stay under 15 minutes: these say where its time goes)."""
    started = time.time()
    yield
    seconds[part] = round(time.time() - started, 1)
    log('%s part: %.0f s' % (part, seconds[part]))


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='python -m bench.run', description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=os.environ.get('JIT_KANBAN_ODOO_CONFIG',
                                                           os.path.join(REPO_ROOT, '.jit-kanban',
                                                                        'odoo-0-jit_kanban_bench.conf')))
    parser.add_argument('--db', default='jit_kanban_bench')
    parser.add_argument('--reps', type=int, default=300,
                        help='signal pairs (baseline + kanban) per method')
    parser.add_argument('--mo-reps', type=int, default=160,
                        help='at most this many pairs for the manufacture signal (an MO '
                             'pair takes 0.6 s; see signal_cost.signal_reps)')
    parser.add_argument('--warmup', type=int, default=1, help='warm-up pairs per block')
    parser.add_argument('--block', type=int, default=10,
                        help='pairs per fresh transaction (then VACUUM; see measure_signal)')
    parser.add_argument('--methods', default=','.join(METHODS),
                        type=lambda text: [m for m in text.split(',') if m])
    parser.add_argument('--no-attribute', dest='attribute', action='store_false',
                        help='skip the query capture and per-phase timing')
    parser.add_argument('--attribute-reps', type=int, default=10)
    parser.add_argument('--sizes', default='10,100,1000',
                        type=lambda text: [int(s) for s in text.split(',') if s])
    parser.add_argument('--cards-per-loop', type=int, default=4)
    parser.add_argument('--events-per-loop', type=int, default=100)
    parser.add_argument('--moves-per-loop', type=int, default=500,
                        help='done stock moves out of the supermarket per loop (sizing history)')
    parser.add_argument('--board-reps', type=int, default=15,
                        help='samples of each read of the flat part, per size')
    parser.add_argument('--shortage-reps', type=int, default=45,
                        help='samples of the Shortage Risk first page, per size')
    parser.add_argument('--flat-reference', type=int, default=100,
                        help='loops of the copy of the database whose fixed-size reads (fixed '
                             'board, history, Shortage Risk) are taken in turns with the '
                             "growing one's (0: none, the smallest size measured before is "
                             'the baseline)')
    parser.add_argument('--boards-rounds', type=int, default=60,
                        help='rounds of the boards part: each board read once per size and round')
    parser.add_argument('--run-reps', type=int, default=5,
                        help='year-long sizing runs of every loop at each size (0: skip the '
                             'sizing-run and shortage rows)')
    parser.add_argument('--scale-reps', type=int, default=4,
                        help='signal pairs per method at each size (0: skip)')
    parser.add_argument('--parts', default=','.join(PARTS),
                        type=lambda text: [p for p in text.split(',') if p],
                        help='which parts to run, of %s' % ','.join(PARTS))
    parser.add_argument('--batch-sizes', default='200',
                        type=lambda text: [int(s) for s in text.split(',') if s],
                        help='loops (= MOs) per scheduled run')
    parser.add_argument('--batch-reps', type=int, default=1,
                        help='runs of each side per batch size (alternating which goes first)')
    parser.add_argument('--board-sizes', default='1000,10000,100000',
                        type=lambda text: [int(s) for s in text.split(',') if s],
                        help='cards in the database for the cards and supermarket boards')
    add_http_args(parser)
    parser.add_argument('--skip-signal', action='store_true')
    parser.add_argument('--skip-flat', action='store_true')
    parser.add_argument('--out', default=os.path.join(REPO_ROOT, 'bench', 'results', 'latest.json'))
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.time()
    session = OdooSession(args.config, args.db)
    with session.transaction() as env:
        report = {'environment': environment_info(env), 'args': vars(args),
                  'target_signal_ratio': SIGNAL_TARGET}
    args.skip_signal = args.skip_signal or 'signal' not in args.parts
    args.skip_flat = args.skip_flat or 'flat' not in args.parts
    rows = []
    scans = not args.skip_signal or (not args.skip_flat and args.scale_reps)
    signal_loops = commit_signal_loops(session) if scans else {}
    seconds = report['part_seconds'] = {}
    try:
        if not args.skip_signal:
            with timed_part(seconds, 'signal'):
                signal, attribution = bench_signal(session, args, signal_loops)
            report['signal'], report['attribution'] = signal, attribution
            rows += summary.signal_rows(signal)
            print_signal_table(signal)
            print_attribution(attribution)
        if not args.skip_flat:
            session.vacuum()
            with timed_part(seconds, 'flat'), reference_world(
                    session, args.flat_reference, reference_builder(args)) as reference, \
                    session.transaction() as env:
                flat, grown = bench_flat(env, signal_loops, args, reference)
            verdict = flat_verdicts(flat, grown)
            report['flatness'], report['flatness_verdict'] = flat, verdict
            rows += summary.flat_rows(flat, grown)
    finally:
        session.retire(list(signal_loops.values()))
    if 'batch' in args.parts:
        log('batch: scheduled kanban cron vs Odoo scheduler at %s loops ...' % args.batch_sizes)
        with timed_part(seconds, 'batch'):
            report['batch'] = bench_batch(session, args)
        rows += report['batch']
    if 'boards' in args.parts:
        session.vacuum()
        with timed_part(seconds, 'boards'):
            report['boards'] = bench_boards(session, Factory, args)
        rows += report['boards']
    if 'http' in args.parts:
        with timed_part(seconds, 'http'):
            report['http'] = bench_http(session, args)
        rows += report['http']
    # the details, together at the end, then the one table
    if not args.skip_signal:
        print_signal_table(signal)
    if not args.skip_flat:
        print_flat_table(flat, grown, verdict)
        print_planning(flat)
    report['rows'] = rows
    report['seconds'] = round(time.time() - started, 1)
    summary.print_table(rows, report['environment'])
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, 'w') as handle:
        json.dump(rows, handle, indent=1, default=str)
    detail = os.path.splitext(args.out)[0] + '-detail.json'
    with open(detail, 'w') as handle:
        json.dump(report, handle, indent=1, default=str)
    log('')
    log('results written to %s (every sample in %s; %.0fs)' % (args.out, detail,
                                                               time.time() - started))
    return report


if __name__ == '__main__':
    main()
