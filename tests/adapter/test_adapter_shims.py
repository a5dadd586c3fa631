"""One test per shim of jit_kanban_runtime.adapter.

Each test checks, in this (adapted) process, that the old API behaves as it
did on Python 3.5-3.7 / old Pillow / old PyYAML, that the adapter recorded
the patch, and, through the ``pristine`` child interpreter, that plain
Python 3.11 lacks it (so the test would fail without the shim).
"""
import base64
import collections
import collections.abc
import inspect
import resource
import sys
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from jit_kanban_runtime import adapter


def test_collections_abc_aliases(pristine):
    assert not pristine['collections.Mapping'] and not pristine['collections.Iterable']
    for name in ('Mapping', 'MutableMapping', 'Iterable', 'Sequence', 'MutableSet', 'Callable'):
        assert getattr(collections, name) is getattr(collections.abc, name)
        assert 'collections.' + name in adapter.patched
    # what odoo/tools/misc.py does first thing
    from collections import Iterable, Mapping, MutableSet  # noqa: F401
    assert isinstance({}, collections.Mapping)


def _sample(a, b='x', *args, **kw):
    pass


def test_inspect_getargspec_and_formatargspec(pristine):
    assert not pristine['inspect.getargspec'] and not pristine['inspect.formatargspec']
    spec = inspect.getargspec(_sample)
    # Python 3.5's output for this function
    assert spec == (['a', 'b'], 'args', 'kw', ('x',))
    assert (spec.args, spec.varargs, spec.keywords, spec.defaults) == (['a', 'b'], 'args', 'kw', ('x',))
    assert inspect.formatargspec(*spec) == "(a, b='x', *args, **kw)"
    assert inspect.formatargspec(['self', 'ids']) == '(self, ids)'
    assert {'inspect.getargspec', 'inspect.formatargspec'} <= set(adapter.patched)

    # Odoo's ormcache builds its key function from both
    from odoo.tools import ormcache

    class Model:
        @ormcache('key')
        def lookup(self, key, other=None):
            return key
    cache = Model.__dict__['lookup'].clear_cache.__self__
    assert cache.key(Model(), 'k') == ('k',)


def test_base64_encodestring_decodestring(pristine):
    assert not pristine['base64.encodestring'] and not pristine['base64.decodestring']
    # the old functions wrapped lines at 76 characters and ended with a newline
    assert base64.encodestring(b'odoo') == b'b2Rvbw==\n'
    long = base64.encodestring(b'x' * 60)
    assert long.count(b'\n') == 2 and len(long.split(b'\n')[0]) == 76
    assert base64.decodestring(b'b2Rvbw==\n') == b'odoo'
    assert {'base64.encodestring', 'base64.decodestring'} <= set(adapter.patched)


def test_time_clock(pristine):
    assert not pristine['time.clock']
    first = time.clock()
    sum(range(100000))
    assert isinstance(first, float) and time.clock() > first
    assert 'time.clock' in adapter.patched


def test_thread_isalive(pristine):
    assert not pristine['Thread.isAlive']
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    assert thread.isAlive() is True
    release.set()
    thread.join(10)
    assert thread.isAlive() is False
    assert 'threading.Thread.isAlive' in adapter.patched


def test_cgi_escape(pristine):
    assert not pristine['cgi.escape']
    import cgi
    text = '<a href="x">it\'s & more</a>'
    # Python 3.7's results: quotes only with quote=True, and never "'"
    assert cgi.escape(text) == '&lt;a href="x"&gt;it\'s &amp; more&lt;/a&gt;'
    assert cgi.escape(text, True) == '&lt;a href=&quot;x&quot;&gt;it\'s &amp; more&lt;/a&gt;'
    assert 'cgi.escape' in adapter.patched


def test_resource_setrlimit_accepts_floats(pristine):
    assert pristine['setrlimit(float)'].startswith('TypeError')
    # what Odoo's prefork worker does: (cpu seconds as float, hard)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (float(soft), hard))
    assert resource.getrlimit(resource.RLIMIT_CPU) == (soft, hard)
    assert 'resource.setrlimit' in adapter.patched


def test_element_getchildren_and_celementtree(pristine, tmp_path):
    assert not pristine['Element.getchildren']
    assert not pristine['cElementTree.Element.getchildren']
    root = ET.fromstring('<a><b/><c/></a>')
    assert [child.tag for child in root.getchildren()] == ['b', 'c']
    import xml.etree.cElementTree as cET
    assert [c.tag for c in cET.fromstring('<a><d/></a>').getchildren()] == ['d']
    assert 'xml.etree.ElementTree.Element.getchildren' in adapter.patched

    # the web client's template route concatenates its XML files this way
    from odoo.addons.web.controllers.main import concat_xml
    one, two = tmp_path / 'one.xml', tmp_path / 'two.xml'
    one.write_text('<templates><t t-name="A"/></templates>')
    two.write_text('<templates><t t-name="B"/></templates>')
    content, _checksum = concat_xml([str(one), str(two)])
    assert [t.get('t-name') for t in ET.fromstring(content)] == ['A', 'B']


def test_pil_image_antialias(pristine):
    assert not pristine['Image.ANTIALIAS']
    from PIL import Image
    assert Image.ANTIALIAS == Image.LANCZOS
    assert 'PIL.Image.ANTIALIAS' in adapter.patched

    # Odoo's thumbnails use it
    import io
    from odoo.tools import image_resize_image
    buffer = io.BytesIO()
    Image.new('RGB', (300, 200), 'red').save(buffer, 'PNG')
    small = image_resize_image(base64.b64encode(buffer.getvalue()), size=(64, 64))
    assert Image.open(io.BytesIO(base64.b64decode(small))).size == (64, 64)


def test_yaml_load_without_loader(pristine):
    assert pristine['yaml.load(no Loader)'].startswith('TypeError')
    import yaml
    # the old default loader: full Python tags, and the tags Odoo registers
    assert yaml.load('a: !!python/tuple [1, 2]') == {'a': (1, 2)}
    from odoo.tools import yaml_tag
    records = yaml.load('-\n  !record {model: res.partner, id: p1}:\n    name: X\n')
    assert isinstance(records[0], dict)
    (tag, values), = records[0].items()
    assert isinstance(tag, yaml_tag.Record) and tag.model == 'res.partner' and values == {'name': 'X'}
    assert 'yaml.load' in adapter.patched


SAFE_EVAL_CASES = [
    ("a + 1", {'a': 1}, 2),                                       # BINARY_OP
    ("[x * 2 for x in items if x]", {'items': [0, 1, 2]}, [2, 4]),  # comprehension
    ("name.upper()", {'name': 'kanban'}, 'KANBAN'),               # method call
    ("dict(a=1, **extra)", {'extra': {'b': 2}}, {'a': 1, 'b': 2}),  # kwargs call
    ("x in (1, 2) and y is None", {'x': 1, 'y': None}, True),     # CONTAINS_OP, IS_OP
    ("{k: v for k, v in d.items()}", {'d': {'q': 3}}, {'q': 3}),
]


def test_safe_eval_accepts_python311_opcodes(child_python):
    from odoo.tools.safe_eval import safe_eval
    safe_eval_module = sys.modules['odoo.tools.safe_eval']
    for expression, context, expected in SAFE_EVAL_CASES:
        assert safe_eval(expression, dict(context)) == expected, expression
    assert safe_eval_module._jit_kanban_adapted
    assert 'odoo.tools.safe_eval' in adapter.patched
    # still safe: dunder access is refused
    with pytest.raises(NameError, match='forbidden name'):
        safe_eval("().__class__")

    # without this patch (every other shim applied) the same call fails
    result = child_python('''
        from jit_kanban_runtime import adapter
        del adapter._post_import_patches['odoo.tools.safe_eval']
        adapter.apply()
        from odoo.tools.safe_eval import safe_eval
        safe_eval("a + 1", {'a': 1})
    ''')
    assert result.returncode != 0
    assert 'forbidden opcode' in result.stderr


QWEB_TEMPLATE = '''
<t t-name="probe">
  <ul>
    <li t-foreach="[items[i:i + 2] for i in xrange(0, len(items), 2)]" t-as="pair">
      <t t-if="flag is True and missing is None"><t t-esc="pair"/></t>
      <t t-if="pair_last">last</t>
    </li>
  </ul>
</t>'''


def render_probe():
    from lxml import etree
    from odoo.addons.base.ir.ir_qweb.qweb import QWeb
    template = etree.fromstring(QWEB_TEMPLATE)
    html = QWeb().render(template, {'items': [1, 2, 3], 'flag': True, 'missing': None})
    return ''.join(html.decode().split())


def test_qweb_compiles_and_renders(child_python):
    assert render_probe() == '<ul><li>[1,2]</li><li>[3]last</li></ul>'
    from odoo.addons.base.ir.ir_qweb import qweb
    assert qweb._jit_kanban_adapted
    assert 'odoo.addons.base.ir.ir_qweb.qweb' in adapter.patched

    # without the QWeb patch the template does not even compile
    result = child_python('''
        from jit_kanban_runtime import adapter
        del adapter._post_import_patches['odoo.addons.base.ir.ir_qweb.qweb']
        adapter.apply()
        import odoo
        from lxml import etree
        from odoo.addons.base.ir.ir_qweb.qweb import QWeb
        QWeb().render(etree.fromstring(%r), {'items': [1], 'flag': True, 'missing': None})
    ''' % QWEB_TEMPLATE)
    assert result.returncode != 0
    assert 'QWebException' in result.stderr and 'Error when compiling AST' in result.stderr


def test_apply_is_idempotent():
    import yaml
    before = (list(adapter.patched), yaml.load, resource.setrlimit)
    adapter.apply()
    # even the individual shims do not wrap twice
    adapter._shim_yaml()
    adapter._shim_small_stdlib()
    assert (list(adapter.patched), yaml.load, resource.setrlimit) == before
