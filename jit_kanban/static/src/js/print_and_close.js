odoo.define('jit_kanban.print_and_close', function (require) {
"use strict";

/**
 * A wizard whose last step prints (Apply Sizing: the new cards) closes its
 * dialog once the download has started, as it closes when there is nothing
 * to print.  Odoo 11 leaves the dialog open behind a PDF report, where its
 * Confirm button can be pressed a second time.  The server marks such
 * report actions with ``jit_kanban_close_dialog``.
 */
var ActionManager = require('web.ActionManager');
require('report.report');  // its ir_actions_report is the one extended here

ActionManager.include({
    ir_actions_report: function (action, options) {
        var result = this._super.apply(this, arguments);
        if (action.jit_kanban_close_dialog && this.dialog) {
            this.ir_actions_act_window_close({}, options || {});
        }
        return result;
    },
});

});
