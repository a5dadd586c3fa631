odoo.define('jit_kanban.ScanStationOutbox', function (require) {
"use strict";

/**
 * Never lose a scan: every scan is first written to the tablet's
 * localStorage with its own idempotency key, then sent; it leaves the outbox
 * only once the server has answered.  When the server cannot be reached
 * (network down, timeout, HTTP 5xx, database restarting) the scans wait on
 * the tablet and are sent again, in scan order and with the same keys, so
 * that the server answers a repeated scan as it answered the first time.
 */
var session = require('web.session');

var CALL_TIMEOUT_MS = 20000;
var RETRY_DELAYS_S = [2, 4, 8, 15, 30];  // backoff while the server is away
// leading/trailing whitespace and control characters added by scanners
// (a GS1 separator inside the code is kept)
var EDGE_JUNK = /^[\s\u0000-\u001f\u007f-\u009f]+|[\s\u0000-\u001f\u007f-\u009f]+$/g;

function normalizeBarcode(text) {
    return String(text || '').replace(EDGE_JUNK, '');
}

/** A random RFC 4122 version 4 UUID (crypto.randomUUID needs https). */
function newKey() {
    var crypto = window.crypto || window.msCrypto;
    if (crypto && crypto.randomUUID) {
        return crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (crypto && crypto.getRandomValues) {
        crypto.getRandomValues(bytes);
    } else {
        for (var i = 0; i < 16; i++) {
            bytes[i] = Math.floor(Math.random() * 256);
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = _.map(bytes, function (byte) { return (byte + 0x100).toString(16).slice(1); }).join('');
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

/**
 * The scans not answered yet, oldest first, kept in localStorage (in memory
 * only where the browser refuses storage, e.g. private mode).
 */
function Outbox(storageKey) {
    this.storageKey = storageKey;
    this._memory = [];
}

_.extend(Outbox.prototype, {
    items: function () {
        try {
            var stored = window.localStorage.getItem(this.storageKey);
            return stored ? JSON.parse(stored) : [];
        } catch (e) {
            return this._memory.slice();
        }
    },
    _save: function (items) {
        this._memory = items.slice();
        try {
            if (items.length) {
                window.localStorage.setItem(this.storageKey, JSON.stringify(items));
            } else {
                window.localStorage.removeItem(this.storageKey);
            }
        } catch (e) { /* private mode or storage full: kept in memory */ }
    },
    count: function () {
        return this.items().length;
    },
    first: function () {
        return this.items()[0];
    },
    push: function (item) {
        var items = this.items();
        items.push(item);
        this._save(items);
    },
    remove: function (key) {
        this._save(_.reject(this.items(), function (item) { return item.key === key; }));
    },
    /** Take over the scans kept under another storage key. */
    adopt: function (storageKey) {
        try {
            var stored = window.localStorage.getItem(storageKey);
            if (stored) {
                this._save(this.items().concat(JSON.parse(stored)));
                window.localStorage.removeItem(storageKey);
            }
        } catch (e) { /* no storage: nothing was kept there */ }
    },
});

/** The next wait after ``failures`` failed attempts in a row, in ms. */
function retryDelay(failures) {
    return RETRY_DELAYS_S[Math.min(failures, RETRY_DELAYS_S.length) - 1] * 1000;
}

/**
 * Call a method of jit.kanban.card without Odoo's error dialogs; resolves
 * with one outcome, never rejects:
 *  - {status: 'answer', answer}: the server answered (a refusal included);
 *  - {status: 'offline', reason}: not reached, send again later;
 *  - {status: 'session'}: the session is gone, log in again then send.
 */
function callCards(method, args, kwargs) {
    var outcome = $.Deferred();
    var params = {
        model: 'jit.kanban.card', method: method, args: args,
        kwargs: _.extend({context: session.user_context}, kwargs),
    };
    session.rpc('/web/dataset/call_kw/jit.kanban.card/' + method, params,
                {timeout: CALL_TIMEOUT_MS, shadow: true})
        .then(function (answer) {
            outcome.resolve({status: 'answer', answer: answer});
        }, function (error, event) {
            if (event && event.preventDefault) {
                event.preventDefault();  // the station explains it itself
            }
            outcome.resolve(classifyError(error || {}));
        });
    return outcome.promise();
}

function classifyError(error) {
    var data = error.data || {};
    if (error.code === -32098 || error.code === 503 ||
            data.name === 'jit_kanban.database_unavailable') {
        return {status: 'offline', reason: data.type || error.message};
    }
    if (error.code === 100 || data.name === 'odoo.http.SessionExpiredException') {
        return {status: 'session'};
    }
    // the server refused the call itself (access rights, a bug): an answer,
    // sending it again would be refused again.  Odoo 11 joins an error's
    // arguments into its message ("...\nNone"): the first one is the sentence.
    var sentence = _.isString((data.arguments || [])[0]) ? data.arguments[0] : data.message;
    return {status: 'answer', answer: {result: 'rejected', message: sentence || error.message}};
}


var OUTBOX_KEY = 'jit_kanban.scan_station.outbox.';

/**
 * Sending the outbox, mixed into the station widget (which provides
 * _renderPanel, _renderHistory, _renderOutbox and _onScanAnswer).  One scan
 * in flight at a time, oldest first: the server sees them in scan order.
 */
var SendingMixin = {
    _initOutbox: function () {
        // one outbox per user of the tablet: a scan is sent again only as
        // the operator who made it (the server knows a repeat by its user)
        var database = OUTBOX_KEY + (session.db || '');
        this.outbox = new Outbox(database + '.' + session.uid);
        this.outbox.adopt(database);  // kept by a station of one outbox per database
        this._failures = 0;
        this._flushing = false;
        this.sessionLost = false;
        this._onOnline = this._flush.bind(this);
        window.addEventListener('online', this._onOnline);
    },

    _stopOutbox: function () {
        window.removeEventListener('online', this._onOnline);
        clearTimeout(this._retryTimer);
    },

    /** Keep the scan on the tablet first, then send whatever waits. */
    _queueScan: function (barcode) {
        this.outbox.push({key: newKey(), barcode: barcode, location_id: this.locationId || false,
                          scanned_at: new Date().toISOString()});
        this._savedSound = true;  // say "saved" once for this scan if it must wait
        this._renderOutbox();
        this._flush();
    },

    _waitingSound: function () {
        if (this._savedSound) {
            this._savedSound = false;
            this._beep('saved');
        }
    },

    _flush: function () {
        var self = this;
        var item = this.outbox.first();
        if (this._flushing || this.isDestroyed() || !item) {
            return;
        }
        this._flushing = true;
        clearTimeout(this._retryTimer);
        this._renderPanel({kind: 'busy', big: item.barcode});
        callCards('signal_barcode', [item.barcode], {
            station_location_id: item.location_id || false,
            origin: 'station',
            idempotency_key: item.key,
        }).then(function (outcome) {
            self._flushing = false;
            if (self.isDestroyed()) {
                return;
            }
            self.sessionLost = outcome.status === 'session';
            if (outcome.status === 'answer') {
                self._failures = 0;
                self._savedSound = false;  // the answer has its own sound
                self.outbox.remove(item.key);
                self._onScanAnswer(item, outcome.answer);
                self._renderOutbox();
                self._flush();
            } else if (outcome.status === 'session') {
                self._renderOutbox();
                self._renderPanel({kind: 'login'});
                self._waitingSound();
            } else {
                self._failures += 1;
                var delay = retryDelay(self._failures);
                self._retryTimer = setTimeout(self._flush.bind(self), delay);
                self._renderOutbox();
                self._renderPanel({kind: 'offline', retrySeconds: delay / 1000});
                self._waitingSound();
            }
        });
    },
};

return {
    Outbox: Outbox,
    SendingMixin: SendingMixin,
    callCards: callCards,
    classifyError: classifyError,
    newKey: newKey,
    normalizeBarcode: normalizeBarcode,
    retryDelay: retryDelay,
};
});
