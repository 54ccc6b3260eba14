/*
 * The SCORM player page: launches items in the content frame, answers the API through runtime.js and
 * saves what SCOs set.
 *
 * Saving: each Commit/LMSCommit and each Terminate/LMSFinish sends the values set since the last saved
 * commit (fetch, with the CSRF token in a header); when the page is hidden or closed, the same goes by
 * navigator.sendBeacon (the token in the body, as beacons cannot set headers). Every commit of a session
 * carries a growing sequence number and everything not yet acknowledged, so the server keeps the newest
 * whatever order requests arrive in. Failed saves are retried.
 */
(function () {
  "use strict";

  var root = document.getElementById("scorm-player");
  if (!root || !window.ScormRuntime) { return; }
  var state = JSON.parse(document.getElementById("scorm-state").textContent);
  var messages = JSON.parse(document.getElementById("scorm-messages").textContent);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var tables = new window.ScormRuntime.Tables(state.runtime);
  var frame = document.getElementById("scorm-frame");
  var messageBox = document.getElementById("scorm-message");
  var ended = document.getElementById("scorm-ended");
  var buttons = {
    previous: document.getElementById("scorm-previous"),
    next: document.getElementById("scorm-next"),
    exit: document.getElementById("scorm-exit"),
    resume: document.getElementById("scorm-resume")
  };
  var current = null;  // the open session: {item, id, seq, started, runtime, leaving, done, finalSaved, inflight}
  var lastItem = state.start;
  var unloading = false;
  var fatal = false;
  var retryTimer = null;
  var AUTOSAVE_MS = 60000, RETRY_MS = 5000, LEAVE_WAIT_MS = 8000;

  // A runtime that answers when no SCO session is open (between two items): every call fails politely.
  var idle = new window.ScormRuntime.Runtime({version: state.version, tables: tables});
  idle.end();

  var api = window.ScormRuntime.api(state.version, function () { return current ? current.runtime : idle; });
  if (state.version === "1.2") { window.API = api; } else { window.API_1484_11 = api; }

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

  function navigationFor(item) {
    var data = state.items[item], jump = {};
    state.order.forEach(function (id) { jump[id] = "true"; });
    return {"continue": data.next ? "true" : "false", previous: data.previous ? "true" : "false",
            choice: state.choice, jump: jump};
  }

  // --- saving ---------------------------------------------------------------------------------------
  function payload(session, final) {
    session.seq += 1;
    return {learner: state.learner, item: session.item, attempt: state.attempt, session: session.id, seq: session.seq,
            values: session.runtime.pending(), final: !!final, initialized: session.runtime.initialized,
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

  function applied(session, data) {
    var item = state.items[data.item.id];
    item.cmi = data.item.cmi;
    item.context = data.item.context;
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
        session.runtime.acknowledge(body.values);
        if (final) { session.finalSaved = true; }
        applied(session, answer.data);
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
      if (session.runtime.pending().length || (session.done && !session.finalSaved)) { send(session, session.done); }
    }, RETRY_MS);
  }

  // --- sessions -------------------------------------------------------------------------------------
  function randomId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function start(item) {
    var data = state.items[item];
    if (!data || fatal) { return; }
    var session = {item: item, id: randomId(), seq: 0, started: Date.now(), leaving: false, done: false,
                   finalSaved: false, inflight: Promise.resolve()};
    session.runtime = new window.ScormRuntime.Runtime({
      version: state.version, tables: tables, cmi: data.cmi, context: data.context, nav: navigationFor(item),
      hooks: {
        commit: function () { send(session, false); },
        terminate: function () { finished(session); }
      }
    });
    current = session;
    lastItem = item;
    ended.hidden = true;
    frame.hidden = false;
    markCurrent(item);
    updateControls(item);
    send(session, false);  // registers the launch (and completes an asset)
    frame.src = data.url;
  }

  function finished(session) {
    session.done = true;
    var saving = send(session, true);
    if (session.leaving || state.version !== "2004") {
      if (!session.leaving) { say(messages.ended); }
      return;
    }
    var request = session.runtime.navigationRequest();
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
      if (!session.done) {
        session.done = true;
        session.runtime.end();
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
    if (document.visibilityState === "hidden" && current && !current.done && current.runtime.pending().length) {
      beacon(payload(current, false));
    }
  });
  setInterval(function () {
    if (current && !current.done && current.runtime.pending().length && !unloading) { send(current, false); }
  }, AUTOSAVE_MS);

  showProgress(state.done, state.total);
  if (state.start) { start(state.start); }
})();
