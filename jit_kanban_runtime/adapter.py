"""Make Odoo 11.0 run on Python 3.11.

Odoo 11 was written for Python 3.5/3.6.  Everything it relies on that later
Pythons (and Pillow, PyYAML) removed is put back here, as thin aliases, before
Odoo is imported.  Patches that must touch Odoo's own modules are applied by a
post-import hook the moment those modules are first imported, whoever imports
them.  ``apply()`` is idempotent; every shim has its own test in
``tests/adapter``.
"""
import ast
import base64
import collections
import collections.abc
import functools
import importlib.abc
import importlib.util
import inspect
import io
import subprocess
import sys
import threading
import time

_applied = False
_post_import_patches = {}
# dotted names of what apply() actually changed (tests and diagnostics)
patched = []


def _record(name):
    if name not in patched:
        patched.append(name)


# --------------------------------------------------------------------------
# standard library
# --------------------------------------------------------------------------
def _shim_collections_abc():
    for name in collections.abc.__all__:
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
            _record('collections.' + name)


def _getargspec(func):
    spec = inspect.getfullargspec(func)
    return inspect.ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults) \
        if hasattr(inspect, 'ArgSpec') else _ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)


_ArgSpec = collections.namedtuple('ArgSpec', 'args varargs keywords defaults')


def _formatargspec(args, varargs=None, varkw=None, defaults=None, *_ignored, **_ignored_kw):
    """Python 3.5's formatargspec for the plain signatures Odoo formats."""
    specs = []
    first_default = len(args) - len(defaults) if defaults else len(args)
    for index, arg in enumerate(args):
        if defaults and index >= first_default:
            specs.append('%s=%r' % (arg, defaults[index - first_default]))
        else:
            specs.append(arg)
    if varargs is not None:
        specs.append('*' + varargs)
    if varkw is not None:
        specs.append('**' + varkw)
    return '(' + ', '.join(specs) + ')'


def _shim_inspect():
    if not hasattr(inspect, 'getargspec'):
        inspect.ArgSpec = _ArgSpec
        inspect.getargspec = _getargspec
        _record('inspect.getargspec')
    if not hasattr(inspect, 'formatargspec'):
        inspect.formatargspec = _formatargspec
        _record('inspect.formatargspec')


def _shim_base64():
    if not hasattr(base64, 'encodestring'):
        base64.encodestring = base64.encodebytes
        _record('base64.encodestring')
    if not hasattr(base64, 'decodestring'):
        base64.decodestring = base64.decodebytes
        _record('base64.decodestring')


def _cgi_escape(s, quote=None):
    # Python 3.7's cgi.escape: unlike html.escape, never touches "'"
    s = s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return s.replace('"', '&quot;') if quote else s


def _shim_small_stdlib():
    if not hasattr(time, 'clock'):
        time.clock = time.perf_counter
        _record('time.clock')
    if not hasattr(threading.Thread, 'isAlive'):
        threading.Thread.isAlive = threading.Thread.is_alive
        _record('threading.Thread.isAlive')
    try:
        import cgi  # deprecated, still present on 3.11
    except ImportError:  # pragma: no cover - Python >= 3.13
        cgi = None
    if cgi is not None and not hasattr(cgi, 'escape'):
        cgi.escape = _cgi_escape
        _record('cgi.escape')
    import resource
    real_setrlimit = resource.setrlimit
    if not getattr(real_setrlimit, '_jit_kanban_adapted', False):
        def setrlimit(which, limits):
            # Odoo's prefork workers pass float seconds; 3.11 wants ints.
            return real_setrlimit(which, tuple(int(v) for v in limits))
        setrlimit._jit_kanban_adapted = True
        resource.setrlimit = setrlimit
        _record('resource.setrlimit')


def _shim_elementtree():
    """Odoo's web client calls Element.getchildren() (gone since 3.9).

    Only the pure-Python Element accepts a new method, so the C accelerator is
    kept from loading (and ElementTree reloaded if it already was)."""
    et = sys.modules.get('xml.etree.ElementTree')
    if et is not None and hasattr(et.Element, 'getchildren'):
        pass
    else:
        sys.modules['_elementtree'] = None
        if et is not None:
            import importlib
            et = importlib.reload(et)
        else:
            import xml.etree.ElementTree as et
        et.Element.getchildren = lambda self: list(self)
        _record('xml.etree.ElementTree.Element.getchildren')
    if 'xml.etree.cElementTree' not in sys.modules:
        sys.modules['xml.etree.cElementTree'] = et
        _record('xml.etree.cElementTree')


def _shim_pillow():
    try:
        from PIL import Image
    except ImportError:  # Pillow is optional for the adapter itself
        return
    if not hasattr(Image, 'ANTIALIAS'):
        Image.ANTIALIAS = Image.LANCZOS
        _record('PIL.Image.ANTIALIAS')


def _shim_yaml():
    try:
        import yaml
    except ImportError:
        return
    if getattr(yaml.load, '_jit_kanban_adapted', False):
        return
    real_load = yaml.load

    def load(stream, Loader=None, **kwargs):
        # PyYAML 6 made Loader mandatory; Odoo 11's YAML files expect the
        # full loader that it registers its !tags on.
        return real_load(stream, Loader=Loader or yaml.Loader, **kwargs)
    load._jit_kanban_adapted = True
    yaml.load = load
    _record('yaml.load')


# --------------------------------------------------------------------------
# Odoo's own modules, patched right after their first import
# --------------------------------------------------------------------------
# opcodes introduced by 3.11's compiler for constructs Odoo already allowed
SAFE_EVAL_PY311_OPCODES = [
    'RESUME', 'PRECALL', 'CALL', 'PUSH_NULL', 'KW_NAMES', 'BINARY_OP',
    'CACHE', 'NOP', 'COPY', 'SWAP', 'RETURN_GENERATOR', 'COPY_FREE_VARS',
    'MAKE_CELL', 'LOAD_DEREF', 'STORE_DEREF', 'LOAD_CLOSURE',
    'JUMP_BACKWARD', 'JUMP_BACKWARD_NO_INTERRUPT',
    'POP_JUMP_FORWARD_IF_FALSE', 'POP_JUMP_FORWARD_IF_TRUE',
    'POP_JUMP_BACKWARD_IF_FALSE', 'POP_JUMP_BACKWARD_IF_TRUE',
    'POP_JUMP_FORWARD_IF_NONE', 'POP_JUMP_FORWARD_IF_NOT_NONE',
    'POP_JUMP_BACKWARD_IF_NONE', 'POP_JUMP_BACKWARD_IF_NOT_NONE',
    'POP_JUMP_IF_NONE', 'POP_JUMP_IF_NOT_NONE',
    'CONTAINS_OP', 'IS_OP', 'LIST_EXTEND', 'LIST_TO_TUPLE', 'SET_UPDATE',
    'DICT_UPDATE', 'DICT_MERGE', 'BUILD_STRING', 'FORMAT_VALUE',
    'UNPACK_EX', 'CHECK_EXC_MATCH', 'PUSH_EXC_INFO', 'RERAISE',
    'BEFORE_WITH', 'LOAD_ASSERTION_ERROR', 'GEN_START',
]


def _patch_safe_eval(module):
    from opcode import opmap
    extra = {opmap[name] for name in SAFE_EVAL_PY311_OPCODES if name in opmap}
    module._SAFE_OPCODES |= extra
    # safe_eval() passes _SAFE_OPCODES by reference at call time; the constant
    # and expression sets are used by const_eval/expr_eval.
    module._EXPR_OPCODES |= {opmap[n] for n in ('RESUME', 'BINARY_OP', 'CACHE',
                                                 'NOP', 'COPY', 'SWAP', 'LIST_EXTEND',
                                                 'LIST_TO_TUPLE', 'SET_UPDATE',
                                                 'DICT_UPDATE', 'CONTAINS_OP', 'IS_OP')
                             if n in opmap}
    module._CONST_OPCODES |= {opmap[n] for n in ('RESUME', 'CACHE', 'NOP',
                                                  'LIST_EXTEND', 'LIST_TO_TUPLE',
                                                  'SET_UPDATE')
                              if n in opmap}


_NAME_CONSTANTS = {'None': None, 'True': True, 'False': False}


class QWebAstFixer(ast.NodeTransformer):
    """Turn the AST QWeb builds for Python 3.5 into one 3.11 compiles."""

    def visit_Name(self, node):
        if node.id in _NAME_CONSTANTS:
            return ast.copy_location(ast.Constant(value=_NAME_CONSTANTS[node.id]), node)
        return node

    def visit_arguments(self, node):
        self.generic_visit(node)
        if not hasattr(node, 'posonlyargs') or node.posonlyargs is None:
            node.posonlyargs = []
        return node

    def visit_Module(self, node):
        self.generic_visit(node)
        if not hasattr(node, 'type_ignores') or node.type_ignores is None:
            node.type_ignores = []
        return node


def fix_qweb_ast(tree):
    tree = QWebAstFixer().visit(tree)
    for node in ast.walk(tree):
        # QWeb copies positions from one node to another; 3.11 rejects any
        # range that ends before it starts.  Template code has no real lines.
        if 'lineno' in node._attributes:
            node.lineno = getattr(node, 'lineno', 1) or 1
            node.col_offset = getattr(node, 'col_offset', 0) or 0
            node.end_lineno = node.lineno
            node.end_col_offset = node.col_offset
    return tree


def _compile_with_fixed_ast(source, filename, mode, *args, **kwargs):
    if isinstance(source, ast.AST):
        source = fix_qweb_ast(source)
    return compile(source, filename, mode, *args, **kwargs)


def _patch_qweb(module):
    module.compile = _compile_with_fixed_ast
    # report templates of Odoo 11 still say xrange (stock's location barcodes):
    # as a "builtin" QWeb leaves the name alone, and the base module that
    # every compiled template starts with defines it.
    module.builtin_defaults.setdefault('xrange', range)
    base_module = module.QWeb._base_module

    def _base_module(self):
        tree = base_module(self)
        tree.body.extend(ast.parse('xrange = range').body)
        return tree
    module.QWeb._base_module = _base_module


# wkhtmltopdf binary -> True when built against wkhtmltopdf's patched Qt
_wkhtmltopdf_patched_qt = {}


def wkhtmltopdf_has_patched_qt(binary):
    """Whether ``binary`` is a "with patched qt" build (``--version`` says so).

    Only those take several HTML files in one run (and headers/footers)."""
    if binary not in _wkhtmltopdf_patched_qt:
        try:
            out = subprocess.run([binary, '--version'], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, timeout=60).stdout
        except (OSError, subprocess.SubprocessError):
            return True  # unknown: let Odoo's own call report the problem
        _wkhtmltopdf_patched_qt[binary] = b'patched qt' in out.lower()
    return _wkhtmltopdf_patched_qt[binary]


def _patch_ir_actions_report(module):
    """One wkhtmltopdf run per report body on an unpatched-Qt wkhtmltopdf.

    Odoo writes one HTML file per ``div.article`` (one per record) and passes
    them all to one wkhtmltopdf run.  Debian's 0.12.6 (unpatched Qt) then
    writes no PDF and exits with 1, which Odoo accepts: a report of several
    records came out as a 0-page PDF.  Each body is now rendered alone (same
    header, footer and arguments) and the PDFs are merged.  With a patched-Qt
    binary the single run is kept: its headers are picked per body by the body
    file's index, which a one-body run would always make 0."""
    report_class = module.IrActionsReport
    original = report_class._run_wkhtmltopdf

    @functools.wraps(original)  # keeps @api.model's _api and __wrapped__
    def _run_wkhtmltopdf(self, bodies, header=None, footer=None, landscape=False,
                         specific_paperformat_args=None, set_viewport_size=False):
        args = dict(header=header, footer=footer, landscape=landscape,
                    specific_paperformat_args=specific_paperformat_args,
                    set_viewport_size=set_viewport_size)
        binary = module._get_wkhtmltopdf_bin()
        if len(bodies) <= 1 or wkhtmltopdf_has_patched_qt(binary):
            return original(self, bodies, **args)
        from PyPDF2 import PdfFileReader, PdfFileWriter
        writer = PdfFileWriter()
        streams = []
        for number, body in enumerate(bodies, 1):
            pdf = original(self, [body], **args)
            if not pdf:
                raise module.UserError(module._(
                    'Wkhtmltopdf produced no PDF for document %s of %s.') % (number, len(bodies)))
            streams.append(io.BytesIO(pdf))
            writer.appendPagesFromReader(PdfFileReader(streams[-1]))
        merged = io.BytesIO()
        writer.write(merged)  # reads the parts' streams: close them after
        for stream in streams:
            stream.close()
        return merged.getvalue()
    # Odoo composes the registry's model classes from this class when the
    # registry loads: every model inheriting ir.actions.report gets it.
    report_class._run_wkhtmltopdf = _run_wkhtmltopdf


_post_import_patches.update({
    'odoo.tools.safe_eval': _patch_safe_eval,
    'odoo.addons.base.ir.ir_qweb.qweb': _patch_qweb,
    'odoo.addons.base.ir.ir_actions_report': _patch_ir_actions_report,
})


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)
        module._jit_kanban_adapted = True
        _record(module.__name__)

    def __getattr__(self, name):  # get_source, get_code, is_package, ...
        return getattr(self._loader, name)


class _PostImportFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        patch = _post_import_patches.get(fullname)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, patch)
                return spec
        return None


def _install_post_import_patches():
    if not any(isinstance(f, _PostImportFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _PostImportFinder())
    for name, patch in _post_import_patches.items():
        module = sys.modules.get(name)
        if module is not None and not getattr(module, '_jit_kanban_adapted', False):
            patch(module)
            module._jit_kanban_adapted = True
            _record(name)


def apply():
    """Install every shim; safe to call any number of times."""
    global _applied
    if _applied:
        return
    _shim_collections_abc()
    _shim_inspect()
    _shim_base64()
    _shim_small_stdlib()
    _shim_elementtree()
    _shim_pillow()
    _shim_yaml()
    _install_post_import_patches()
    import os
    os.environ.setdefault('ODOO_PRELOAD_ADDONS', 'no')
    _applied = True
