"""Printed kanban cards: what each card shows, and the print counter.

Four QWeb PDF reports share this logic: A6 cards and A4 label sheets, each
printable from cards (the records themselves) or from loops (all their active
cards).  A render counts as a print: ``print_count`` goes up by one for every
card rendered.
"""
from collections import OrderedDict

from reportlab.graphics.barcode.qr import QrCodeWidget
from werkzeug.urls import url_quote

from odoo import _, api, models

from ..models import access

# Odoo 11's kanban colour indexes (the loop's ``color`` field, colour picker):
# (hex, name).  The name is printed too: cards are often copied in black and white.
CARD_COLOURS = {
    0: ('#8C8C8C', 'Grey'), 1: ('#F06050', 'Red'), 2: ('#F4A460', 'Orange'),
    3: ('#F7CD1F', 'Yellow'), 4: ('#6CC1ED', 'Light blue'), 5: ('#814968', 'Dark purple'),
    6: ('#EB7E7F', 'Salmon pink'), 7: ('#2C8397', 'Medium blue'), 8: ('#475577', 'Dark blue'),
    9: ('#D6145F', 'Fuchsia'), 10: ('#30C381', 'Green'), 11: ('#9365B8', 'Purple'),
}
LABELS_PER_SHEET = 8  # A4: 2 columns x 4 rows


def barcode_url(kind, value, width, height):
    """Odoo's barcode image route (fetched by wkhtmltopdf from report.url)."""
    return '/report/barcode/?type=%s&value=%s&width=%d&height=%d' % (
        kind, url_quote(value, safe=''), width, height)


def qr_pixels(value, module_pixels=10):
    """Image size giving each QR module a whole number of pixels: otherwise
    reportlab leaves anti-aliased seams between modules, which survive the
    PDF and can make the printed QR unreadable."""
    widget = QrCodeWidget(value)
    widget.qr.make()
    return (widget.qr.getModuleCount() + 2 * widget.barBorder) * module_pixels


def text_colour(hex_colour):
    """Black or white, whichever reads better on the band colour."""
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return '#000000' if (red * 299 + green * 587 + blue * 114) / 1000 > 150 else '#FFFFFF'


def quantity_text(quantity):
    """10.0 -> '10', 2.5 -> '2.5' (no exponent for large numbers)."""
    return ('%.3f' % quantity).rstrip('0').rstrip('.')


class JitKanbanCardReport(models.AbstractModel):
    """Report values of the card reports; the card lists come from the docids."""
    _name = 'report.jit_kanban.report_kanban_card_a6'
    _description = 'Kanban Cards (A6)'

    def _cards(self, docids):
        """The cards to print for these docids: here, the cards themselves."""
        return self.env['jit.kanban.card'].browse(docids).exists()

    @api.model
    def get_report_values(self, docids, data=None):
        access.check_manager(self.env)
        cards = self._cards(docids).sorted(lambda c: (c.loop_id.name, c.sequence))
        self._count_print(cards)
        return {
            'doc_ids': cards.ids,
            'doc_model': 'jit.kanban.card',
            'docs': cards,
            'card_values': self._card_values,
            'sheets': [cards[i:i + LABELS_PER_SHEET] for i in range(0, len(cards), LABELS_PER_SHEET)],
        }

    @api.model
    def _card_values(self, card):
        """Everything printed on one card, ready for the template."""
        loop = card.loop_id
        colour, colour_name = CARD_COLOURS.get(loop.color % 12 if loop.color else 0)
        colour_name = self._colour_names().get(colour_name, colour_name)
        source_kind, source = self._source(loop)
        return {
            'barcode': card.barcode,
            'code128_url': barcode_url('Code128', card.barcode, 600, 150),
            'qr_url': barcode_url('QR', card.barcode, qr_pixels(card.barcode), qr_pixels(card.barcode)),
            'product_name': loop.product_id.name,
            'product_ref': loop.product_id.default_code or '',
            'quantity': quantity_text(loop.container_qty),
            'uom': loop.product_uom_id.name or '',
            'supermarket': loop.location_id.name,
            'supermarket_path': loop.location_id.display_name,
            'method': self.env['jit.kanban.orders']._document_model(
                loop.replenish_method)._jit_kanban_label(),
            'source_kind': source_kind,
            'source': source,
            'number': card.sequence,
            'total': loop.card_count,
            'loop': loop.name,
            'colour': colour,
            'colour_name': colour_name,
            'ink': text_colour(colour),
        }

    @api.model
    def _colour_names(self):
        """The printed colour names, in the user's language."""
        return {'Grey': _('Grey'), 'Red': _('Red'), 'Orange': _('Orange'), 'Yellow': _('Yellow'),
                'Light blue': _('Light blue'), 'Dark purple': _('Dark purple'),
                'Salmon pink': _('Salmon pink'), 'Medium blue': _('Medium blue'),
                'Dark blue': _('Dark blue'), 'Fuchsia': _('Fuchsia'), 'Green': _('Green'),
                'Purple': _('Purple')}

    def _count_print(self, cards):
        """One more print of each card.  In SQL: an atomic increment (two
        people printing at once both count); only managers print (checked
        in get_report_values)."""
        if cards.ids:
            self.env.cr.execute(
                'UPDATE jit_kanban_card SET print_count = COALESCE(print_count, 0) + 1 '
                'WHERE id IN %s', (tuple(cards.ids),))
            cards.invalidate_cache(['print_count'], cards.ids)

    def _source(self, loop):
        """(label, text): where a container of this loop comes from."""
        if loop.replenish_method == 'manufacture':
            bom = loop.bom_id or self.env['mrp.bom']._bom_find(product=loop.product_id)
            centres = bom.routing_id.operation_ids.mapped('workcenter_id.name')
            if centres:
                return _('Work centre'), ', '.join(OrderedDict.fromkeys(centres))
            if not bom:
                return _('Bill of materials'), _('none')
            reference = bom.code or bom.product_tmpl_id.default_code or bom.product_tmpl_id.name
            return _('Bill of materials'), _('BoM %s, %d components') % (
                reference, len(bom.bom_line_ids))
        if loop.replenish_method == 'buy':
            vendor = loop.vendor_id or loop.product_id.seller_ids[:1].name
            return _('Vendor'), vendor.name or _('none')
        return _('From'), loop.source_location_id.display_name or _('none')


class JitKanbanCardSheetReport(models.AbstractModel):
    _name = 'report.jit_kanban.report_kanban_card_sheet'
    _inherit = 'report.jit_kanban.report_kanban_card_a6'
    _description = 'Kanban Cards (A4 label sheet)'


class JitKanbanLoopCardReport(models.AbstractModel):
    """Printing from a loop prints all its active cards."""
    _name = 'report.jit_kanban.report_kanban_loop_a6'
    _inherit = 'report.jit_kanban.report_kanban_card_a6'
    _description = 'Kanban Cards of Loops (A6)'

    def _cards(self, docids):
        return self.env['jit.kanban.loop'].browse(docids).exists().mapped('card_ids')


class JitKanbanLoopCardSheetReport(models.AbstractModel):
    _name = 'report.jit_kanban.report_kanban_loop_sheet'
    _inherit = 'report.jit_kanban.report_kanban_loop_a6'
    _description = 'Kanban Cards of Loops (A4 label sheet)'

