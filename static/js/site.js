// Site behaviour that needs no server round trip. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  // Tell the server the visitor's time zone so times are shown in it: a cookie on every
  // page, and at sign-up the form's hidden field (accounts.forms.SignupForm). A deferred
  // script runs once the page is parsed, so the field is there.
  var tz = "";
  try {
    tz = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) { /* old browser: times stay in UTC */ }
  if (tz && document.cookie.indexOf("handoff_tz=" + tz) === -1) {
    document.cookie = "handoff_tz=" + tz + "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }
  if (tz) {
    document.querySelectorAll("input[data-browser-timezone]").forEach(function (input) {
      if (!input.value) input.value = tz;
    });
  }

  // Close an open <details> menu when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
    });
  });
})();

// Show <time data-relative> as "5 minutes ago" in the page's language; the server renders
// the absolute time (in the viewer's zone), which stays as the tooltip.
(function () {
  "use strict";
  if (!window.Intl || !Intl.RelativeTimeFormat) return;
  var format = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", { numeric: "auto" });
  var steps = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];

  function relative(seconds) {
    for (var i = 0; i < steps.length; i++) {
      if (Math.abs(seconds) >= steps[i][1]) return format.format(Math.round(seconds / steps[i][1]), steps[i][0]);
    }
    return format.format(0, "minute");
  }

  function update(root) {
    (root || document).querySelectorAll("time[data-relative]").forEach(function (el) {
      var at = Date.parse(el.getAttribute("datetime"));
      if (isNaN(at)) return;
      if (!el.title) el.title = el.textContent.trim();
      el.textContent = relative((at - Date.now()) / 1000);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { update(); });
  document.addEventListener("htmx:afterSettle", function (event) { update(event.target); });
  setInterval(update, 60000);
})();
