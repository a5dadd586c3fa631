"""Printed kanban cards (real wkhtmltopdf PDFs, decoded with zbarimg) and the
card audit wizard, on the demo factory of the test database.

wkhtmltopdf fetches the report CSS and the barcode images over HTTP, so this
module starts an Odoo server on the test database (module fixture) and points
``report.url`` at it inside each test's transaction.  The server only serves
static assets and ``/report/barcode`` images: it needs none of the test's
uncommitted data.  The report CSS bundles are generated (and committed) once
before the tests, so the test transaction finds them instead of creating
bundles the server could not see.

Outputs: test-output/cards_a6.pdf, cards_sheet.pdf and their page PNGs.
"""
import io
import os
import subprocess

import pytest
from PyPDF2 import PdfFileReader

import odoo
from odoo.tests.common import TransactionCase

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT_DIR = os.path.join(REPO_ROOT, 'test-output')


def pdf_pages(pdf):
    return PdfFileReader(io.BytesIO(pdf)).getNumPages()


def page_png(pdf_path, page, resolution=200):
    """One PDF page rendered to PNG (kept in test-output for a look)."""
    prefix = '%s-p%d' % (pdf_path[:-4], page)
    subprocess.run(['pdftoppm', '-r', str(resolution), '-png', '-f', str(page), '-l', str(page),
                    '-singlefile', pdf_path, prefix], check=True)
    return prefix + '.png'


def zbar(png):
    """({(symbology, value)}, {raw values}) that zbarimg reads in an image;
    exit code 4 (nothing found) leaves both empty for the assertions to report."""
    typed = subprocess.run(['zbarimg', '-q', png], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, universal_newlines=True).stdout
    raw = subprocess.run(['zbarimg', '-q', '--raw', png], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, universal_newlines=True).stdout
    return {tuple(line.split(':', 1)) for line in typed.splitlines() if ':' in line}, set(raw.split())


def decode_page(pdf_path, page, resolution=200):
    return zbar(page_png(pdf_path, page, resolution))


def decode_labels(pdf_path, page, resolution=200):
    """zbar of each label of an A4 sheet page (2 x 4 labels of 100 x 69 mm at
    5 mm left / 10 mm top margins), in reading order.  Label by label: on a
    whole page of eight QR codes zbar sometimes skips one."""
    from PIL import Image
    png = page_png(pdf_path, page, resolution)
    mm = resolution / 25.4
    results = []
    with Image.open(png) as image:
        for row in range(4):
            for col in range(2):
                left, top = 5 + 100 * col, 10 + 69 * row
                cell = image.crop((int((left - 1) * mm), int((top - 1) * mm),
                                   int((left + 101) * mm), int((top + 70) * mm)))
                cell_png = '%s-label%d.png' % (png[:-4], len(results) + 1)
                cell.save(cell_png)
                results.append(zbar(cell_png))
    return results


@pytest.mark.usefixtures('report_url')
class TestCardReport(TransactionCase):

    def setUp(self):
        super(TestCardReport, self).setUp()
        self.env['ir.config_parameter'].set_param('report.url', self.report_url)


    def render(self, xmlid, records, filename):
        pdf, kind = self.env.ref(xmlid).render_qweb_pdf(records.ids)
        self.assertEqual(kind, 'pdf')
        self.assertTrue(pdf.startswith(b'%PDF'), pdf[:200])
        path = os.path.join(OUTPUT_DIR, filename)
        with open(path, 'wb') as handle:
            handle.write(pdf)
        return pdf, path

    def test_a6_cards_of_a_loop_carry_both_barcodes(self):
        loop = self.env.ref('jit_kanban.loop_gear_housing')
        cards = loop.card_ids.sorted('sequence')
        self.assertEqual(len(cards), loop.card_count)
        before = {card.id: card.print_count for card in cards}

        pdf, path = self.render('jit_kanban.jit_kanban_loop_report_a6', loop, 'cards_a6.pdf')

        self.assertEqual(pdf_pages(pdf), len(cards), 'one A6 page per card')
        page = PdfFileReader(io.BytesIO(pdf)).getPage(0).mediaBox
        self.assertAlmostEqual(float(page.getWidth()) / 72 * 25.4, 105, delta=2)
        self.assertAlmostEqual(float(page.getHeight()) / 72 * 25.4, 148, delta=2)
        for number, card in enumerate(cards, 1):
            typed, raw = decode_page(path, number)
            self.assertIn(('CODE-128', card.barcode), typed, 'page %d: %s' % (number, typed))
            self.assertIn(('QR-Code', card.barcode), typed, 'page %d: %s' % (number, typed))
            self.assertEqual(raw, {card.barcode})
        cards.invalidate_cache()
        for card in cards:
            self.assertEqual(card.print_count, before[card.id] + 1)

    def test_label_sheet_holds_eight_cards_per_a4_page(self):
        loops = self.env.ref('jit_kanban.loop_motor_bracket') | self.env.ref('jit_kanban.loop_hex_bolt')
        cards = loops.mapped('card_ids').sorted(lambda c: (c.loop_id.name, c.sequence))
        self.assertEqual(len(cards), 9)

        pdf, path = self.render('jit_kanban.jit_kanban_loop_report_sheet', loops, 'cards_sheet.pdf')

        self.assertEqual(pdf_pages(pdf), 2)
        page = PdfFileReader(io.BytesIO(pdf)).getPage(0).mediaBox
        self.assertAlmostEqual(float(page.getWidth()) / 72 * 25.4, 210, delta=2)
        labels = decode_labels(path, 1)
        for card, (typed, raw) in zip(cards[:8], labels):
            self.assertIn(('CODE-128', card.barcode), typed, '%s: %s' % (card.barcode, typed))
            self.assertIn(('QR-Code', card.barcode), typed, '%s: %s' % (card.barcode, typed))
            self.assertEqual(raw, {card.barcode})
        labels = decode_labels(path, 2)
        self.assertEqual(labels[0][1], {cards[8].barcode})
        self.assertEqual(labels[1:], [(set(), set())] * 7, 'the rest of the last sheet is blank')
        # and the whole page, as a scanner sees it
        typed, raw = decode_page(path, 1)
        self.assertTrue(raw <= set(cards[:8].mapped('barcode')))
        self.assertEqual({value for kind, value in typed if kind == 'CODE-128'},
                         set(cards[:8].mapped('barcode')))

    def test_card_report_prints_the_chosen_cards_and_counts_reprints(self):
        card = self.env.ref('jit_kanban.loop_carton').card_ids.sorted('sequence')[-1]
        before = card.print_count
        pdf, path = self.render('jit_kanban.jit_kanban_card_report_a6', card, 'card_single_a6.pdf')
        self.assertEqual(pdf_pages(pdf), 1)
        typed, raw = decode_page(path, 1, resolution=150)
        self.assertEqual(raw, {card.barcode})
        self.env.ref('jit_kanban.jit_kanban_card_report_sheet').render_qweb_html(card.ids)
        card.invalidate_cache()
        self.assertEqual(card.print_count, before + 2)

    def test_card_shows_what_the_floor_needs(self):
        """Text of the three kinds of loop: quantity, supermarket, source, n of N."""
        html = self.env.ref('jit_kanban.jit_kanban_loop_report_a6').render_qweb_html(
            [self.env.ref('jit_kanban.%s' % name).id
             for name in ('loop_gear_housing', 'loop_hex_bolt', 'loop_carton')])[0].decode()
        for text in ('Gear Housing Assembly', 'SA-GH-100', 'Bill of materials', 'MAKE',
                     'M6 Hex Bolt', 'CP-M6-016', 'Bolt &amp; Nut Supply Co.', 'BUY', '500',
                     'Shipping Carton 40x30', 'Reserve Rack', 'MOVE', 'Card 3 of 4',
                     'Line 1 Supermarket', 'Orange', '#F4A460', 'type=QR', 'type=Code128'):
            self.assertIn(text, html)

    def test_loop_form_has_print_cards_button(self):
        action = self.env.ref('jit_kanban.jit_kanban_loop_report_a6')
        arch = self.env['jit.kanban.loop'].fields_view_get(view_type='form')['arch']
        self.assertIn('name="%d"' % action.id, arch)
        self.assertIn('Print Cards', arch)
        self.assertEqual(action.binding_model_id.model, 'jit.kanban.loop')


class TestCardAudit(TransactionCase):

    def setUp(self):
        super(TestCardAudit, self).setUp()
        self.supermarket = self.env.ref('jit_kanban.location_line1_supermarket')
        self.full = self.env['jit.kanban.card'].search(
            [('location_id', '=', self.supermarket.id), ('state', '=', 'full')], order='id')
        self.assertGreater(len(self.full), 3)
        # a Kanban Manager, not the superuser: access rights are exercised
        self.manager = self.env['res.users'].create({
            'name': 'Audit Manager', 'login': 'jit_kanban_audit_manager',
            'groups_id': [(6, 0, [self.env.ref('jit_kanban.group_jit_kanban_manager').id])]})

    def audit(self, codes):
        return self.env['jit.kanban.card.audit'].sudo(self.manager).create({
            'location_id': self.supermarket.id, 'scanned': '\n'.join(codes)})

    def test_scanning_all_but_one_finds_the_missing_card_and_reprints_it(self):
        lost = self.full[2]
        elsewhere = self.env['jit.kanban.card'].search(
            [('location_id', '=', self.supermarket.id), ('state', '!=', 'full')], limit=1)
        codes = [c.barcode for c in self.full - lost] + ['  ', 'NOT-A-CARD', elsewhere.barcode,
                                                          self.full[0].barcode]
        audit = self.audit(codes)
        audit.action_check()
        self.assertEqual(audit.state, 'checked')
        self.assertEqual(audit.missing_card_ids, lost)
        self.assertEqual(audit.unexpected_card_ids, elsewhere)
        self.assertEqual(audit.unknown_barcodes, 'NOT-A-CARD')
        self.assertEqual((audit.expected_count, audit.found_count), (len(self.full), len(self.full) - 1))

        notes_before = len(lost.loop_id.message_ids)
        action = audit.action_reprint_missing()
        self.assertEqual(action['type'], 'ir.actions.report')
        self.assertEqual(action['report_name'], 'jit_kanban.report_kanban_card_a6')
        self.assertEqual(action['context']['active_ids'], [lost.id])
        self.assertEqual(audit.state, 'done')
        notes = lost.loop_id.message_ids
        self.assertEqual(len(notes), notes_before + 1)
        self.assertIn(lost.barcode, notes[0].body)
        self.assertEqual(notes[0].author_id, self.manager.partner_id)

    def test_complete_scan_has_nothing_to_reprint(self):
        audit = self.audit(self.full.mapped('barcode'))
        audit.action_check()
        self.assertFalse(audit.missing_card_ids)
        self.assertFalse(audit.unknown_barcodes)
        with self.assertRaises(odoo.exceptions.UserError):
            audit.action_reprint_missing()
