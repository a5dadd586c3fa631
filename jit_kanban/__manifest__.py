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
    ],
    'demo': [
    ],
}
