from odoo import api, models, tools
from odoo.osv import expression

# what a search of the view leaves on the cursor for the read and the count
# that follow it in the same transaction
PAGE_KEY = 'jit_kanban_shortage_page'


class JitKanbanShortage(models.Model):
    """A page of the Shortage Risk list reads its view once, not three times.

    Every read of the view ranks every loop of the factory (a loop's risk
    is known only once all are scored), and a full list page reads it three
    times: the search for the page's ids, the read of their rows, the count
    the list shows.  A search here reads the rows and the count with the
    ids; the read and the count that follow take them from there while the
    view would give the same again: the same transaction (REPEATABLE READ:
    the same snapshot) has written none of the tables the view reads since,
    and it is the same user (record rules).  Anything else reads the view."""
    _inherit = 'jit.kanban.shortage'

    @api.model
    def _search(self, args, offset=0, limit=None, order=None, count=False,
                access_rights_uid=None):
        page = self.env.cr.cache.get(PAGE_KEY)
        if access_rights_uid or self.env.cr._cnx.autocommit or (count and not page):
            return super(JitKanbanShortage, self)._search(
                args, offset, limit, order, count, access_rights_uid)
        self.check_access_rights('read')
        if expression.is_false(self, args):
            return 0 if count else []
        query = self._where_calc(args)
        self._apply_ir_rules(query, 'read')
        order_by = self._generate_order_by(None if count else order, query)
        from_clause, where_clause, params = query.get_sql()
        if from_clause != '"%s"' % self._table:  # an order by another table's column
            return super(JitKanbanShortage, self)._search(args, offset, limit, order, count)
        key = (self._uid, where_clause, tuple(params))
        if count and page and page['count_key'] == key and self._unchanged_since(page['writes']):
            return page['total']
        if count:
            return super(JitKanbanShortage, self)._search(args, offset, limit, order, count)
        cr = self.env.cr
        cr.execute('SELECT *, COUNT(*) OVER () AS jit_kanban_total, (%s) AS jit_kanban_writes '
                   'FROM %s%s%s%s%s' % (
                       self._writes_sql(), from_clause,
                       ' WHERE %s' % where_clause if where_clause else '', order_by,
                       ' LIMIT %d' % limit if limit else '',
                       ' OFFSET %d' % offset if offset else ''), params)
        rows = cr.dictfetchall()
        if rows:
            self._keep_page({row['id']: row for row in rows}, key, rows[0]['jit_kanban_total'],
                            rows[0]['jit_kanban_writes'])
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
        """The rows the last search read, if they are still what the view
        would give these records to this user ({id: row}), else None."""
        page = self.env.cr.cache.get(PAGE_KEY)
        if not page or page['uid'] != self._uid or inherited_field_names or not self.ids:
            return None
        if not set(self.ids) <= set(page['rows']):
            return None
        if any(not self._fields[name].column_type for name in field_names):
            return None
        return page['rows'] if self._unchanged_since(page['writes']) else None

    def _keep_page(self, rows, count_key, total, writes):
        cr = self.env.cr
        if PAGE_KEY not in cr.cache:  # a new transaction starts without it
            def forget():
                cr.cache.pop(PAGE_KEY, None)
            cr.after('commit', forget)
            cr.after('rollback', forget)
        cr.cache[PAGE_KEY] = {'uid': self._uid, 'rows': rows, 'count_key': count_key,
                              'total': total, 'writes': writes}

    def _unchanged_since(self, writes):
        if writes is None:
            return False
        self.env.cr.execute(self._writes_sql())
        return self.env.cr.fetchone()[0] == writes

    @api.model
    @tools.ormcache()
    def _writes_sql(self):
        """SQL of the number of rows this transaction has inserted, updated
        and deleted so far (aborted savepoints included) in the tables the
        view reads, as PostgreSQL lists them; NULL when the server does not
        count them (track_counts off)."""
        self.env.cr.execute("""
            SELECT ARRAY_AGG(DISTINCT d.refobjid::integer ORDER BY d.refobjid::integer)
              FROM pg_rewrite r
              JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
              JOIN pg_class t ON t.oid = d.refobjid AND t.relkind = 'r'
             WHERE r.ev_class = %s::regclass""", (self._table,))
        tables = self.env.cr.fetchone()[0]
        return ("SELECT CASE WHEN current_setting('track_counts')::boolean THEN "
                "COALESCE(SUM(pg_stat_get_xact_tuples_inserted(t) "
                "+ pg_stat_get_xact_tuples_updated(t) + pg_stat_get_xact_tuples_deleted(t)), 0) END "
                "FROM unnest('{%s}'::oid[]) t" % ','.join(str(int(oid)) for oid in tables))
