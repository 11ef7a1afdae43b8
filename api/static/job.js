// Follows a job while it runs and shows the whole result when it ends (the page is drawn again
// then, so the list of papers, their versions and the reasons for refusals come from the server).
// Without this script the page says how to check again.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  var statusEl = document.getElementById("job-status");
  var bar = document.getElementById("job-progress");
  var delay = 500;

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("status " + r.status); } return r.json(); })
      .then(function (job) {
        bar.max = job.total || 1;
        bar.value = job.progress;
        bar.textContent = job.progress + " of " + job.total;
        if (job.finished) { window.location.reload(); return; }
        statusEl.textContent = job.working;
        delay = Math.min(delay * 1.5, 3000);
        setTimeout(poll, delay);
      })
      .catch(function () { statusEl.textContent = "Could not check progress; reload the page to try again."; });
  }
  setTimeout(poll, delay);
})();
