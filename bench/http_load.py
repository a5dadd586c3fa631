"""5. HTTP load: handheld scanners on two prefork servers (``--workers 2``
each, one database), against the same load of Odoo's bare procurements.

Clients work in pairs; the two clients of a pair talk to different servers
and scan the same cards at the same moment, so every card is signalled twice
concurrently: exactly one order per card must come out (no duplicate), and
every scan must be answered (none lost).  The baseline clients send one bare
procurement per card (``/jit_kanban_bench/procure``, a benchmark-only route
loaded into these servers only), from the same number of clients.

This part commits: its loops, cards and orders stay in the benchmark
database (never the test database), each run in a supermarket of its own."""
import json
import os
import socket
import threading
import time

from bench import measure
from bench.measure import log
from jit_kanban_runtime.servers import OdooProcess

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_ADDONS = os.path.join(REPO_ROOT, 'bench', 'addons')
BASELINE_MODULE = 'jit_kanban_bench_http'
CARDS_PER_LOOP = 5


def add_http_args(parser):
    parser.add_argument('--http-clients', type=int, default=8,
                        help='concurrent clients (in pairs scanning the same cards)')
    parser.add_argument('--http-scans', type=int, default=24, help='scans per client')
    parser.add_argument('--http-workers', type=int, default=2, help='workers per server')
    parser.add_argument('--http-port', type=int, default=8211,
                        help='first of the 4 ports used (2 servers, HTTP + long polling)')
    parser.add_argument('--http-timeout', type=float, default=120.0,
                        help='seconds a client waits for one answer (then it counts as lost)')


def free(port):
    with socket.socket() as sock:
        try:
            sock.bind(('127.0.0.1', port))
        except OSError:
            return False
    return True


class Servers:
    """Two prefork Odoo servers on the benchmark database."""

    def __init__(self, args):
        self.args = args
        self.procs = []
        self.urls = []

    def __enter__(self):
        args = self.args
        import odoo
        addons = '%s,%s' % (odoo.tools.config['addons_path'], BENCH_ADDONS)
        ports = [p for p in range(args.http_port, args.http_port + 40) if free(p)][:4]
        out = os.path.join(os.path.dirname(args.out))
        os.makedirs(out, exist_ok=True)
        for index in range(2):
            http_port, poll_port = ports[2 * index], ports[2 * index + 1]
            self.procs.append(OdooProcess(
                ['-c', args.config, '-d', args.db, '--db-filter=^%s$' % args.db,
                 '--addons-path=%s' % addons, '--load=base,web,%s' % BASELINE_MODULE,
                 '--http-port=%d' % http_port, '--longpolling-port=%d' % poll_port,
                 '--workers=%d' % args.http_workers, '--max-cron-threads=0',
                 '--limit-time-real=300', '--log-level=warn'],
                os.path.join(out, 'http-server-%d.log' % index), cwd=REPO_ROOT))
            self.urls.append('http://127.0.0.1:%d' % http_port)
        try:
            for url, server in zip(self.urls, self.procs):
                server.wait_ready(url)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_):
        for server in self.procs:
            server.stop()


class Client:
    """One scanner: a session on one server, JSON requests, latencies."""

    def __init__(self, url, db, timeout):
        import requests
        self.url, self.db, self.timeout = url, db, timeout
        self.http = requests.Session()
        self.samples = []  # (ms, result or None)

    def call(self, path, params):
        body = {'jsonrpc': '2.0', 'method': 'call', 'params': params, 'id': 1}
        response = self.http.post(self.url + path, data=json.dumps(body), timeout=self.timeout,
                                  headers={'Content-Type': 'application/json'})
        response.raise_for_status()
        answer = response.json()
        if 'error' in answer:
            raise RuntimeError(answer['error'].get('data', {}).get('message') or answer['error'])
        return answer['result']

    def login(self):
        self.call('/web/session/authenticate', {'db': self.db, 'login': 'admin',
                                                 'password': 'admin'})

    def run(self, path, barcodes, start):
        start.wait()
        for barcode in barcodes:
            began = time.perf_counter()
            try:
                result = self.call(path, {'barcode': barcode}).get('result')
            except Exception:  # noqa: BLE001 - an unanswered scan is what is counted
                result = None
            self.samples.append(((time.perf_counter() - began) * 1000.0, result))


def build_cards(session, cards, tag):
    """Committed: ``cards`` cards of manufacture loops (5-component BoMs) in a
    new supermarket; returns (barcodes, loop ids)."""
    from bench.factory import Factory
    with session.committed('the HTTP load') as env:
        factory = Factory(env, tag=tag)
        supermarket = factory.supermarket('Scanners')
        components = [factory.product('Component %d' % i) for i in range(5)]
        loops = env['jit.kanban.loop']
        for index in range(-(-cards // CARDS_PER_LOOP)):
            product = factory.product('Assembly %03d' % index)
            bom = factory.bom(product, components)
            loops |= factory.loop(product, supermarket, 'manufacture', bom_id=bom.id,
                                  card_count=CARDS_PER_LOOP)
        barcodes = loops.mapped('card_ids').sorted('id').mapped('barcode')[:cards]
        loop_ids = loops.ids
    return barcodes, loop_ids


def outcome(session, loop_ids):
    """(orders, cards ordered, duplicates) of the loops, read from the database."""
    cr = session.registry.cursor()
    try:
        cr.execute('SELECT COUNT(*), COUNT(DISTINCT p.id) FROM mrp_production p '
                   'WHERE p.jit_kanban_loop_id IN %s', (tuple(loop_ids),))
        orders = cr.fetchone()[0]
        cr.execute("SELECT COUNT(*) FROM jit_kanban_card WHERE loop_id IN %s AND state = 'ordered'",
                   (tuple(loop_ids),))
        ordered = cr.fetchone()[0]
        cr.execute("""SELECT COUNT(*) FROM (SELECT card_id FROM jit_kanban_event
                       WHERE loop_id IN %s AND event_type = 'order'
                       GROUP BY card_id HAVING COUNT(*) > 1) d""", (tuple(loop_ids),))
        return orders, ordered, cr.fetchone()[0]
    finally:
        cr.close()


def drive(urls, db, args, path, lists):
    """Run one client per list (client i on server i % 2); returns
    (wall seconds, [(ms, result)])."""
    clients = [Client(urls[index % len(urls)], db, args.http_timeout)
               for index in range(len(lists))]
    for client in clients:
        client.login()
    start = threading.Event()
    threads = [threading.Thread(target=client.run, args=(path, barcodes, start))
               for client, barcodes in zip(clients, lists)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    start.set()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return wall, [sample for client in clients for sample in client.samples]


def bench_http(session, args):
    pairs = max(args.http_clients // 2, 1)
    per_pair = args.http_scans
    cards = pairs * per_pair
    tag = 'HTTP%s' % time.strftime('%m%d%H%M%S')
    log('http: %d cards for %d clients in pairs on two servers (%d workers each) ...' % (
        2 * cards + 10, 2 * pairs, args.http_workers))
    barcodes, loop_ids = build_cards(session, cards, tag)
    base_codes, base_loops = build_cards(session, cards, tag + 'B')
    warm_codes, warm_loops = build_cards(session, 10, tag + 'W')
    # the two clients of a pair scan the same cards, in the same order
    kanban_lists = [barcodes[pair * per_pair:(pair + 1) * per_pair]
                    for pair in range(pairs) for _twin in range(2)]
    # the baseline: one procurement per card, the same number of clients
    base_lists = [base_codes[index::2 * pairs] for index in range(2 * pairs)]
    rows = []
    with Servers(args) as servers:
        # every worker loads the registry once, before anything is timed
        drive(servers.urls, args.db, args, '/jit_kanban_bench/procure',
              [warm_codes[i::2 * pairs] for i in range(2 * pairs)])
        drive(servers.urls, args.db, args, '/jit_kanban/card/%s' % warm_codes[0],
              [warm_codes[:2]] * (2 * pairs))
        log('  bare procurements ...')
        base_wall, base = drive(servers.urls, args.db, args, '/jit_kanban_bench/procure',
                                base_lists)
        log('  kanban scans ...')
        kanban_wall, kanban = drive(servers.urls, args.db, args, '/jit_kanban/signal',
                                    kanban_lists)
    orders, ordered, duplicated = outcome(session, loop_ids)
    session.retire(loop_ids + base_loops + warm_loops)
    accepted = [ms for ms, result in kanban if result == 'accepted']
    answered = [ms for ms, result in kanban if result]
    lost = len(kanban) - len(answered)
    base_done = [ms for ms, result in base if result == 'procured']
    duplicates = duplicated + max(orders - ordered, 0)
    figures = {'requests': len(kanban), 'answered': len(answered), 'accepted': len(accepted),
               'orders': orders, 'cards': cards, 'duplicates': duplicates, 'lost': lost,
               'req_per_s': len(kanban) / kanban_wall, 'orders_per_s': orders / kanban_wall,
               'p50_all_ms': measure.median([ms for ms, _r in kanban]),
               'p95_all_ms': measure.percentile([ms for ms, _r in kanban], 0.95),
               'baseline_requests': len(base), 'baseline_answered': len(base_done),
               'baseline_orders_per_s': len(base_done) / base_wall,
               'baseline_p95_ms': measure.percentile([ms for ms, _r in base], 0.95),
               'clients': 2 * pairs, 'servers': 2, 'workers_per_server': args.http_workers}
    log('  kanban: %(requests)d scans, %(answered)d answered, %(accepted)d accepted, %(orders)d '
        'orders for %(cards)d cards: %(duplicates)d duplicates, %(lost)d lost; %(req_per_s).1f '
        'req/s, %(orders_per_s).1f orders/s, p50 %(p50_all_ms).0f ms, p95 %(p95_all_ms).0f ms'
        % figures)
    log('  baseline: %(baseline_answered)d of %(baseline_requests)d procurements, '
        '%(baseline_orders_per_s).1f orders/s, p95 %(baseline_p95_ms).0f ms' % figures)
    base_median = measure.median(base_done)
    rows.append(dict(figures, name='http scan making an order', size=2 * pairs,
                     n=len(accepted), median_ms=measure.median(accepted),
                     p95_ms=measure.percentile(accepted, 0.95),
                     baseline='bare procurement over HTTP, same clients',
                     baseline_median_ms=base_median,
                     ratio=measure.median(accepted) / base_median if base_done else None,
                     queries=None))
    # wall time per order made: the whole load (rejected twins included)
    # against the baseline's, i.e. the inverse ratio of orders per second
    rows.append(dict(figures, name='http wall ms per order', size=2 * pairs, n=orders,
                     median_ms=kanban_wall * 1000.0 / max(orders, 1), p95_ms=float('nan'),
                     baseline='bare procurements, same clients',
                     baseline_median_ms=base_wall * 1000.0 / max(len(base_done), 1),
                     ratio=(kanban_wall / max(orders, 1)) / (base_wall / max(len(base_done), 1)),
                     queries=None))
    if lost or duplicates or orders != cards:
        log('  WARNING: %d lost, %d duplicates, %d orders for %d cards' % (
            lost, duplicates, orders, cards))
    return rows
