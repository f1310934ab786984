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
  function updateSchedule(form) {
    var chosen = form.querySelector("input[data-kind-choice]:checked");
    var kind = chosen ? chosen.value : "interval";
    form.querySelectorAll(".kind-panel").forEach(function (panel) {
      var show = panel.dataset.kind.split(" ").indexOf(kind) >= 0;
      panel.hidden = !show;
      panel.querySelectorAll("input, select").forEach(function (el) { el.disabled = !show; });
    });
    var by = form.querySelector('input[name="deadline"][value="by"]');
    var at = form.querySelector(".deadline-at");
    if (by && at) {
      at.hidden = !by.checked || kind !== "daily";
      at.querySelectorAll("input").forEach(function (el) { el.disabled = at.hidden; });
    }
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
  function updateShowWhen(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.dataset.showWhen.split("=");
      var control = form.elements[rule[0]];
      var show = !!control && rule[1].split(" ").indexOf(control.value) >= 0;
      el.hidden = !show;
      el.querySelectorAll("input, select, textarea").forEach(function (c) { c.disabled = !show; });
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
