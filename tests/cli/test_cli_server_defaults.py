"""An Odoo server started from the generated config (the test server, as
`jit-kanban serve` starts it): this machine only, no database manager, even
for someone who knows the master password."""
import configparser
import json
import os
import urllib.error
import urllib.parse
import urllib.request

import psutil

from jit_kanban_runtime import databases, pg


def generated_config():
    parser = configparser.RawConfigParser()
    path = os.environ['JIT_KANBAN_ODOO_CONFIG']
    parser.read(path)
    return path, parser['options']


def post(url, data, json_body=False):
    if json_body:
        body = json.dumps({'jsonrpc': '2.0', 'method': 'call', 'params': data}).encode()
        headers = {'Content-Type': 'application/json'}
    else:
        body, headers = urllib.parse.urlencode(data).encode(), {}
    try:
        request = urllib.request.Request(url, body, headers)
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_anonymous_database_drop_is_refused_even_with_the_master_password(odoo_server):
    path, options = generated_config()
    conn = pg.Connection(options['db_host'], int(options['db_port']), options['db_user'],
                         None if options['db_password'] == 'False' else options['db_password'])
    with open(os.path.join(os.path.dirname(path), 'master-password')) as handle:
        master_password = handle.read().strip()
    victim = 'jit_kanban_drop_target_%d' % os.getpid()
    databases.query(conn, 'postgres', 'DROP DATABASE IF EXISTS "%s"' % victim)
    databases.query(conn, 'postgres', 'CREATE DATABASE "%s"' % victim)
    try:
        post(odoo_server + '/web/database/drop', {'master_pwd': master_password, 'name': victim})
        post(odoo_server + '/web/database/drop', {'master_pwd': 'admin', 'name': victim})
        assert databases.probe(conn, victim).kind == databases.EMPTY  # still there
        status, body = post(odoo_server + '/web/database/list', {}, json_body=True)
        assert 'AccessDenied' in body and victim not in body, body
    finally:
        databases.query(conn, 'postgres', 'DROP DATABASE IF EXISTS "%s"' % victim)


def test_the_server_listens_on_this_machine_only(odoo_server):
    port = int(odoo_server.rsplit(':', 1)[1])
    listening = {c.laddr.ip for c in psutil.net_connections(kind='inet')
                 if c.status == psutil.CONN_LISTEN and c.laddr.port == port}
    assert listening == {'127.0.0.1'}
