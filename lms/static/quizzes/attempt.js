// A quiz attempt, enhanced: every answer is posted the moment it is given, kept on the device while the
// network is down and sent again when it is back; the countdown counts the server's seconds, never the
// device's clock. Without this script the page still works: each page's form posts its answers.
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var form = document.querySelector("form[data-attempt]");
  var countdown = document.querySelector("[data-countdown]");
  var connection = document.querySelector("[data-connection]");
  var pendingAnswers = {};
  var flushAnswers = function () { return Promise.resolve(); };

  function text(element, key) {
    return (element && element.getAttribute("data-msg-" + key)) || "";
  }

  function showConnection(message) {
    if (connection) { connection.textContent = message || ""; }
  }

  // ---- the countdown --------------------------------------------------------------------------
  // `endsAt` is on the monotonic clock of this page (performance.now), set from the server's seconds.
  var endsAt = null;
  function setSecondsLeft(seconds) {
    if (typeof seconds === "number" && isFinite(seconds)) {
      endsAt = performance.now() + seconds * 1000;
    }
  }

  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? (m < 10 ? "0" : "") : "") + m;
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  function submitAtTimeout() {
    var timeoutForm = document.querySelector("form[data-timeout-form]");
    showConnection(text(countdown, "timeup"));
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll("input, select, textarea, button"), function (el) {
        if (el.name !== "csrf_token") { el.disabled = true; }
      });
    }
    var waited = new Promise(function (resolve) { setTimeout(resolve, 4000); });
    Promise.race([flushAnswers(), waited]).then(function () {
      if (timeoutForm) { timeoutForm.submit(); }
    });
  }

  function resynchronise() {
    var url = countdown.getAttribute("data-state-url");
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.redirect) { window.location.href = data.redirect; return; }
        setSecondsLeft(data.seconds_left);
      })
      .catch(function () { /* offline: keep counting */ });
  }

  if (countdown) {
    setSecondsLeft(parseInt(countdown.getAttribute("data-seconds-left"), 10) || 0);
    var note = countdown.querySelector("[data-static-note]");
    if (note) { note.hidden = true; }
    var display = countdown.querySelector("[data-countdown-text]");
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "assertive");
    countdown.appendChild(live);
    var announced = {};
    var finished = false;
    var tick = setInterval(function () {
      var left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
      display.textContent = clock(left);
      countdown.classList.toggle("low", left <= 60);
      if (left <= 300 && left > 60 && !announced.five) { announced.five = true; live.textContent = text(countdown, "five"); }
      if (left <= 60 && left > 0 && !announced.one) { announced.one = true; live.textContent = text(countdown, "one"); }
      if (left <= 0 && !finished) {
        finished = true;
        clearInterval(tick);
        submitAtTimeout();
      }
    }, 1000);
    setInterval(resynchronise, 60000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { resynchronise(); }
    });
  }

  if (!form) { return; }

  // ---- saving each answer ---------------------------------------------------------------------
  var answerUrl = form.getAttribute("data-answer-url");
  var page = form.getAttribute("data-page");
  var storeKey = "lms-quiz-attempt-" + form.getAttribute("data-attempt");
  var inFlight = {};
  var lastSeq = 0;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function store() {
    try {
      if (Object.keys(pendingAnswers).length) {
        window.localStorage.setItem(storeKey, JSON.stringify(pendingAnswers));
      } else {
        window.localStorage.removeItem(storeKey);
      }
    } catch (e) { /* private mode: the answer is still posted */ }
  }
  function nextSeq() {
    var seq = Date.now();
    if (seq <= lastSeq) { seq = lastSeq + 1; }
    lastSeq = seq;
    return seq;
  }
  function fieldset(slot) { return form.querySelector('[data-slot="' + slot + '"]'); }
  function saveState(slot, state, message) {
    var box = fieldset(slot);
    var label = box ? box.querySelector("[data-save-state]") : null;
    if (label) { label.className = "save-state " + state; label.textContent = message; }
  }
  function controls(box) { return box.querySelectorAll("input, select, textarea"); }

  function collect(box) {
    var fields = [];
    Array.prototype.forEach.call(controls(box), function (el) {
      if (!el.name || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      fields.push([el.name, el.value]);
    });
    return { slot: box.getAttribute("data-slot"), fields: fields, seq: nextSeq() };
  }

  // An answer given before the browser closed or the network dropped shows as given, not as the server had it.
  function restore(item) {
    var box = fieldset(item.slot);
    if (!box) { return; }
    Array.prototype.forEach.call(controls(box), function (el) {
      if (!el.name) { return; }
      var values = item.fields.filter(function (f) { return f[0] === el.name; }).map(function (f) { return f[1]; });
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {
        el.value = values.length ? values[0] : "";
      }
    });
  }

  function send(slot) {
    var item = pendingAnswers[slot];
    if (!item || inFlight[slot]) { return Promise.resolve(); }
    inFlight[slot] = true;
    var body = new URLSearchParams();
    body.append("slot", slot);
    body.append("seq", String(item.seq));
    body.append("page", page);
    item.fields.forEach(function (f) { body.append(f[0], f[1]); });
    saveState(slot, "saving", text(form, "saving"));
    return fetch(answerUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.redirected || !json) {
        // The session ended (the log-in page answered): keep the answer here until the official logs in again.
        return { status: 401, data: {} };
      }
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (result) {
      inFlight[slot] = false;
      var current = pendingAnswers[slot];
      if (result.status === 401) {
        saveState(slot, "pending", text(form, "pending"));
        showConnection(text(form, "session"));
      } else if (result.status === 200 && result.data.ok) {
        if (current && current.seq === item.seq) { delete pendingAnswers[slot]; store(); }
        saveState(slot, "saved", text(form, "saved"));
        setSecondsLeft(result.data.seconds_left);
        showConnection("");
        if (pendingAnswers[slot]) { return send(slot); }
      } else if (result.status === 409) {
        pendingAnswers = {};
        store();
        showConnection(result.data.error || "");
        if (result.data.redirect) { setTimeout(function () { window.location.href = result.data.redirect; }, 2500); }
      } else if (result.status === 400 || result.status === 404) {
        // The server refuses this answer: retrying it would not help; the official sees why.
        if (current && current.seq === item.seq) { delete pendingAnswers[slot]; store(); }
        saveState(slot, "failed", text(form, "error") + " " + (result.data.error || ""));
      } else {
        saveState(slot, "pending", text(form, "pending"));
      }
    }, function () {
      inFlight[slot] = false;
      saveState(slot, "pending", text(form, "pending"));
      showConnection(text(form, "offline"));
    });
  }

  flushAnswers = function () {
    return Promise.all(Object.keys(pendingAnswers).map(send));
  };

  function queue(box) {
    var item = collect(box);
    pendingAnswers[item.slot] = item;
    store();
    send(item.slot);
  }

  var typing = {};
  form.addEventListener("change", function (event) {
    var box = event.target.closest("[data-slot]");
    if (box) { clearTimeout(typing[box.getAttribute("data-slot")]); queue(box); }
  });
  form.addEventListener("input", function (event) {
    var target = event.target;
    var box = target.closest("[data-slot]");
    var typed = target.tagName === "TEXTAREA" || (target.tagName === "INPUT" && target.type === "text");
    if (!box || !typed) { return; }
    var slot = box.getAttribute("data-slot");
    clearTimeout(typing[slot]);
    typing[slot] = setTimeout(function () { queue(box); }, 800);
  });

  // Moving to another page while offline would lose the page: stay, the answers are kept here.
  form.addEventListener("submit", function (event) {
    if (navigator.onLine === false) {
      event.preventDefault();
      showConnection(text(form, "navigate-offline"));
    }
  });

  window.addEventListener("online", function () {
    flushAnswers().then(function () {
      if (!Object.keys(pendingAnswers).length) { showConnection(text(form, "online")); }
    });
  });
  setInterval(function () { if (Object.keys(pendingAnswers).length) { flushAnswers(); } }, 15000);

  pendingAnswers = load();
  Object.keys(pendingAnswers).forEach(function (slot) { restore(pendingAnswers[slot]); });
  flushAnswers();
})();
