/*
 * The SCORM player page: launches items in the sandboxed content frame, runs scorm-again's run-time for
 * the open SCO session, and saves what the SCO sets.
 *
 * The package runs in an opaque origin (lms/core/untrusted.py); its documents carry scorm-again's
 * CrossFrameAPI (lms/static/scorm/bridge.js), whose calls arrive here by postMessage and are answered by
 * CrossFrameLMS over a Scorm12API / Scorm2004API. Messages from anything but the package frame (and the
 * frames inside it) are dropped before they reach it; a package that floods or breaks the protocol gets a
 * message on the page, and what was saved stays saved.
 *
 * Saving: each Commit/LMSCommit and each Terminate/LMSFinish sends the values set since the last saved
 * commit (fetch, with the CSRF token in a header); when the page is hidden or closed, the same goes by
 * navigator.sendBeacon (the token in the body, as beacons cannot set headers). Every commit of a session
 * carries a growing sequence number and everything not yet acknowledged, so the server keeps the newest
 * whatever order requests arrive in. Failed saves are retried. The server checks every value again
 * (lms/scorm/tracking.py).
 */
(function () {
  "use strict";

  var root = document.getElementById("scorm-player");
  var state = root && JSON.parse(document.getElementById("scorm-state").textContent);
  var Api = state && (state.version === "1.2" ? window.Scorm12API : window.Scorm2004API);
  if (!root || !Api || !window.CrossFrameLMS) { return; }
  var messages = JSON.parse(document.getElementById("scorm-messages").textContent);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var names = state.version === "1.2"
    ? {init: "LMSInitialize", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish"}
    : {init: "Initialize", set: "SetValue", commit: "Commit", finish: "Terminate"};
  var frame = document.getElementById("scorm-frame");
  var messageBox = document.getElementById("scorm-message");
  var ended = document.getElementById("scorm-ended");
  var buttons = {
    previous: document.getElementById("scorm-previous"),
    next: document.getElementById("scorm-next"),
    exit: document.getElementById("scorm-exit"),
    resume: document.getElementById("scorm-resume")
  };
  var current = null;  // the open session: {item, id, seq, started, api, lms, dirty, leaving, done, finalSaved, inflight}
  var lastItem = state.start;
  var unloading = false;
  var fatal = false;
  var retryTimer = null;
  var AUTOSAVE_MS = 60000, RETRY_MS = 5000, LEAVE_WAIT_MS = 8000;
  var FLOOD_PER_SECOND = 1000;
  var NAME_PREFIX = "scorm-values:";  // lms/static/scorm/bridge.js reads it  // far above what a SCO needs (each SetValue is two messages)

  // --- messages and contents ----------------------------------------------------------------------
  function say(text) { messageBox.textContent = text || ""; }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  function showProgress(done, total) {
    var box = document.getElementById("scorm-progress");
    if (box) { box.textContent = format(messages.progress, {done: done, total: total}); }
  }

  function showStatus(item, status) {
    var badge = document.querySelector('[data-status-for="' + CSS.escape(item) + '"]');
    if (badge) { badge.textContent = messages.statuses[status] || status; badge.setAttribute("data-status", status); }
  }

  function markCurrent(item) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-item]"), function (link) {
      if (link.getAttribute("data-item") === item) { link.setAttribute("aria-current", "step"); }
      else { link.removeAttribute("aria-current"); }
    });
  }

  function updateControls(item) {
    var data = item ? state.items[item] : null;
    var hide = data ? data.hide : [];
    buttons.previous.disabled = !data || !data.previous;
    buttons.next.disabled = !data || !data.next;
    buttons.exit.disabled = !data;
    buttons.previous.hidden = hide.indexOf("previous") !== -1;
    buttons.next.hidden = hide.indexOf("continue") !== -1;
    buttons.exit.hidden = hide.indexOf("exit") !== -1 || hide.indexOf("exitAll") !== -1 ||
      hide.indexOf("suspendAll") !== -1;
  }

  // --- the package frame's messages ---------------------------------------------------------------
  var ALLOWED = ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSGetLastError",
                 "LMSGetErrorString", "LMSGetDiagnostic", "Initialize", "Terminate", "GetValue", "SetValue",
                 "Commit", "GetLastError", "GetErrorString", "GetDiagnostic", "getFlattenedCMI", "__heartbeat__"];
  var recent = [];
  var warned = {};

  function fromPackage(source) {
    for (var win = source, depth = 0; win && depth < 20; depth += 1) {
      if (win === frame.contentWindow) { return true; }
      if (win === window || win.parent === win) { return false; }
      win = win.parent;
    }
    return false;
  }

  function warnOnce(kind) {
    if (warned[kind]) { return; }
    warned[kind] = true;
    say(messages[kind]);
  }

  function flooding() {
    var now = Date.now();
    while (recent.length && now - recent[0] > 1000) { recent.shift(); }
    recent.push(now);
    return recent.length > FLOOD_PER_SECOND;
  }

  function protocolMessage(data) {
    return data && typeof data === "object" && typeof data.messageId === "string" && data.messageId &&
      typeof data.method === "string" && ALLOWED.indexOf(data.method) !== -1 &&
      (data.params === undefined || Array.isArray(data.params));
  }

  // Registered before any CrossFrameLMS, so that what it refuses never reaches one.
  window.addEventListener("message", function (event) {
    if (!fromPackage(event.source)) { event.stopImmediatePropagation(); return; }
    var data = event.data;
    if (!protocolMessage(data)) {
      event.stopImmediatePropagation();
      // Other messages are none of the player's business; a broken call of the run-time's is.
      if (data && typeof data === "object" && ("messageId" in data || "method" in data)) { warnOnce("broken"); }
      return;
    }
    if (flooding()) { event.stopImmediatePropagation(); warnOnce("flooded"); }
  });

  // --- saving ---------------------------------------------------------------------------------------
  // The values set since the last acknowledged commit, as [element, value] pairs in first-set order.
  function pending(session) { return Array.from(session.dirty.entries()); }

  // The server stored these pairs: forget those not changed again since they were sent.
  function acknowledge(session, pairs) {
    pairs.forEach(function (pair) {
      if (session.dirty.get(pair[0]) === pair[1]) { session.dirty["delete"](pair[0]); }
    });
  }

  function payload(session, final) {
    session.seq += 1;
    return {learner: state.learner, item: session.item, attempt: state.attempt, session: session.id, seq: session.seq,
            values: pending(session), final: !!final, initialized: session.initialized,
            elapsed: (Date.now() - session.started) / 1000};
  }

  function beacon(body) {
    var form = new URLSearchParams();
    form.set("csrf_token", csrf);
    form.set("payload", JSON.stringify(body));
    if (navigator.sendBeacon && navigator.sendBeacon(state.commitUrl, form)) { return; }
    try {
      fetch(state.commitUrl, {method: "POST", body: form, keepalive: true, credentials: "same-origin"});
    } catch (error) { /* the page is going away: nothing more can be done */ }
  }

  function applied(data) {
    var item = state.items[data.item.id];
    item.cmi = data.item.cmi;
    item.values = data.item.values;
    item.status = data.item.status;
    item.completed = data.item.completed;
    showStatus(data.item.id, data.item.status);
    showProgress(data["package"].done, data["package"].total);
  }

  function send(session, final) {
    if (fatal) { return Promise.resolve(); }
    var body = payload(session, final);
    if (unloading) { beacon(body); return Promise.resolve(); }
    var text = JSON.stringify(body);
    say(messages.saving);
    var request = fetch(state.commitUrl, {
      method: "POST", credentials: "same-origin", keepalive: text.length < 60000,
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: text
    }).then(function (response) {
      return response.json().then(function (data) { return {status: response.status, data: data}; },
                                  function () { return {status: response.status, data: {}}; });
    }).then(function (answer) {
      if (answer.status === 200 && answer.data.ok) {
        acknowledge(session, body.values);
        if (final) { session.finalSaved = true; }
        applied(answer.data);
        say(messages.saved);
      } else if (answer.status === 409) {
        fatal = true;
        say(answer.data.error || messages.reset);
      } else {
        // A new log-in (in another tab) gives a new CSRF token: fetch it before trying again.
        say(answer.status === 401 ? messages.expired : messages.failed);
        refreshToken();
        retryLater(session);
      }
    }, function () {
      say(messages.failed);
      retryLater(session);
    });
    session.inflight = request;
    return request;
  }

  function refreshToken() {
    fetch(state.tokenUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.token) { csrf = data.token; } }, function () {});
  }

  function retryLater(session) {
    if (retryTimer) { return; }
    retryTimer = setTimeout(function () {
      retryTimer = null;
      if (session.dirty.size || (session.done && !session.finalSaved)) { send(session, session.done); }
    }, RETRY_MS);
  }

  // --- sessions -------------------------------------------------------------------------------------
  function randomId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // A run-time for one SCO session: scorm-again, loaded with what the server keeps, saving nothing itself.
  function runtime(session, data) {
    var api = new Api({autocommit: false, lmsCommitUrl: false, logLevel: 5,
                       scoItemIdValidator: function (target) { return state.choice[target] === "true"; }});
    api.loadFromFlattenedJSON(data.values, "");
    if (state.version === "2004") {
      var valid = api.adl.nav.request_valid;
      valid["continue"] = data.next ? "true" : "false";
      valid.previous = data.previous ? "true" : "false";
    }
    api.on(names.init, function () { session.initialized = true; });
    api.on(names.set, function (element, value) {
      // Kept once the call is over and only if it succeeded: the server gets what the SCO set, checked again.
      Promise.resolve().then(function () {
        if (session.api === api && !session.done && String(api.lastErrorCode) === "0") {
          session.dirty.set(element, String(value));
          if (element === "adl.nav.request") { session.navRequest = String(value); }
        }
      });
    });
    api.on(names.commit, function () { Promise.resolve().then(function () { send(session, false); }); });
    api.on(names.finish, function () { Promise.resolve().then(function () { finished(session); }); });
    return api;
  }

  // What CrossFrameLMS calls: the run-time's methods, plus (2004) what a SCO may ask of navigation, which
  // the frame's client must also have in its cache from the start.
  function facade(api, data) {
    var object = {};
    ALLOWED.forEach(function (name) {
      if (typeof api[name] === "function") { object[name] = function () { return api[name].apply(api, arguments); }; }
    });
    if (state.version !== "2004") { return object; }
    var navigation = {"adl.nav.request_valid.continue": data.next ? "true" : "false",
                      "adl.nav.request_valid.previous": data.previous ? "true" : "false"};
    state.order.forEach(function (id) {
      navigation["adl.nav.request_valid.choice.{target=" + id + "}"] = state.choice[id] === "true" ? "true" : "false";
      navigation["adl.nav.request_valid.jump.{target=" + id + "}"] = "true";
    });
    object.GetValue = function (element) {
      return api.isInitialized() && Object.prototype.hasOwnProperty.call(navigation, element)
        ? navigation[element] : api.GetValue(element);
    };
    object.getFlattenedCMI = function () { return Object.assign({}, api.getFlattenedCMI(), navigation); };
    return object;
  }

  function start(item) {
    var data = state.items[item];
    if (!data || fatal) { return; }
    var session = {item: item, id: randomId(), seq: 0, started: Date.now(), leaving: false, done: false,
                   finalSaved: false, initialized: false, dirty: new Map(), inflight: Promise.resolve()};
    session.api = runtime(session, data);
    // The origin of a sandboxed frame is "null": replies go to the message's own source window only.
    var answers = facade(session.api, data);
    session.lms = new window.CrossFrameLMS(answers, "*", {rateLimit: FLOOD_PER_SECOND * 10});
    current = session;
    lastItem = item;
    recent = [];
    ended.hidden = true;
    frame.hidden = false;
    markCurrent(item);
    updateControls(item);
    send(session, false);  // registers the launch (and completes an asset)
    // The frame's client answers GetValue from a cache that messages fill too late for a SCO's first calls
    // (on load): the launch document reads the values from its window's name, given to a fresh frame (a
    // name changed on a frame already there may not reach the next document).
    var fresh = frame.cloneNode(false);
    fresh.removeAttribute("src");
    fresh.setAttribute("name", NAME_PREFIX + JSON.stringify(answers.getFlattenedCMI()));
    frame.parentNode.replaceChild(fresh, frame);
    frame = fresh;
    frame.src = data.url;
  }

  function finished(session) {
    session.done = true;
    var saving = send(session, true);
    if (session.leaving || state.version !== "2004") {
      if (!session.leaving) { say(messages.ended); }
      return;
    }
    var request = session.navRequest || "_none_";
    saving.then(function () { setTimeout(function () { follow(session, request); }, 0); });
  }

  // A SCORM 2004 SCO's navigation request, processed once its session has ended.
  function follow(session, request) {
    if (current !== session) { return; }
    var data = state.items[session.item];
    var target = /^\{target=([^{}\s]+)\}(choice|jump)$/.exec(request);
    if (request === "continue" && data.next) { go(data.next); }
    else if (request === "previous" && data.previous) { go(data.previous); }
    else if (target && state.items[target[1]] && (target[2] === "jump" || state.choice[target[1]] === "true")) {
      go(target[1]);
    } else if (["exitAll", "suspendAll", "abandonAll"].indexOf(request) !== -1) { leave().then(showEnded); }
    else { say(messages.ended); }
  }

  function blank() {
    return new Promise(function (resolve) {
      var settled = false;
      function done() {
        if (settled) { return; }
        settled = true;
        frame.removeEventListener("load", done);
        resolve();
      }
      frame.addEventListener("load", done);
      frame.src = "about:blank";
      setTimeout(done, 3000);
    });
  }

  function wait(promise) {
    return Promise.race([promise, new Promise(function (resolve) { setTimeout(resolve, LEAVE_WAIT_MS); })]);
  }

  // Close the current item: unload its page (its SCO finishes there), end the session if it did not.
  function leave() {
    var session = current;
    if (!session) { return Promise.resolve(); }
    session.leaving = true;
    return blank().then(function () {
      session.lms.destroy();  // later calls from the package reach no session
      if (!session.done) {
        session.done = true;
        return wait(send(session, true));
      }
      return wait(session.inflight);
    }).then(function () { if (current === session) { current = null; } });
  }

  function go(item) {
    if (!state.items[item]) { return; }
    leave().then(function () { start(item); });
  }

  function showEnded() {
    frame.hidden = true;
    ended.hidden = false;
    updateControls(null);
    buttons.resume.focus();
  }

  // --- the page's controls ----------------------------------------------------------------------------
  buttons.next.addEventListener("click", function () {
    var data = current && state.items[current.item];
    if (data && data.next) { go(data.next); }
  });
  buttons.previous.addEventListener("click", function () {
    var data = current && state.items[current.item];
    if (data && data.previous) { go(data.previous); }
  });
  buttons.exit.addEventListener("click", function () { leave().then(showEnded); });
  buttons.resume.addEventListener("click", function () { start(lastItem); });

  // On a phone the contents fold away once an item is chosen, so that the content comes first.
  var contents = document.getElementById("scorm-contents");
  var narrow = window.matchMedia("(max-width: 59.99rem)");
  if (contents && narrow.matches) { contents.open = false; }

  root.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-item]") : null;
    if (!link) { return; }
    event.preventDefault();
    var item = link.getAttribute("data-item");
    if (state.choice[item] !== "true") { say(messages.notAllowed); return; }
    if (contents && narrow.matches) { contents.open = false; }
    if (current && current.item === item) { return; }
    go(item);
  });

  // Closing or hiding the page: what is not saved yet goes by beacon.
  window.addEventListener("pagehide", function () {
    unloading = true;
    if (current && !current.done) { beacon(payload(current, true)); }
  });
  window.addEventListener("pageshow", function (event) { if (event.persisted) { unloading = false; } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && current && !current.done && current.dirty.size) {
      beacon(payload(current, false));
    }
  });
  setInterval(function () {
    if (current && !current.done && current.dirty.size && !unloading) { send(current, false); }
  }, AUTOSAVE_MS);

  showProgress(state.done, state.total);
  if (state.start) { start(state.start); }
})();
