from odoo import api, fields, models

# each figure kept per company, and what it sums over the loops: the cards
# board's column counts (the loops' board figures) and the Supermarket
# Board's count of loops (active ones not in draft, its action's domain)
BOARD_LOOP = "(COALESCE(active, false) AND state IS DISTINCT FROM 'draft')::integer"
SOURCES = (('full_count', 'full_count'), ('empty_count', 'empty_count'),
           ('ordered_count', 'ordered_count'), ('blocked_count', 'blocked_count'),
           ('board_loop_count', BOARD_LOOP))
FIGURES = tuple(name for name, _source in SOURCES)
SOURCE_SUMS = ', '.join('SUM(%s)' % source for _name, source in SOURCES)
SOURCES_CHANGED = ' OR '.join('SUM(%s) <> 0' % source for _name, source in SOURCES)

# Every statement that changes loops' board figures (or their company,
# state or active flag) appends its net change per company here, inside
# the same transaction: the whole board's counts are then a sum over a few
# rows per company, however many loops and cards the factory has.  Rows
# are only ever appended (no row is updated), so concurrent scans never
# wait on each other here; the cron folds them into one row per company.
TRIGGER_SQL = """
    CREATE OR REPLACE FUNCTION jit_kanban_board_total_append() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO jit_kanban_board_total (company_id, {figures})
            SELECT company_id, {source_sums} FROM new_rows GROUP BY company_id
            HAVING {sources_changed};
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO jit_kanban_board_total (company_id, {figures})
            SELECT company_id, {negated_source_sums} FROM old_rows GROUP BY company_id
            HAVING {sources_changed};
        ELSE
            INSERT INTO jit_kanban_board_total (company_id, {figures})
            SELECT company_id, {sums}
              FROM (SELECT company_id, {sources} FROM new_rows
                    UNION ALL
                    SELECT company_id, {negated_sources} FROM old_rows) change
             GROUP BY company_id HAVING {nonzero};
        END IF;
        RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS jit_kanban_board_total_insert ON jit_kanban_loop;
    DROP TRIGGER IF EXISTS jit_kanban_board_total_update ON jit_kanban_loop;
    DROP TRIGGER IF EXISTS jit_kanban_board_total_delete ON jit_kanban_loop;
    CREATE TRIGGER jit_kanban_board_total_insert AFTER INSERT ON jit_kanban_loop
        REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION jit_kanban_board_total_append();
    CREATE TRIGGER jit_kanban_board_total_update AFTER UPDATE ON jit_kanban_loop
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION jit_kanban_board_total_append();
    CREATE TRIGGER jit_kanban_board_total_delete AFTER DELETE ON jit_kanban_loop
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION jit_kanban_board_total_append();
""".format(
    figures=', '.join(FIGURES), source_sums=SOURCE_SUMS, sources_changed=SOURCES_CHANGED,
    negated_source_sums=', '.join('-SUM(%s)' % source for _name, source in SOURCES),
    sources=', '.join('%s AS %s' % (source, name) for name, source in SOURCES),
    negated_sources=', '.join('-(%s)' % source for _name, source in SOURCES),
    sums=', '.join('SUM(%s)' % name for name in FIGURES),
    nonzero=' OR '.join('SUM(%s) <> 0' % name for name in FIGURES))

# the running totals folded into one row per company (the cron)
COMPACT_SQL = """
    WITH folded AS (DELETE FROM jit_kanban_board_total RETURNING company_id, {figures})
    INSERT INTO jit_kanban_board_total (company_id, {figures})
    SELECT company_id, {sums} FROM folded GROUP BY company_id HAVING {nonzero}
""".format(figures=', '.join(FIGURES), sums=', '.join('SUM(%s)' % name for name in FIGURES),
           nonzero=' OR '.join('SUM(%s) <> 0' % name for name in FIGURES))


class JitKanbanBoardTotal(models.Model):
    """The whole cards board's column counts and the Supermarket Board's
    count of loops, per company, kept by the database from the loops (see
    TRIGGER_SQL).  It has the loops' company rule, so the rows a user may
    read sum to the cards and loops the user may read whenever the loops
    have no other rule for that user."""
    _name = 'jit.kanban.board.total'
    _description = 'Kanban Board Totals'
    _log_access = False

    company_id = fields.Many2one('res.company', index=True, readonly=True)
    full_count = fields.Integer('Full', readonly=True)
    empty_count = fields.Integer('Empty', readonly=True)
    ordered_count = fields.Integer('Ordered', readonly=True)
    blocked_count = fields.Integer('Blocked', readonly=True)
    board_loop_count = fields.Integer('Loops on the Supermarket Board', readonly=True)

    @api.model_cr
    def init(self):
        self._cr.execute(TRIGGER_SQL)
        # (re)started from the loops themselves: exact whatever came before
        self._cr.execute("""
            DELETE FROM jit_kanban_board_total;
            INSERT INTO jit_kanban_board_total (company_id, {figures})
            SELECT company_id, {source_sums} FROM jit_kanban_loop GROUP BY company_id
        """.format(figures=', '.join(FIGURES), source_sums=SOURCE_SUMS))

    @api.model
    def _same_rules_as_loops(self):
        """True when the caller's record rules on loops are exactly the ones
        on these totals (the company rule), so they count the same cards."""
        Rule = self.env['ir.rule']
        return Rule._compute_domain('jit.kanban.loop', 'read') == \
            Rule._compute_domain(self._name, 'read')

    @api.model
    def _counts(self):
        """{board figure: sum} over the companies the caller may read, or None when the loops' rules for the caller differ."""
        if not self._same_rules_as_loops():
            return None
        query = self._where_calc([])
        self._apply_ir_rules(query, 'read')
        from_clause, where_clause, params = query.get_sql()
        self.env.cr.execute('SELECT %s FROM %s WHERE %s' % (
            ', '.join('COALESCE(SUM("%s".%s), 0)' % (self._table, name) for name in FIGURES),
            from_clause, where_clause or 'TRUE'), params)
        return dict(zip(FIGURES, self.env.cr.fetchone()))

    @api.model
    def _cron_compact(self):
        """Fold the appended changes into one row per company.  Changes
        appended meanwhile by scans are not seen here and stay as they are."""
        self.env.cr.execute(COMPACT_SQL)
