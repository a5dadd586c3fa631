"""Reports of several records print every record (adapter patch of
``odoo.addons.base.ir.ir_actions_report``).

Odoo 11 renders one HTML file per ``div.article`` (one per record) and hands
them all to one wkhtmltopdf run.  Debian's wkhtmltopdf 0.12.6 (unpatched Qt)
writes no PDF for several input files and exits with 1, which Odoo accepts:
the report of two manufacturing orders came out as a 0-page PDF, without an
error.  The adapter runs wkhtmltopdf once per body and merges the PDFs.

Real PDFs: like tests/odoo/test_card_report.py, this needs the shared Odoo
server (wkhtmltopdf fetches the report CSS and barcode images from it),
``report.url`` pointing at it inside the test transaction and a test report
directory (otherwise Odoo's test mode returns HTML instead of a PDF).

Outputs: test-output/wkhtmltopdf_*.pdf.
"""
import io
import os
import subprocess
import sys
from unittest import mock

import pytest
from PyPDF2 import PdfFileReader

import odoo
from odoo.tests.common import TransactionCase

from jit_kanban_runtime import adapter

api_model = odoo.api.model

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT_DIR = os.path.join(REPO_ROOT, 'test-output')
MODULE = 'odoo.addons.base.ir.ir_actions_report'


def pdf_pages(pdf):
    """Pages of a PDF; Odoo's ``_run_wkhtmltopdf`` returns b'' when
    wkhtmltopdf wrote nothing (that is 0 pages too)."""
    return PdfFileReader(io.BytesIO(pdf)).getNumPages() if pdf else 0


def test_this_wkhtmltopdf_is_unpatched_qt_and_loses_several_files(tmp_path):
    """The fact behind the patch, on plain HTML files, without Odoo."""
    module = sys.modules[MODULE]
    binary = module._get_wkhtmltopdf_bin()
    version = subprocess.run([binary, '--version'], stdout=subprocess.PIPE,
                             universal_newlines=True).stdout
    assert 'patched qt' not in version.lower(), version
    assert adapter.wkhtmltopdf_has_patched_qt(binary) is False

    paths = []
    for number in (1, 2):
        path = tmp_path / ('body%d.html' % number)
        path.write_text('<html><body><h2>Document %d</h2></body></html>' % number)
        paths.append(str(path))
    one, two = tmp_path / 'one.pdf', tmp_path / 'two.pdf'
    single = subprocess.run([binary, '--quiet', paths[0], str(one)], stderr=subprocess.PIPE)
    several = subprocess.run([binary, '--quiet'] + paths + [str(two)], stderr=subprocess.PIPE)
    assert single.returncode == 0 and pdf_pages(one.read_bytes()) == 1
    # exit code 1 is what Odoo tolerates ("some resource failed to load")
    assert several.returncode == 1 and not two.exists(), several.stderr


def test_patch_is_recorded_and_reaches_the_registry_model(pytestconfig):
    module = sys.modules[MODULE]
    assert module._jit_kanban_adapted and MODULE in adapter.patched
    wrapper = module.IrActionsReport._run_wkhtmltopdf
    original = wrapper.__wrapped__
    assert original.__module__ == MODULE and original is not wrapper
    assert getattr(wrapper, '_api', None) == 'model'  # @api.model kept

    # Odoo composes the registry's ir.actions.report class of every Python
    # class that defines or inherits the model (they are its bases), after the
    # adapter patched the module: the registry model resolves the wrapper
    # (an inheriting model's override reaches it with super(): see
    # test_override_in_an_inheriting_model_reaches_the_wrapper)
    registry = odoo.registry(pytestconfig.getoption('--odoo-database'))
    model_class = registry['ir.actions.report']
    assert model_class is not module.IrActionsReport
    assert module.IrActionsReport in model_class.__mro__
    assert model_class._run_wkhtmltopdf is wrapper
    definers = [cls for cls in model_class.__mro__ if '_run_wkhtmltopdf' in vars(cls)]
    assert definers == [module.IrActionsReport]


@pytest.mark.usefixtures('report_url')
class TestSeveralRecordsReport(TransactionCase):

    def setUp(self):
        super(TestSeveralRecordsReport, self).setUp()
        self.env['ir.config_parameter'].set_param('report.url', self.report_url)
        self.module = sys.modules[MODULE]
        # Odoo's own method (without the adapter patch: the method itself,
        # and the page counts below fail rather than this line)
        method = self.module.IrActionsReport._run_wkhtmltopdf
        self.original = getattr(method, '__wrapped__', method)


    def save(self, pdf, filename):
        os.makedirs(OUTPUT_DIR, exist_ok=True)
        with open(os.path.join(OUTPUT_DIR, filename), 'wb') as handle:
            handle.write(pdf)

    def bodies(self, report, records):
        """What render_qweb_pdf hands to _run_wkhtmltopdf for ``records``."""
        report = report.with_context(debug=False)
        html = report.render_qweb_html(records.ids)[0].decode()
        bodies, _ids, header, footer, paper_args = report._prepare_html(html)
        return bodies, dict(header=header, footer=footer, specific_paperformat_args=paper_args)

    def locations(self, count=5):
        """Internal locations: their barcode report has one article (one
        wkhtmltopdf body, one A4 page) per four locations."""
        locations = self.env['stock.location'].search([('usage', '=', 'internal')],
                                                      order='id', limit=count)
        self.assertEqual(len(locations), count)
        return locations

    def check_report(self, xmlid, records, filename):
        report = self.env.ref(xmlid)

        pdf, kind = report.render_qweb_pdf(records.ids)
        self.assertEqual(kind, 'pdf')
        self.save(pdf, filename)
        pages = pdf_pages(pdf)
        self.assertGreaterEqual(pages, 2, 'one document (at least a page) per record')

        # the same bodies: the wrapper renders each alone, Odoo's original
        # (one wkhtmltopdf run for all) gets nothing back
        bodies, args = self.bodies(report, records)
        self.assertEqual(len(bodies), 2)  # (the case Debian's wkhtmltopdf loses)
        per_body = [pdf_pages(self.original(report, [body], **args)) for body in bodies]
        self.assertTrue(all(per_body), per_body)
        merged = report._run_wkhtmltopdf(bodies, **args)
        self.assertEqual(pdf_pages(merged), sum(per_body))
        self.assertEqual(pages, sum(per_body))
        self.assertEqual(self.original(report, bodies, **args), b'')

        # and the whole print without the patch: a 0-page PDF, no error
        with mock.patch.object(self.module.IrActionsReport, '_run_wkhtmltopdf', self.original):
            unpatched, kind = report.render_qweb_pdf(records.ids)
        self.assertEqual(kind, 'pdf')
        self.assertTrue(unpatched.startswith(b'%PDF'))
        self.assertEqual(pdf_pages(unpatched), 0)
        return pdf

    def test_two_manufacturing_orders(self):
        orders = self.env['mrp.production'].search([], order='id', limit=2)
        self.assertEqual(len(orders), 2)
        self.check_report('mrp.action_report_production_order', orders,
                          'wkhtmltopdf_production_orders.pdf')

    def test_two_pages_of_location_barcodes(self):
        pdf = self.check_report('stock.action_report_location_barcode', self.locations(),
                                'wkhtmltopdf_location_barcodes.pdf')
        self.assertEqual(pdf_pages(pdf), 2)

    def test_one_record_is_one_unchanged_run(self):
        order = self.env['mrp.production'].search([], order='id', limit=1)
        report = self.env.ref('mrp.action_report_production_order')
        bodies, args = self.bodies(report, order)
        self.assertEqual(len(bodies), 1)
        with mock.patch.object(self.module.subprocess, 'Popen',
                               wraps=self.module.subprocess.Popen) as popen:
            pdf = report._run_wkhtmltopdf(bodies, **args)
        self.assertEqual(popen.call_count, 1)
        self.assertEqual(pdf_pages(pdf), pdf_pages(self.original(report, bodies, **args)))
        self.assertGreaterEqual(pdf_pages(pdf), 1)

    def test_override_in_an_inheriting_model_reaches_the_wrapper(self):
        """An addon's ``_inherit = 'ir.actions.report'`` class overriding the
        method comes before the patched class in the model's MRO; its super()
        call gets the per-body runs."""
        calls = []

        def _run_wkhtmltopdf(self, bodies, **kwargs):
            calls.append(len(bodies))
            return super(inheriting, self)._run_wkhtmltopdf(bodies, **kwargs)
        # _register=False: not added to any addon's models (as Odoo's own
        # registry classes are made)
        inheriting = type('InheritingReport', (odoo.models.Model,), {
            '_register': False, '_inherit': 'ir.actions.report',
            '_run_wkhtmltopdf': api_model(_run_wkhtmltopdf)})
        model_class = type(self.env['ir.actions.report'])
        composed = type('ir.actions.report', (inheriting, model_class), {'_register': False})
        mro = composed.__mro__
        self.assertLess(mro.index(inheriting), mro.index(self.module.IrActionsReport))

        report = self.env.ref('stock.action_report_location_barcode')
        bodies, args = self.bodies(report, self.locations())
        records = composed._browse(report.ids, self.env)
        pdf = records._run_wkhtmltopdf(bodies, **args)
        self.assertEqual(calls, [2])
        self.assertEqual(pdf_pages(pdf), 2)

    def test_patched_qt_binary_keeps_the_single_run(self):
        """A "with patched qt" wkhtmltopdf takes all bodies at once (and picks
        each body's header by its file index): the wrapper leaves it alone."""
        report = self.env.ref('stock.action_report_location_barcode')
        bodies, args = self.bodies(report, self.locations())
        with mock.patch.object(adapter, 'wkhtmltopdf_has_patched_qt', return_value=True), \
                mock.patch.object(self.module.subprocess, 'Popen',
                                  wraps=self.module.subprocess.Popen) as popen:
            report._run_wkhtmltopdf(bodies, **args)
        self.assertEqual(popen.call_count, 1)
        self.assertEqual(sum(arg.endswith('.html') and 'report.body.tmp.' in arg
                             for arg in popen.call_args[0][0]), 2)
