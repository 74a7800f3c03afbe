// Site behaviour that needs no server round trip. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  // Tell the server the visitor's time zone so times are shown in it.
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("handoff_tz=" + tz) === -1) {
      document.cookie = "handoff_tz=" + tz + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: times stay in UTC */ }

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
