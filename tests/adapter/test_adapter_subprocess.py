"""The adapter in a fresh interpreter: with apply() Odoo imports and its own
modules get patched on first import; without it Odoo does not import."""


def test_apply_then_import_odoo_patches_odoo_modules(child_json):
    facts = child_json('''
        import json, os
        import jit_kanban_runtime.adapter as a
        a.apply()
        import odoo
        import sys, odoo.tools.safe_eval
        se = sys.modules['odoo.tools.safe_eval']
        from odoo.addons.base.ir.ir_qweb import qweb
        from opcode import opmap
        import collections, inspect
        print(json.dumps({
            'odoo': odoo.release.version_info[:2],
            'safe_eval adapted': getattr(se, '_jit_kanban_adapted', False),
            'BINARY_OP allowed': opmap['BINARY_OP'] in se._SAFE_OPCODES,
            'safe_eval': se.safe_eval('a + 1', {'a': 1}),
            'qweb adapted': getattr(qweb, '_jit_kanban_adapted', False),
            'qweb compile': qweb.compile is a._compile_with_fixed_ast,
            'xrange': 'xrange' in qweb.builtin_defaults,
            'Mapping': collections.Mapping is collections.abc.Mapping,
            'getargspec': hasattr(inspect, 'getargspec'),
            'patched': a.patched,
            'preload': os.environ.get('ODOO_PRELOAD_ADDONS'),
        }))
    ''')
    assert facts['odoo'] == [11, 0]
    assert facts['safe_eval adapted'] and facts['BINARY_OP allowed'] and facts['safe_eval'] == 2
    assert facts['qweb adapted'] and facts['qweb compile'] and facts['xrange']
    assert facts['Mapping'] and facts['getargspec']
    assert {'odoo.tools.safe_eval', 'odoo.addons.base.ir.ir_qweb.qweb',
            'collections.Mapping', 'yaml.load'} <= set(facts['patched'])
    # the HTTP layer must not preload the wheels' glue addons
    assert facts['preload'] == 'no'


def test_apply_twice_in_fresh_interpreter(child_json):
    facts = child_json('''
        import json
        import jit_kanban_runtime.adapter as a
        a.apply()
        first = list(a.patched)
        a.apply()
        import sys
        finders = [f for f in sys.meta_path if type(f).__name__ == '_PostImportFinder']
        print(json.dumps({'same': first == a.patched, 'finders': len(finders)}))
    ''')
    assert facts == {'same': True, 'finders': 1}


def test_without_apply_odoo_does_not_import(child_python):
    result = child_python('import odoo')
    assert result.returncode != 0
    # the first Python 3.11 breakage met on the way in
    assert "cannot import name 'Iterable' from 'collections'" in result.stderr


def test_without_apply_stdlib_lacks_old_apis(pristine):
    # the other shims matter on their own, not only for `import odoo`
    missing = [name for name in ('inspect.getargspec', 'base64.encodestring', 'time.clock',
                                 'Thread.isAlive', 'cgi.escape', 'Element.getchildren',
                                 'Image.ANTIALIAS') if pristine[name]]
    assert missing == []
    assert pristine['yaml.load(no Loader)'].startswith('TypeError')
    assert pristine['setrlimit(float)'].startswith('TypeError')
