"""Every term the addon shows can be translated: the committed template
(jit_kanban/i18n/jit_kanban.pot) holds each term Odoo extracts from the
installed addon (Python _(), views, data, reports, JS and QWeb)."""
import io
import os
import re

import odoo
from odoo.tools import config

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POT = os.path.join(REPO_ROOT, 'jit_kanban', 'i18n', 'jit_kanban.pot')
FRESH = os.path.join(REPO_ROOT, 'test-output', 'jit_kanban.pot')


def msgids(text):
    """The msgids of a .po/.pot text (multi-line ones joined)."""
    ids, current = set(), None
    for line in text.splitlines():
        if line.startswith('msgid '):
            current = [line[6:]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            raw = ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', ''.join(current)))
            ids.add(raw.replace('\\"', '"').replace('\\n', '\n').replace('\\t', '\t'))
            current = None
    return ids - {''}


def export_template():
    buffer = io.BytesIO()
    with odoo.api.Environment.manage(), odoo.registry(config['db_name']).cursor() as cr:
        odoo.tools.trans_export(None, ['jit_kanban'], buffer, 'po', cr)
    return buffer.getvalue().decode('utf-8')


def test_every_term_is_in_the_committed_template():
    fresh = export_template()
    os.makedirs(os.path.dirname(FRESH), exist_ok=True)
    with open(FRESH, 'w') as handle:
        handle.write(fresh)
    assert os.path.exists(POT), 'no %s: copy %s there' % (POT, FRESH)
    with open(POT) as handle:
        committed = msgids(handle.read())
    missing = sorted(msgids(fresh) - committed)
    assert not missing, '%d terms missing from jit_kanban.pot (fresh one: %s): %s' % (
        len(missing), FRESH, missing[:20])


def test_the_scan_answers_are_translatable():
    terms = msgids(export_template())
    for term in ('retired card: remove it from the floor', 'unknown card barcode "%(barcode)s"',
                 '%s signalled: %s', 'MAKE', 'BUY', 'MOVE', 'Salmon pink'):
        assert term in terms, term
