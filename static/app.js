// Heartbeats dashboard behaviour. Loaded from our own origin (the
// Content-Security-Policy allows no inline script); every page works without
// it, this only makes them nicer: live relative times, copy buttons, the
// confirmation dialog, the schedule form and the snippet tabs.
(function () {
  "use strict";

  // --- CSRF: htmx requests carry the token in a header ----------------------
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && event.detail.verb !== "get") {
      event.detail.headers["X-CSRFToken"] = meta.content;
    }
  });

  // --- colour theme: auto (the system's), light or dark -----------------------
  // The header's button (base.html) cycles auto -> light -> dark -> auto and
  // stores the choice in localStorage. This file is deferred, so the stored
  // choice is not applied here but by static/theme.js, which runs in <head>
  // without defer and sets data-theme on <html> before the first paint; this
  // section only wires up the button. "auto" is no data-theme at all: app.css
  // then follows prefers-color-scheme, as it does without any script.
  var THEME_KEY = "hb-theme";  // the same key as static/theme.js
  var THEMES = ["auto", "light", "dark"];

  function currentTheme() {
    var theme = document.documentElement.getAttribute("data-theme");
    return THEMES.indexOf(theme) > 0 ? theme : "auto";
  }

  function applyTheme(theme) {
    if (theme === "auto") document.documentElement.removeAttribute("data-theme");
    else document.documentElement.setAttribute("data-theme", theme);
    var button = document.getElementById("theme-toggle");
    if (button) {
      var label = "Theme: " + theme;
      if (button.textContent !== label) button.textContent = label;
      button.hidden = false;  // hidden in the page: without script it could do nothing
    }
  }

  function chooseTheme(theme) {
    try {
      if (theme === "auto") window.localStorage.removeItem(THEME_KEY);
      else window.localStorage.setItem(THEME_KEY, theme);
    } catch (e) {
      // Storage refused: this page switches all the same, the next one forgets.
    }
    applyTheme(theme);
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest("#theme-toggle")) return;
    var next = THEMES[(THEMES.indexOf(currentTheme()) + 1) % THEMES.length];
    chooseTheme(next);
  });
  // A choice made in another tab applies here too.
  window.addEventListener("storage", function (event) {
    if (event.key !== THEME_KEY && event.key !== null) return;
    var stored = event.newValue;
    applyTheme(event.key && THEMES.indexOf(stored) > 0 ? stored : "auto");
  });
  // A swap that brings a new header (a boosted link) gets its button shown too.
  document.addEventListener("htmx:afterSettle", function () { applyTheme(currentTheme()); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { applyTheme(currentTheme()); });
  } else {
    applyTheme(currentTheme());
  }

  // --- relative times: the same words as webapp/timefmt.py's relative() -----
  var UNITS = [["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];

  function relative(date, now) {
    var seconds = (date - now) / 1000;
    var size = Math.abs(seconds);
    if (size < 5) return seconds <= 0 ? "just now" : "in a moment";
    for (var i = 0; i < UNITS.length; i++) {
      if (size >= UNITS[i][1]) {
        var n = Math.floor(size / UNITS[i][1]);
        var words = n + " " + UNITS[i][0] + (n === 1 ? "" : "s");
        return seconds < 0 ? words + " ago" : "in " + words;
      }
    }
    return "just now";
  }

  function refreshTimes(root) {
    var now = Date.now();
    (root || document).querySelectorAll("time[data-relative]").forEach(function (el) {
      var when = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(when)) el.textContent = relative(when, now);
    });
  }
  setInterval(refreshTimes, 5000);

  // --- copy to the clipboard, with a fallback -------------------------------
  function legacyCopy(text) {
    // Without the Clipboard API (plain http on another host, old browsers):
    // a selected, off-screen textarea and the old copy command.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function announce(button, message) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = message;
    button.classList.add("copied");
    var status = document.getElementById("copy-status");
    if (status) status.textContent = message;
    setTimeout(function () {
      button.textContent = label;
      button.classList.remove("copied");
    }, 2000);
  }

  function copy(button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var text = source.textContent;
    var done = function () { announce(button, "Copied"); };
    var fallback = function () {
      if (legacyCopy(text)) { done(); return; }
      selectText(source);  // last resort: selected, ready for Ctrl+C
      announce(button, "Press Ctrl+C");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (button) copy(button);
  });

  // --- confirmation in a <dialog> -------------------------------------------
  function confirmDialog(title, message, okLabel) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(message));
    }
    document.getElementById("confirm-title").textContent = title || "Are you sure?";
    document.getElementById("confirm-message").textContent = message;
    document.getElementById("confirm-ok").textContent = okLabel || "Confirm";
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function () {
        resolve(dialog.returnValue === "ok");
      }, { once: true });
    });
  }

  // Plain forms (rotate, delete): without this the server asks on a page of its own.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-confirm]") || form.dataset.confirmed) return;
    event.preventDefault();
    confirmDialog(form.dataset.confirmTitle, form.dataset.confirm, form.dataset.confirmOk)
      .then(function (ok) {
        if (!ok) return;
        var field = form.querySelector('input[name="confirmed"]');
        if (field) field.value = "yes";
        form.dataset.confirmed = "1";
        form.requestSubmit();
      });
  });

  // A form's submit button may ask on its own (the list's bulk Delete): the
  // question is the button's, and the confirmed form is sent by that button.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var form = event.target;
    if (!button || !button.dataset.confirm || form.dataset.confirmed) return;
    event.preventDefault();
    confirmDialog(button.dataset.confirmTitle, button.dataset.confirm, button.dataset.confirmOk)
      .then(function (ok) {
        if (!ok) return;
        var field = form.querySelector('input[name="confirmed"]');
        if (field) field.value = "yes";
        form.dataset.confirmed = "1";
        form.requestSubmit(button);
      });
  });

  // htmx's hx-confirm, shown in the same dialog instead of window.confirm.
  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;
    event.preventDefault();
    confirmDialog("Are you sure?", event.detail.question, "Confirm").then(function (ok) {
      if (ok) event.detail.issueRequest(true);
    });
  });

  // --- the check form: show the fields of the chosen kind of schedule --------
  // The other kinds' fields are only hidden, never disabled: a disabled field
  // is not sent, so a form the server refused came back with their defaults
  // ("1 days", UTC) and saving it after switching back changed the check.
  // The server ignores the fields the chosen kind does not use (CheckForm.USES).
  function updateSchedule(form) {
    var chosen = form.querySelector("input[data-kind-choice]:checked");
    var kind = chosen ? chosen.value : "interval";
    form.querySelectorAll(".kind-panel").forEach(function (panel) {
      panel.hidden = panel.dataset.kind.split(" ").indexOf(kind) < 0;
    });
    var by = form.querySelector('input[name="deadline"][value="by"]');
    var at = form.querySelector(".deadline-at");
    if (by && at) at.hidden = !by.checked || kind !== "daily";
  }

  function initScheduleForms(root) {
    root.querySelectorAll("form.check-form").forEach(function (form) {
      form.addEventListener("change", function () { updateSchedule(form); });
      updateSchedule(form);
    });
  }

  // --- fields that matter for one choice only -------------------------------
  // data-show-when="kind=webhook": shown while the form's `kind` control has
  // that value (a select, or the checked radio); hidden fields are disabled
  // too, so they are not sent. Without this script every field shows.
  // A form marked data-send-hidden (the check form) keeps them enabled, for
  // the reason updateSchedule does: its server ignores them but draws them
  // again as typed when it refuses the form.
  function updateShowWhen(form) {
    var send = form.hasAttribute("data-send-hidden");
    form.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.dataset.showWhen.split("=");
      var control = form.elements[rule[0]];
      var show = !!control && rule[1].split(" ").indexOf(control.value) >= 0;
      el.hidden = !show;
      el.querySelectorAll("input, select, textarea").forEach(function (c) { c.disabled = !show && !send; });
    });
  }

  function initShowWhen(root) {
    var forms = root.matches && root.matches("form") ? [root] : root.querySelectorAll("form");
    Array.prototype.forEach.call(forms, function (form) {
      if (form.querySelector("[data-show-when]")) updateShowWhen(form);
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.querySelector("[data-show-when]")) updateShowWhen(form);
  });

  // New checks (and sign-ups) start in the browser's own timezone.
  function preselectTimezone(root) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) return;
    root.querySelectorAll("select[data-browser-tz]").forEach(function (select) {
      if (select.dataset.touched || select.closest(".has-error")) return;
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
      if (option) select.value = zone;
    });
  }

  // --- tabs (snippets) --------------------------------------------------------
  function initTabs(root) {
    root.querySelectorAll("[data-tabs]").forEach(function (box) {
      var list = box.querySelector("[role=tablist]");
      var tabs = Array.prototype.slice.call(box.querySelectorAll("[role=tab]"));
      if (!list || !tabs.length) return;
      list.hidden = false;
      box.classList.add("tabs-ready");
      function select(tab, focus) {
        tabs.forEach(function (t) {
          var on = t === tab;
          t.setAttribute("aria-selected", on ? "true" : "false");
          t.tabIndex = on ? 0 : -1;
          document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
        });
        if (focus) tab.focus();
      }
      tabs.forEach(function (tab, i) {
        tab.addEventListener("click", function () { select(tab, false); });
        tab.addEventListener("keydown", function (event) {
          var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
          if (next === undefined) return;
          event.preventDefault();
          select(tabs[(next + tabs.length) % tabs.length], true);
        });
      });
      select(tabs[0], false);
    });
  }

  // --- the list: favicon follows the number of checks down --------------------
  function updateFavicon() {
    var list = document.getElementById("checks");
    var icon = document.getElementById("favicon");
    if (!list || !icon) return;
    var down = parseInt(list.dataset.down || "0", 10);
    var href = list.dataset.favicon + (down ? "?down=" + down : "");
    if (icon.getAttribute("href") !== href) icon.setAttribute("href", href);
  }

  // "/" jumps to the search box, as on many sites.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    var search = document.getElementById("search");
    if (search) { event.preventDefault(); search.focus(); search.select(); }
  });

  // A refresh that fails (server restarting, network gone) is retried by the
  // next poll; say so instead of staying silently stale.
  function setOffline(offline) {
    document.body.classList.toggle("offline", offline);
  }
  document.addEventListener("htmx:sendError", function () { setOffline(true); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) setOffline(false);
  });

  // --- htmx: a refused request is shown, never dropped ------------------------
  // htmx swaps nothing for a 4xx or 5xx answer by default, so a form the
  // server refused (an API key with no label) looked as if nothing happened.
  // A 4xx fragment is the server's error partial (the form again, its fields
  // marked): it is swapped in like a success. Anything else (a whole error
  // page, plain text, a 5xx, no answer at all) becomes one sentence in a
  // role="alert" box just after the form or element that asked.
  function isWholePage(text) {
    return /^\s*(<!doctype|<html)/i.test(text || "");
  }

  function refusalMessage(xhr) {
    var text = xhr.responseText || "";
    var type = xhr.getResponseHeader("Content-Type") || "";
    var said = "";
    if (isWholePage(text)) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var found = doc.querySelector("[data-error-message]");
      said = found ? found.textContent : "";
    } else if (type.indexOf("text/plain") === 0) {
      said = text;
    } else if (type.indexOf("application/json") === 0) {
      try { said = JSON.parse(text).error || ""; } catch (e) { said = ""; }
    }
    said = said.replace(/\s+/g, " ").trim().slice(0, 300);
    if (!said) {
      said = xhr.status >= 500
        ? "Something went wrong on the server; try again in a moment."
        : "The server refused this request.";
    }
    return said + " (HTTP " + xhr.status + ")";
  }

  function alertBoxFor(elt) {
    var anchor = (elt.closest && elt.closest("form")) || elt;
    var box = anchor.nextElementSibling;
    if (!box || !box.classList.contains("htmx-refusal")) {
      box = document.createElement("p");
      box.className = "flash flash-error htmx-refusal";
      box.setAttribute("role", "alert");
      anchor.insertAdjacentElement("afterend", box);
    }
    return box;
  }

  function clearAlertBox(elt) {
    var anchor = (elt.closest && elt.closest("form")) || elt;
    var box = anchor.nextElementSibling;
    if (box && box.classList.contains("htmx-refusal")) box.remove();
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && xhr.responseText && !isWholePage(xhr.responseText)
        && (xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") === 0) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    alertBoxFor(event.detail.elt).textContent = refusalMessage(event.detail.xhr);
  });
  document.addEventListener("htmx:sendError", function (event) {
    // The polling refreshes say "Connection lost" already (setOffline); what
    // a person sent (a POST) is told here that it did not arrive.
    if ((event.detail.requestConfig || {}).verb === "get") return;
    alertBoxFor(event.detail.elt).textContent =
      "The server could not be reached: nothing was changed. Check the connection and try again.";
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && event.detail.elt.isConnected) clearAlertBox(event.detail.elt);
  });

  // --- the browser's timezone in hidden fields (log in, sign up) --------------
  // <input type="hidden" data-browser-tz>: the server adopts it for an account
  // still on the default zone (webapp/dashboard/pages/auth.py).
  function fillBrowserTimezone(root) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone) return;
    root.querySelectorAll('input[type="hidden"][data-browser-tz]').forEach(function (input) {
      input.value = zone;
    });
  }

  // --- the list's ticked checks ------------------------------------------------
  // The refresh morphs the list in; a tick box is left as the reader set it
  // (the server does not know what is ticked).
  if (window.Idiomorph) {
    Idiomorph.defaults.callbacks.beforeNodeMorphed = function (oldNode) {
      return !(oldNode instanceof HTMLInputElement && oldNode.classList.contains("pick"));
    };
  }

  function updateBulk() {
    var bar = document.getElementById("bulk");
    if (!bar) return;
    var picks = document.querySelectorAll("input.pick");
    var n = Array.prototype.filter.call(picks, function (p) { return p.checked; }).length;
    bar.hidden = n === 0;
    document.getElementById("bulk-count").textContent =
      n + " check" + (n === 1 ? "" : "s") + " ticked:";
    var all = document.querySelector("input.pick-all");
    if (all) {
      all.checked = n > 0 && n === picks.length;
      all.indeterminate = n > 0 && n < picks.length;
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("input.pick-all")) {
      document.querySelectorAll("input.pick").forEach(function (p) { p.checked = event.target.checked; });
    }
    if (event.target.matches("input.pick, input.pick-all")) updateBulk();
  });
  // The list the form goes back to is the one shown now (the search rewrites the address).
  document.addEventListener("submit", function (event) {
    if (event.target.id !== "bulk") return;
    var next = event.target.querySelector('input[name="next"]');
    if (next) next.value = location.pathname + location.search;
  });

  function init(root) {
    fillBrowserTimezone(root);
    refreshTimes(root);
    initScheduleForms(root);
    initShowWhen(root);
    initTabs(root);
    updateFavicon();
    updateBulk();
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-browser-tz]")) event.target.dataset.touched = "1";
  });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.detail.elt); });

  function start() {
    preselectTimezone(document);
    init(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
