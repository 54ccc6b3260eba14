// Small progressive enhancements; every page works without script.
(function () {
  "use strict";
  // A submit button clicked twice sends the form once (the server is idempotent anyway).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    setTimeout(function () { form.dataset.submitted = ""; }, 4000);
  });
})();
