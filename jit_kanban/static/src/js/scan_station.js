odoo.define('jit_kanban.ScanStation', function (require) {
"use strict";

/**
 * The shop-floor scan station: a full-screen client action where operators
 * signal empty containers.  Three inputs, one path (`_signal`):
 *  - a keyboard-wedge scanner: the `barcodes` module turns fast keystrokes
 *    ending with Enter into a 'barcode_scanned' event on core.bus;
 *  - the tablet camera, through the browser's BarcodeDetector when it has one;
 *  - typed entry (big input + "Signal" button), always there.
 * Each scan is kept on the tablet until the server has answered it
 * (ScanStationOutbox): a network or database outage delays scans, it never
 * loses them.
 */
var core = require('web.core');
var session = require('web.session');
var Widget = require('web.Widget');
require('barcodes.BarcodeEvents');  // the singleton emitting 'barcode_scanned'
var StationDevices = require('jit_kanban.ScanStationDevices');
var StationOutbox = require('jit_kanban.ScanStationOutbox');
var cameraSupport = StationDevices.cameraSupport;
var capitalize = StationDevices.capitalize;

var QWeb = core.qweb;
var _t = core._t;

var STORAGE_KEY = 'jit_kanban.scan_station.location_id';
var HISTORY_SIZE = 10;
var UNDO_SECONDS = 60;  // the server allows more (jit_kanban.undo_window_seconds)
var LOOK = {
    idle: {icon: 'fa-barcode', title: _t('Ready')},
    busy: {icon: 'fa-spinner fa-spin', title: _t('Signalling…')},
    accepted: {icon: 'fa-check-circle', title: _t('Signalled'), label: _t('Signalled')},
    already_signalled: {icon: 'fa-info-circle', title: _t('Already signalled'), label: _t('Already')},
    rejected: {icon: 'fa-times-circle', title: _t('Rejected'), label: _t('Rejected')},
    undone: {icon: 'fa-undo', title: _t('Signal undone'), label: _t('Undone')},
    offline: {icon: 'fa-cloud-upload', title: _t('Saved on this tablet'), label: _t('Saved')},
    login: {icon: 'fa-sign-in', title: _t('Log in again'), label: _t('Saved')},
};

function savedText(count) {
    return count === 1 ? _t('1 scan saved on this tablet, will be sent')
        : _.str.sprintf(_t('%s scans saved on this tablet, will be sent'), count);
}

var OPERATOR_GROUP = 'jit_kanban.group_jit_kanban_operator';

var ScanStation = Widget.extend(StationDevices.DevicesMixin, StationOutbox.SendingMixin, {
    template: 'jit_kanban.ScanStation',
    events: {
        'change .o_jit_station_location': '_onLocationChange',
        'click .o_jit_station_signal': '_onSignalClick',
        'keydown .o_jit_station_input': '_onInputKeydown',
        'click .o_jit_station_undo': '_onUndoClick',
        'click .o_jit_station_camera': '_onCameraClick',
        'click .o_jit_station_camera_close': '_stopCamera',
        'click .o_jit_station_exit': '_onExitClick',
    },

    init: function (parent, action) {
        this._super.apply(this, arguments);
        this.action = action || {};
        this.userName = session.name;
        this.cameraSupport = cameraSupport();
        this.locations = [];
        this._setLocation(this._initialLocationId());
        this.notice = null;
        this.history = [];
        this.undo = null;  // {eventId, barcode, deadline}
        this._initOutbox();
    },

    willStart: function () {
        var self = this;
        var locations = this._rpc({model: 'stock.location', method: 'search_read',
                                   domain: [['is_supermarket', '=', true]],
                                   fields: ['id', 'display_name']}).then(function (records) {
            self.locations = _.sortBy(records, 'display_name');
            if (self.locationId && !_.findWhere(self.locations, {id: self.locationId})) {
                self.notice = _.str.sprintf(
                    _t('Location %s is not a kanban supermarket: the station is not bound.'),
                    self.locationId);
                self._setLocation(false);
            }
        }, function (error, event) {
            if (event && event.preventDefault) {
                event.preventDefault();  // the station opens anyway: scans wait on the tablet
            }
            self.notice = _t('The list of supermarkets could not be loaded: scans are kept on this tablet.');
            return $.when();
        });
        // the server refuses anyone else's scans; say so before they scan
        var role = session.user_has_group(OPERATOR_GROUP).then(function (isOperator) {
            self.notOperator = !isOperator;
        }, function () {
            return $.when();  // not reached: the server answers each scan
        });
        return $.when(this._super.apply(this, arguments), locations, role);
    },

    start: function () {
        this.$('.o_jit_station_location').html(QWeb.render('jit_kanban.ScanStation.Locations', {widget: this}));
        this._renderPanel({kind: 'idle'});
        if (this.notOperator) {
            this._renderPanel({kind: 'rejected', big: _t('Only Kanban Operators may use the scan station.'),
                               text: _t('Ask your manager for the Kanban Operator role.')});
            this.$('.o_jit_station_input, .o_jit_station_signal, .o_jit_station_camera').prop('disabled', true);
        }
        this._renderHistory();
        this._renderOutbox();
        core.bus.on('barcode_scanned', this, this._onBarcodeScanned);
        this._undoTimer = setInterval(this._renderUndo.bind(this), 1000);
        this.$el.attr('data-ready', '1');
        this._flush();  // scans left on the tablet by an earlier visit
        return this._super.apply(this, arguments);
    },

    destroy: function () {
        core.bus.off('barcode_scanned', this, this._onBarcodeScanned);
        clearInterval(this._undoTimer);
        this._stopOutbox();
        this._stopCamera();
        if (this._audio && this._audio.close) {
            this._audio.close();
        }
        this._super.apply(this, arguments);
    },

    // --- Supermarket binding: action params / context, else localStorage ---
    _initialLocationId: function () {
        var context = this.action.context || {};
        var given = _.find([(this.action.params || {}).location_id, context.location_id,
                            (context.params || {}).location_id],
                           function (value) { return parseInt(value, 10) > 0; });
        try {
            return parseInt(given || window.localStorage.getItem(STORAGE_KEY), 10) || false;
        } catch (e) {
            return parseInt(given, 10) || false;  // private mode: not remembered
        }
    },

    _setLocation: function (locationId) {
        this.locationId = locationId || false;
        try {
            if (this.locationId) {
                window.localStorage.setItem(STORAGE_KEY, String(this.locationId));
            } else {
                window.localStorage.removeItem(STORAGE_KEY);
            }
        } catch (e) { /* private mode: not remembered */ }
        if (this.action.params) {  // keep a stale location_id out of the URL
            this.action.params.location_id = this.locationId || undefined;
        }
    },

    _onLocationChange: function (ev) {
        this._setLocation(parseInt($(ev.currentTarget).val(), 10) || false);
        $(ev.currentTarget).blur();  // the next scan must not type into the selector
        this.notice = null;
        this._renderPanel({kind: 'idle'});
    },

    _locationName: function () {
        var location = _.findWhere(this.locations, {id: this.locationId});
        return location ? location.display_name : false;
    },

    // --- Inputs ---
    _onBarcodeScanned: function (barcode) {
        if (this.$el && this.$el.is(':visible')) {  // else another action is on screen
            this._signal(barcode);
        }
    },

    _onSignalClick: function () {
        var $input = this.$('.o_jit_station_input');
        var barcode = $input.val();
        $input.val('');
        this._signal(barcode);
    },

    _onInputKeydown: function (ev) {
        if (ev.which === 13) {
            ev.preventDefault();
            this._onSignalClick();
        }
    },

    _onExitClick: function () {
        var parent = this.getParent();
        if (parent && parent.action_stack && parent.action_stack.length > 1) {
            parent.history_back();
            return;
        }
        // opened on its own: back to the Kanban app (its board), not the home app
        var $app = $('a[data-menu-xmlid="jit_kanban.jit_kanban_root_menu"]');
        window.location.hash = $app.length ? 'menu_id=' + $app.data('menu') : '';
        window.location.reload();
    },

    // --- Server calls: scans through the outbox (SendingMixin) ---
    _signal: function (barcode) {
        barcode = StationOutbox.normalizeBarcode(barcode);
        if (barcode) {
            this._queueScan(barcode);
        }
    },

    _onScanAnswer: function (item, answer) {
        answer = _.extend({}, answer, {barcode: answer.barcode || item.barcode});
        var known = _.contains(['accepted', 'already_signalled', 'rejected'], answer.result);
        this._show(known ? answer.result : 'rejected', answer);
        if (answer.result === 'accepted' && answer.event_id) {
            this.undo = {eventId: answer.event_id, barcode: answer.barcode,
                         orderName: answer.order_name,
                         deadline: Date.now() + UNDO_SECONDS * 1000};
            this._renderUndo();
        }
    },

    _onUndoClick: function (ev) {
        var self = this;
        var undo = this.undo;
        if (!undo) {
            return;
        }
        var $button = $(ev.currentTarget).prop('disabled', true);
        StationOutbox.callCards('undo_signal', [undo.eventId], {}).then(function (outcome) {
            if (self.isDestroyed()) {
                return;
            }
            $button.prop('disabled', false);
            if (outcome.status === 'session') {
                self.sessionLost = true;
                return self._renderPanel({kind: 'login'});
            }
            if (outcome.status === 'offline') {
                return self._renderPanel({kind: 'offline', big: _t('Undo not sent'),
                                          text: _t('The server cannot be reached: try Undo again in a moment.')});
            }
            var answer = _.extend({barcode: undo.barcode}, outcome.answer);
            if (self.undo === undo) {
                self.undo = null;
            }
            self._renderUndo();
            answer.orderName = undo.orderName;
            self._show(answer.result === 'accepted' ? 'undone' : 'rejected', answer);
        });
    },

    // --- Rendering ---
    /** Show a server answer: panel, history row and sound. */
    _show: function (kind, answer) {
        this._renderPanel(_.extend({kind: kind}, this._describe(kind, answer)));
        this.history.unshift({kind: kind, time: moment().format('HH:mm:ss'),
                              barcode: answer.barcode || '?', product: answer.product_name || '',
                              label: LOOK[kind].label, detail: this._historyDetail(kind, answer)});
        this.history = this.history.slice(0, HISTORY_SIZE);
        this._renderHistory();
        this._beep(kind);
    },

    _historyDetail: function (kind, answer) {
        if (kind === 'accepted' || kind === 'already_signalled') {
            return answer.order_name || this._waiting(answer);
        }
        if (kind === 'undone') {
            return _t('full again');
        }
        // the history row shows the barcode already: no need to repeat it
        return answer.reason === 'unknown_barcode' ? _t('Unknown card') : capitalize(answer.message || '');
    },

    _waiting: function (answer) {
        var reason = (answer.waiting_reason || '').trim();
        return reason ? _.str.sprintf(_t('Waiting: %s'), reason) : _t('Waiting for an order');
    },

    /** The words of the panel for one answer. */
    _describe: function (kind, answer) {
        var view = {};
        if (kind === 'accepted' || kind === 'already_signalled') {
            view.orderName = answer.order_name || false;
            view.big = answer.order_name ? _.str.sprintf(_t('Order %s'), answer.order_name)
                : this._waiting(answer);
            view.text = kind === 'accepted' ? _t('Thank you: the container will be replenished.')
                : capitalize(answer.message);
        } else if (kind === 'undone') {
            view.big = _.str.sprintf(_t('%s is full again'), answer.barcode);
            view.text = !answer.orderName || !answer.withdrawn ? capitalize(answer.message)
                : answer.withdrawn === 'share'
                    ? _.str.sprintf(_t('This container is taken off order %s; the order goes on for the others.'), answer.orderName)
                    : _.str.sprintf(_t('Order %s is withdrawn.'), answer.orderName);
        } else {
            view.big = capitalize(answer.message || '');
            view.text = _t('Nothing was ordered. Put the card aside and call your team leader if unsure.');
        }
        view.facts = _.filter([
            [_t('Card'), answer.barcode, 'o_jit_station_fact_card'],
            [_t('Product'), answer.product_name],
            [_t('Container'), answer.quantity && (answer.quantity + ' ' + (answer.uom_name || ''))],
            [_t('Loop'), answer.loop_name],
            [_t('Supermarket'), answer.location_name],
        ], function (fact) { return fact[1]; });
        return view;
    },

    _renderPanel: function (view) {
        var look = LOOK[view.kind];
        view = _.defaults({}, view, {icon: look.icon, title: look.title, big: false, text: false, facts: []});
        if (view.kind === 'idle') {
            var bound = this._locationName();
            view.big = _t('Scan the card of an empty container');
            view.text = view.text || this.notice ||
                _t('Use the scanner or the camera, or type the card number below.');
            view.facts = [[_t('This station'), bound ||
                           _t('All supermarkets (choose one at the top to bind the station)')]];
        } else if (view.kind === 'offline' || view.kind === 'login') {
            _.extend(view, this._describeWaiting(view));
        }
        this.$('.o_jit_station_panel_box').html(QWeb.render('jit_kanban.ScanStation.Panel', {view: view}));
    },

    /** Panel words while scans wait on the tablet (server away, or logged out). */
    _describeWaiting: function (view) {
        var count = this.outbox.count();
        var saved = savedText(count);
        if (view.kind === 'login') {
            var back = window.location.pathname + window.location.search + window.location.hash;
            return {big: _t('Please log in again'), loginUrl: '/web/login?redirect=' + encodeURIComponent(back),
                    text: (count ? saved + ' ' + _t('after you log in.') + ' '
                           : '') + _t('Your session on this tablet has ended.')};
        }
        return {big: view.big || saved, text: view.text || _.str.sprintf(
            _t('The server cannot be reached. Keep scanning: nothing is lost. Next try in %s s.'),
            view.retrySeconds)};
    },

    /** The amber count in the header: scans on the tablet not answered yet. */
    _renderOutbox: function () {
        var count = this.outbox.count();
        var $box = this.$('.o_jit_station_outbox');
        $box.attr('data-count', count).toggleClass('o_hidden', !count)
            .toggleClass('o_jit_station_outbox_login', this.sessionLost);
        $box.find('.o_jit_station_outbox_text').text(savedText(count));
        this._renderHistory();
    },

    _renderUndo: function () {
        var $box = this.$('.o_jit_station_undo_box');
        var seconds = this.undo ? Math.ceil((this.undo.deadline - Date.now()) / 1000) : 0;
        if (seconds <= 0) {
            this.undo = null;
            $box.empty();
            return;
        }
        var $count = $box.find('.o_jit_station_undo_count');
        if ($count.length && $box.find('.o_jit_station_undo').data('event-id') === this.undo.eventId) {
            $count.text('(' + seconds + ' s)');
        } else {
            $box.html(QWeb.render('jit_kanban.ScanStation.Undo', {undo: this.undo, seconds: seconds}));
        }
    },

    _renderHistory: function () {
        var pending = _.map(this.outbox.items().reverse(), function (item) {
            return _.extend({time: moment(item.scanned_at).format('HH:mm:ss')}, item);
        });
        this.$('.o_jit_station_history_box').html(QWeb.render('jit_kanban.ScanStation.History', {
            history: this.history, pending: pending, savedLabel: LOOK.offline.label,
            savedDetail: _t('On this tablet, will be sent'),
        }));
    },

});

core.action_registry.add('jit_kanban_scan_station', ScanStation);

return ScanStation;
});
