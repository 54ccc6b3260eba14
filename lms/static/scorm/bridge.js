/*
 * Put first in every HTML document of a SCORM package (lms/scorm/sandbox.py), after scorm-again's
 * CrossFrameAPI. The document runs in an opaque origin of its own (the sandbox): it reaches the player page
 * only by postMessage. A SCO finds window.API / window.API_1484_11 here, in its own window; the player
 * (window.top) runs the real run-time and accepts messages only from its package frame.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var origin = script && script.getAttribute("data-player-origin");
  if (!window.CrossFrameAPI || !origin || window.top === window) { return; }

  var api = new window.CrossFrameAPI(origin, window.top, {timeout: 15000});
  // Fixed: many SCOs declare `var API = null;` at the top level, which would otherwise hide it.
  ["API", "API_1484_11"].forEach(function (name) {
    Object.defineProperty(window, name, {get: function () { return api; }, set: function () {}, configurable: false});
  });
  // The client answers GetValue from its cache, which must be full before the SCO's first call (usually on
  // load): the player put the values in the frame's name for the launch document (lms/static/scorm/player.js);
  // any document asks for them too, and its own sets are never overwritten.
  var NAME_PREFIX = "scorm-values:";
  if (window.top === window.parent && window.name.indexOf(NAME_PREFIX) === 0) {
    try {
      var values = JSON.parse(window.name.slice(NAME_PREFIX.length));
      Object.keys(values).forEach(function (key) {
        if (typeof values[key] !== "object") { api._cache.set(key, String(values[key])); }
      });
    } catch (error) { /* a name of the package's own: the message below fills the cache */ }
    window.name = "scorm-frame";
  }
  api._post("getFlattenedCMI", []).then(function (all) {
    Object.keys(all || {}).forEach(function (key) {
      if (!api._cacheTimestamps.has(key) && typeof all[key] !== "object") { api._cache.set(key, String(all[key])); }
    });
  }, function () { /* the player will say what went wrong */ });

  // Every document of the package has an opaque origin of its own, so reading anything of `parent` throws:
  // the SCORM 2004 discovery algorithm (which starts at window.parent) and a test page's
  // `parent.RecordTest(score)` (the Golf samples) would fail. `parent` becomes a stand-in that has the API
  // and sends any other call as a message; a document runs the function named in such a message when the
  // message comes from one of its own frames (the player ignores them).
  var realParent = window.parent;
  var reachable = {frames: true, length: true, closed: true, top: true, parent: true, window: true, self: true,
                   location: true};
  window.parent = new Proxy({}, {
    get: function (_target, name) {
      if (typeof name !== "string") { return undefined; }
      if (name === "API" || name === "API_1484_11") { return api; }
      if (name === "postMessage") { return function () { return realParent.postMessage.apply(realParent, arguments); }; }
      if (reachable[name]) { return realParent[name]; }
      return function () {
        realParent.postMessage({scormFrameCall: name, args: Array.prototype.slice.call(arguments)}, "*");
      };
    }
  });
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data.scormFrameCall !== "string" || !Array.isArray(data.args)) { return; }
    for (var i = 0; i < window.frames.length; i++) {
      if (window.frames[i] === event.source) {
        var target = window[data.scormFrameCall];
        if (typeof target === "function") { target.apply(window, data.args); }
        return;
      }
    }
  });
})();
