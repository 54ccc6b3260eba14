// Live preview in the lesson editor, through the server's own HTML policy (what learners will get).
// Optional: without script the "Preview" button renders the same preview on the server.
(function () {
  "use strict";
  var preview = document.getElementById("preview");
  var body = document.getElementById("body_vi");
  if (!preview || !body) { return; }
  var token = document.querySelector('meta[name="csrf-token"]');
  var timer = null;
  function format() {
    var checked = document.querySelector('input[name="format"]:checked');
    return checked ? checked.value : "markdown";
  }
  function refresh() {
    fetch(preview.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token ? token.content : ""},
      body: JSON.stringify({text: body.value, format: format()})
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { preview.innerHTML = data.html; } })
      .catch(function () {});
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 600); }
  body.addEventListener("input", later);
  document.querySelectorAll('input[name="format"]').forEach(function (el) { el.addEventListener("change", refresh); });
})();
