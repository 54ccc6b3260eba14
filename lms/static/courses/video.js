// Reports how much of an uploaded lesson video has been watched: the share of the video actually
// played (video.played ranges), so skipping to the end does not count. Optional: without script
// the video still plays, it just does not complete the activity by itself.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  document.querySelectorAll("video[data-watched-url]").forEach(function (video) {
    var status = video.parentNode.querySelector("[data-video-status]");
    var sent = 0;
    var timer = null;
    function watchedPercent() {
      if (!video.duration || !isFinite(video.duration)) { return 0; }
      var total = 0;
      for (var i = 0; i < video.played.length; i++) { total += video.played.end(i) - video.played.start(i); }
      return Math.min(100, 100 * total / video.duration);
    }
    function report() {
      var percent = Math.floor(watchedPercent());
      if (percent <= sent) { return; }
      sent = percent;
      fetch(video.dataset.watchedUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token ? token.content : ""},
        body: JSON.stringify({percent: percent})
      }).then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && status) { status.textContent = data.completed ? status.dataset.done || "✓" : percent + " %"; }
        }).catch(function () { sent = 0; });
    }
    video.addEventListener("play", function () { if (!timer) { timer = setInterval(report, 15000); } });
    video.addEventListener("pause", function () { clearInterval(timer); timer = null; report(); });
    video.addEventListener("ended", function () { clearInterval(timer); timer = null; report(); });
  });
})();
