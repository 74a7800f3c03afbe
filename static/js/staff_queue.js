// The staff queue's bulk bar: "tick every ticket on this page", and how many are ticked.
// Delegated from the document, so it keeps working after htmx swaps the results.
(function () {
  "use strict";

  function update(form) {
    var boxes = form.querySelectorAll('input[name="ticket"]');
    var ticked = form.querySelectorAll('input[name="ticket"]:checked').length;
    var all = form.querySelector("[data-bulk-all]");
    if (all) {
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    var count = form.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = ticked
        ? count.getAttribute("data-ticked").replace("%s", ticked)
        : count.getAttribute("data-none");
    }
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("#bulk-form");
    if (!form) return;
    if (event.target.matches("[data-bulk-all]")) {
      form.querySelectorAll('input[name="ticket"]').forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
    update(form);
  });
})();
