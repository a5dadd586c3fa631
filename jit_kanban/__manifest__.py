# Copyright 2026 jit_kanban authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    'name': 'JIT Kanban',
    'summary': 'Pull-based replenishment: kanban cards in supermarkets '
               'trigger manufacturing, purchase or transfer orders',
    'version': '11.0.1.0.0',
    'category': 'Manufacturing',
    'website': 'https://github.com/jit-kanban/jit_kanban',
    'author': 'jit_kanban authors',
    'license': 'LGPL-3',
    'application': True,
    'installable': True,
    'depends': ['mrp', 'purchase', 'barcodes'],
    'data': [
        'security/jit_kanban_security.xml',
        'security/ir.model.access.csv',
        'data/ir_sequence_data.xml',
        'data/ir_cron_data.xml',
        'wizards/jit_kanban_state_change_views.xml',
        'views/jit_kanban_menus.xml',
        'views/jit_kanban_loop_views.xml',
        'views/jit_kanban_card_views.xml',
        'views/jit_kanban_event_views.xml',
        'views/stock_location_views.xml',
        'views/replenishment_order_views.xml',
        'views/assets.xml',
        'views/scan_station_views.xml',
        'report/jit_kanban_card_report.xml',
        'report/jit_kanban_card_templates.xml',
        'wizards/jit_kanban_card_audit_views.xml',
        'wizards/jit_kanban_device_token_views.xml',
        'views/jit_kanban_device_views.xml',
        'data/jit_kanban_board_data.xml',
    ],
    'qweb': [
        'static/src/xml/scan_station.xml',
    ],
    'demo': [
        'demo/jit_kanban_demo.xml',
    ],
}
