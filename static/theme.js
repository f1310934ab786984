// Heartbeats: the colour theme chosen with the header's theme button, put on
// <html> as data-theme="light|dark" before anything is drawn. This file is
// loaded in <head> without defer (app.js, deferred, would run only after the
// first paint: a stored "light" on a dark system would flash dark first).
// No choice stored ("auto"): no attribute, and app.css follows
// prefers-color-scheme. app.js's theme section writes the choice; the key is
// shared with it.
(function () {
  "use strict";
  try {
    var theme = window.localStorage.getItem("hb-theme");
    if (theme === "light" || theme === "dark") {
      document.documentElement.setAttribute("data-theme", theme);
    }
  } catch (e) {
    // Storage refused (privacy settings): the system preference applies.
  }
})();
