// Forms, in the GOV.UK pattern: when a page comes back with problems its error summary takes the
// focus (so a screen reader reads it first), and each link in the summary moves the focus to its
// field. The pages work without this script; it only helps.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    var field = target.matches("input, select, textarea") ? target
      : target.querySelector("input, select, textarea");
    event.preventDefault();
    var group = target.closest(".form-group") || target;
    group.scrollIntoView();
    (field || target).focus({ preventScroll: true });
  });
  // "Select all" for a table of cases: a checkbox in the header ticks every row's box
  var all = document.querySelector("[data-select-all]");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      var boxes = document.querySelectorAll("input[name='" + all.dataset.selectAll + "']");
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = all.checked; }
    });
  }
})();
