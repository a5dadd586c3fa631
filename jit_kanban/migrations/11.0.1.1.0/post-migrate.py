"""Loops archived before 11.0.1.1.0 left their route and its rule active
(archiving a loop now archives them): archive those."""


def migrate(cr, version):
    if not version:
        return
    archive_routes_of_archived_loops(cr)


def archive_routes_of_archived_loops(cr):
    cr.execute("""
        WITH routes AS (SELECT route_id FROM jit_kanban_loop
                         WHERE NOT active AND route_id IS NOT NULL),
        rules AS (UPDATE procurement_rule SET active = false
                   WHERE active AND route_id IN (SELECT route_id FROM routes))
        UPDATE stock_location_route SET active = false
         WHERE active AND id IN (SELECT route_id FROM routes)""")
