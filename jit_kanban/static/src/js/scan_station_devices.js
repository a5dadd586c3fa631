odoo.define('jit_kanban.ScanStationDevices', function (require) {
"use strict";

/**
 * What the scan station does with the tablet itself: read cards with the
 * camera and answer with a sound (WebAudio tones, no sound files).  Mixed
 * into the station widget.  The camera uses the browser's BarcodeDetector
 * where there is one, else the vendored barcode-detector ponyfill (ZXing
 * compiled to WebAssembly, static/lib/barcode-detector), loaded on first use.
 */
var core = require('web.core');

var _t = core._t;

var DETECT_INTERVAL_MS = 300;
var CAMERA_FORMATS = ['code_128', 'qr_code'];
var CAMERA_REPEAT_MS = 4000;  // the same card held in front of the camera is one scan
var READER_DIR = '/jit_kanban/static/lib/barcode-detector/';
var READER_SCRIPT = READER_DIR + 'barcode-detector-ponyfill.js';
// [hertz, start s, length s]: a short high beep when accepted, two mid tones
// when already signalled, a falling pair when undone, a low buzz when rejected,
// two soft tones when the scan waits on the tablet
var TONES = {
    accepted: [[1320, 0, 0.15]],
    already_signalled: [[880, 0, 0.1], [880, 0.15, 0.1]],
    undone: [[990, 0, 0.1], [660, 0.12, 0.15]],
    rejected: [[140, 0, 0.5]],
    saved: [[660, 0, 0.12], [660, 0.2, 0.12]],  // kept on the tablet, will be sent
};

function stopTracks(stream) {
    stream.getTracks().forEach(function (track) { track.stop(); });
}

function capitalize(text) {
    text = text || '';
    return text.charAt(0).toUpperCase() + text.slice(1);
}

var readerLoading = null;

/** A promise of the BarcodeDetector class: the browser's, else the ponyfill's. */
function loadBarcodeDetector() {
    if (window.BarcodeDetector) {
        return Promise.resolve(window.BarcodeDetector);
    }
    readerLoading = readerLoading || new Promise(function (resolve, reject) {
        var script = document.createElement('script');
        script.src = READER_SCRIPT;
        script.onload = function () {
            var api = window.BarcodeDetectionAPI;
            if (!api || !api.BarcodeDetector) {
                return reject(new Error(_t('the barcode reader could not be loaded')));
            }
            // the WebAssembly reader from this server, not from the package's CDN
            api.prepareZXingModule({overrides: {locateFile: function (path, prefix) {
                return /\.wasm$/.test(path) ? READER_DIR + path : prefix + path;
            }}});
            resolve(api.BarcodeDetector);
        };
        script.onerror = function () {
            readerLoading = null;  // try again on the next click
            reject(new Error(_t('the barcode reader could not be loaded')));
        };
        document.head.appendChild(script);
    });
    return readerLoading;
}

function cameraSupport() {
    if (!('BarcodeDetector' in window) && !window.WebAssembly) {
        return {ok: false, reason: _t('Camera not available on this device')};
    }
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) {
        return {ok: false, reason: _t('Camera needs a secure (https) address')};
    }
    return {ok: true};
}


var DevicesMixin = {
    _onCameraClick: function () {
        if (!this.cameraSupport.ok) {
            this.$('.o_jit_station_input').focus();
            this._renderPanel({kind: 'idle', text: this.cameraSupport.reason + '. ' +
                               _t('Use the scanner or type the card number.')});
            return;
        }
        if (this._stream) {
            this._stopCamera();
        } else {
            this._startCamera();
        }
    },

    _startCamera: function () {
        var self = this;
        var Detector;
        loadBarcodeDetector().then(function (detectorClass) {
            Detector = detectorClass;
            return Detector.getSupportedFormats ? Detector.getSupportedFormats() : CAMERA_FORMATS;
        }).then(function (formats) {
            var wanted = _.intersection(CAMERA_FORMATS, formats);
            if (!wanted.length) {
                throw new Error(_t('this device cannot read Code 128 or QR codes'));
            }
            self._detector = new Detector({formats: wanted});
            return navigator.mediaDevices.getUserMedia({audio: false, video: {facingMode: 'environment'}});
        }).then(function (stream) {
            if (self.isDestroyed()) {
                return stopTracks(stream);
            }
            self._stream = stream;
            var video = self.$('.o_jit_station_video')[0];
            video.srcObject = stream;
            var playing = video.play();
            if (playing && playing.catch) {
                playing.catch(function () { /* autoplay refused: the detector reads frames anyway */ });
            }
            self.$('.o_jit_station_camera_box').removeClass('o_hidden');
            self._detectTimer = setInterval(self._detect.bind(self), DETECT_INTERVAL_MS);
        }).catch(function (error) {
            self._renderPanel({kind: 'rejected', title: _t('Camera could not start'),
                               big: capitalize(error.message || String(error)),
                               text: _t('Use the scanner or type the card number.')});
        });
    },

    _detect: function () {
        var self = this;
        var video = this.$('.o_jit_station_video')[0];
        if (this._detecting || !this._detector || !video || video.readyState < 2) {
            return;
        }
        this._detecting = true;
        this._detector.detect(video).then(function (codes) {
            self._detecting = false;
            var code = codes.length && codes[0].rawValue;
            var now = Date.now();
            if (!code || (code === self._lastCamera && now - self._lastCameraAt < CAMERA_REPEAT_MS)) {
                return;
            }
            self._lastCamera = code;
            self._lastCameraAt = now;
            self._signal(code);
        }).catch(function () {
            self._detecting = false;
        });
    },

    _stopCamera: function () {
        clearInterval(this._detectTimer);
        this._detectTimer = null;
        if (this._stream) {
            stopTracks(this._stream);
            this._stream = null;
        }
        if (this.$el) {
            this.$('.o_jit_station_camera_box').addClass('o_hidden');
        }
    },

    /** WebAudio tones (no sound files): see TONES. */
    _beep: function (kind) {
        var tones = TONES[kind];
        var AudioContext = window.AudioContext || window.webkitAudioContext;
        this.$el.attr('data-last-sound', kind);
        if (!tones || !AudioContext) {
            return;
        }
        try {
            var audio = this._audio = this._audio || new AudioContext();
            if (audio.state === 'suspended' && audio.resume) {
                audio.resume();
            }
            tones.forEach(function (tone) {
                var oscillator = audio.createOscillator();
                var gain = audio.createGain();
                var start = audio.currentTime + tone[1];
                oscillator.type = kind === 'rejected' ? 'sawtooth' : 'sine';
                oscillator.frequency.value = tone[0];
                gain.gain.setValueAtTime(0.0001, start);
                gain.gain.exponentialRampToValueAtTime(0.4, start + 0.01);
                gain.gain.exponentialRampToValueAtTime(0.0001, start + tone[2]);
                oscillator.connect(gain);
                gain.connect(audio.destination);
                oscillator.start(start);
                oscillator.stop(start + tone[2] + 0.02);
            });
        } catch (e) { /* no sound on this device: the panel says it all */ }
    }
};

return {
    DevicesMixin: DevicesMixin,
    cameraSupport: cameraSupport,
    capitalize: capitalize,
    loadBarcodeDetector: loadBarcodeDetector,
};
});
