// Polls a job and updates the page until it finishes (or, for an import, reloads the page to show
// its report); without this script the page
// refreshes itself (see the noscript tag), so the page still works.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.finished === "true") { return; }
  var statusEl = document.getElementById("job-status");
  var bar = document.getElementById("job-progress");
  var errorsEl = document.getElementById("job-errors");
  var done = document.getElementById("job-done");
  var delay = 500;

  function show(job) {
    bar.max = job.total || 1;
    bar.value = job.progress;
    bar.textContent = job.progress + " of " + job.total;
    if (job.finished && box.dataset.reload === "true") {
      window.location.reload();  // the page itself shows the outcome (an import's report)
      return true;
    }
    if (!job.finished) {
      statusEl.textContent = "Working: " + job.progress + " of " + job.total + " done.";
      return false;
    }
    statusEl.textContent = job.status === "succeeded" ? "Done." : "Finished with problems.";
    errorsEl.textContent = "";
    job.errors.forEach(function (e) {
      var div = document.createElement("div");
      div.className = "error-summary";
      var p = document.createElement("p");
      p.textContent = e.message;
      div.appendChild(p);
      if (e.problems.length) {
        var ul = document.createElement("ul");
        e.problems.forEach(function (pr) {
          var li = document.createElement("li");
          li.textContent = (pr.path ? pr.path + ": " : "") + pr.message;
          ul.appendChild(li);
        });
        div.appendChild(ul);
      }
      errorsEl.appendChild(div);
    });
    done.hidden = false;
    box.dataset.finished = "true";
    return true;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("status " + r.status); } return r.json(); })
      .then(function (job) { if (!show(job)) { delay = Math.min(delay * 1.5, 3000); setTimeout(poll, delay); } })
      .catch(function () { statusEl.textContent = "Could not check progress; reload the page to try again."; });
  }
  setTimeout(poll, delay);
})();
