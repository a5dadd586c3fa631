from odoo import api, models
from odoo.osv import expression

# where a page search leaves its rows for the read that follows it
PAGE_KEY = 'jit_kanban_shortage_page'


class JitKanbanShortage(models.Model):
    """A page of the Shortage Risk list reads its view once, not twice.

    Every read of the view ranks every loop of the factory (a loop's risk
    is known only once all are scored), and a list page reads it twice:
    the search for the page's ids, then the read of their rows.  A search
    here reads the rows with the ids, and the read that follows takes them
    from there if no statement ran in between as the same user: the same
    transaction, on the same snapshot (REPEATABLE READ) with nothing
    written since, would get the same rows again.  Anything else (another
    statement, another user, an autocommit cursor) reads the view."""
    _inherit = 'jit.kanban.shortage'

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False,
                access_rights_uid=None):
        if count or access_rights_uid or self.env.cr._cnx.autocommit:
            return super(JitKanbanShortage, self)._search(
                args, offset, limit, order, count, access_rights_uid)
        self.check_access_rights('read')
        if expression.is_false(self, args):
            return []
        query = self._where_calc(args)
        self._apply_ir_rules(query, 'read')
        order_by = self._generate_order_by(order, query)
        from_clause, where_clause, params = query.get_sql()
        if from_clause != '"%s"' % self._table:  # an order by another table's column
            return super(JitKanbanShortage, self)._search(args, offset, limit, order, count)
        cr = self.env.cr
        cr.execute('SELECT * FROM %s%s%s%s%s' % (
            from_clause, ' WHERE %s' % where_clause if where_clause else '', order_by,
            ' LIMIT %d' % limit if limit else '', ' OFFSET %d' % offset if offset else ''),
                   params)
        rows = cr.dictfetchall()
        cr.cache[PAGE_KEY] = (cr.sql_log_count, self._uid, {row['id']: row for row in rows})
        return [row['id'] for row in rows]

    def _read_from_database(self, field_names, inherited_field_names=[]):
        rows = self._page_rows(field_names, inherited_field_names)
        if rows is None:
            return super(JitKanbanShortage, self)._read_from_database(
                field_names, inherited_field_names)
        for record_id in self.ids:
            record = self.browse(record_id, self._prefetch)
            values = {name: rows[record_id][name] for name in field_names if name != 'id'}
            record._cache.update(record._convert_to_cache(values, validate=False))

    def _page_rows(self, field_names, inherited_field_names):
        """The rows the page search just read, if they are still what the
        view would give these records ({id: row}), else None."""
        mark, uid, rows = self.env.cr.cache.get(PAGE_KEY, (None, None, {}))
        if mark != self.env.cr.sql_log_count or uid != self._uid or inherited_field_names:
            return None
        if not self.ids or not set(self.ids) <= set(rows):
            return None
        if any(not self._fields[name].column_type for name in field_names):
            return None
        return rows
