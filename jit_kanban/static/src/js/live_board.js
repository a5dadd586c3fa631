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

var LiveBoardController = KanbanController.extend({
    events: _.extend({}, KanbanController.prototype.events, {
        'click .o_jit_wall_exit': '_onWallExit',
    }),

    start: function () {
        this._signature = null;
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
        this.$buttons.append($wall);
    },

    /** Live: re-read the board when its loops changed (or a minute passed). */
    _check: function (force) {
        var self = this;
        if (this._checking || this.isDestroyed()) {
            return;
        }
        var state = this.model.get(this.handle, {raw: true});
        this._checking = true;
        this._rpc({
            model: this.modelName,
            method: 'search_read',
            domain: state.domain,
            fields: BOARD_FIELDS,
            context: state.context,
        }, {shadow: true}).then(function (rows) {
            var signature = JSON.stringify(rows);
            var stale = self._signature !== null && signature !== self._signature;
            var old = Date.now() - self._lastReload > AGE_REFRESH_MS;
            self._signature = signature;
            if ((force || stale || old) && !self.isDestroyed()) {
                self._lastReload = Date.now();
                return self.reload();
            }
        }).always(function () {
            self._checking = false;
        });
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
