odoo.define('jit_kanban.live_board', function (require) {
"use strict";

/**
 * The supermarket board keeps itself current: the server announces card
 * changes on the bus, and a light check every few seconds (the board counts
 * of the loops shown, one read) catches what the bus misses while it
 * reconnects.  The board is re-read only when something changed, and once a
 * minute for the waiting times.  Wall mode shows the tiles alone, full screen,
 * for a TV on the shop floor.
 */
var bus = require('bus.bus').bus;
var core = require('web.core');
var KanbanController = require('web.KanbanController');
var KanbanView = require('web.KanbanView');
var viewRegistry = require('web.view_registry');

var _t = core._t;
var CHANNEL = 'jit_kanban_board';
var CHECK_MS = 3000;
var AGE_REFRESH_MS = 60000;
var BOARD_FIELDS = ['full_count', 'empty_count', 'ordered_count', 'blocked_count', 'urgency', 'state'];

function signature(records) {
    return JSON.stringify(_.sortBy(_.map(records, function (record) {
        return [record.id].concat(_.map(BOARD_FIELDS, function (name) { return record[name]; }));
    }), function (row) { return row[0]; }));
}

var LiveBoardController = KanbanController.extend({
    events: _.extend({}, KanbanController.prototype.events, {
        'click .o_jit_wall_exit': '_onWallExit',
    }),

    start: function () {
        this._lastReload = Date.now();
        bus.on('notification', this, this._onNotification);
        bus.add_channel(CHANNEL);
        bus.start_polling();
        this._timer = setInterval(this._check.bind(this), CHECK_MS);
        return this._super.apply(this, arguments);
    },

    destroy: function () {
        clearInterval(this._timer);
        bus.off('notification', this, this._onNotification);
        this._setWallMode(false);
        this._super.apply(this, arguments);
    },

    renderButtons: function ($node) {
        this._super.apply(this, arguments);
        var $wall = $('<button type="button" class="btn btn-default btn-sm o_jit_wall_toggle"/>')
            .attr('title', _t('Show the board alone, full screen, for a wall screen'))
            .append($('<i class="fa fa-television"/>'), ' ', _t('Wall Mode'));
        $wall.on('click', this._setWallMode.bind(this, true));
        if (this.$buttons) {
            this.$buttons.append($wall);
        } else if ($node) {  // no Create button on the board
            this.$buttons = $('<div/>').append($wall).appendTo($node);
        }
    },

    /** Live: re-read the board when its tiles changed (or a minute passed). */
    _check: function (force) {
        var self = this;
        if (this._checking || this.isDestroyed()) {
            return;
        }
        var shown = this._shownRecords();
        this._checking = true;
        this._rpc({
            model: this.modelName,
            method: 'search_read',
            domain: [['id', 'in', _.pluck(shown, 'id')]],
            fields: BOARD_FIELDS,
        }, {shadow: true}).then(function (rows) {
            var stale = signature(rows) !== signature(shown);
            var old = Date.now() - self._lastReload > AGE_REFRESH_MS;
            if ((force || stale || old) && !self.isDestroyed()) {
                self._lastReload = Date.now();
                return self.reload();
            }
        }).always(function () {
            self._checking = false;
        });
    },

    /** The values of the tiles on screen (grouped or not). */
    _shownRecords: function () {
        var records = [];
        (function collect(point) {
            _.each(point.data, function (child) {
                if (child.type === 'list') {
                    collect(child);
                } else {
                    records.push(child.data);
                }
            });
        })(this.model.get(this.handle));
        return records;
    },

    _onNotification: function (notifications) {
        if (_.some(notifications, function (n) { return n[0] === CHANNEL; })) {
            this._check(true);
        }
    },

    _setWallMode: function (on) {
        $('body').toggleClass('o_jit_wall_mode', !!on);
        this.$el.find('.o_jit_wall_exit').remove();
        if (on) {
            this.$el.prepend($('<button type="button" class="btn btn-default o_jit_wall_exit"/>')
                .append($('<i class="fa fa-compress"/>'), ' ', _t('Exit wall mode')));
            var root = document.documentElement;
            if (root.requestFullscreen) {
                root.requestFullscreen().catch(function () {});  // refused without a user gesture
            }
        } else if (document.fullscreenElement && document.exitFullscreen) {
            document.exitFullscreen().catch(function () {});
        }
    },

    _onWallExit: function () {
        this._setWallMode(false);
    },
});

var LiveBoardView = KanbanView.extend({
    config: _.extend({}, KanbanView.prototype.config, {
        Controller: LiveBoardController,
    }),
});

viewRegistry.add('jit_kanban_live_board', LiveBoardView);

return {LiveBoardController: LiveBoardController, CHANNEL: CHANNEL};
});
