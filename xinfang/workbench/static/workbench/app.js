/* xinfang staff workbench: small progressive enhancements (pages work without JavaScript). */
(function () {
  "use strict";

  // A form submits once: the button is disabled after the first submit (the server also
  // de-duplicates with an idempotency key or expected_version, so this is only comfort).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    if (event.submitter && event.submitter.hasAttribute("data-no-confirm")) return;  // a preview, not the act
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    if (form.dataset.submitted === "1" && !form.hasAttribute("hx-post")) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
        b.classList.add("is-busy");
      });
    }, 0);
  }, true);

  // "Select all" check boxes in batch tables.
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("js-check-all")) {
      var form = event.target.closest("form") || document;
      form.querySelectorAll("input[name=numbers]").forEach(function (box) { box.checked = event.target.checked; });
    }
  });

  // Routing help: a suggested unit fills the form's 主办单位.
  document.addEventListener("click", function (event) {
    var chip = event.target.closest && event.target.closest("[data-pick-unit]");
    if (!chip) { return; }
    var form = chip.closest("form");
    var select = form && form.querySelector("select[name=unit], select[name$=\"-unit\"]");
    if (select && select.tomselect) {  // a searchable picker (pickers.js)
      select.tomselect.setValue(chip.dataset.pickUnit);
      select.tomselect.focus();
    } else if (select) {
      select.value = chip.dataset.pickUnit;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      select.focus();
    }
  });

  // 打印 buttons (no inline handlers: the Content-Security-Policy forbids them).
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // "?" shows the keyboard shortcuts (not while typing); Esc or the button closes them.
  function shortcutHelp(show) {
    var box = document.getElementById("shortcut-help");
    if (!box) { return; }
    box.hidden = show === undefined ? !box.hidden : !show;
    if (!box.hidden) { var close = box.querySelector("[data-close-shortcuts]"); if (close) { close.focus(); } }
  }
  document.addEventListener("keydown", function (event) {
    var t = event.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (event.key === "?" && !typing && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      shortcutHelp();
    } else if (event.key === "Escape") {
      shortcutHelp(false);
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-close-shortcuts]")) { shortcutHelp(false); }
  });

  // Pages restored from the back/forward cache can be submitted again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitted]").forEach(function (f) {
      delete f.dataset.submitted;
      f.querySelectorAll(".is-busy").forEach(function (b) { b.classList.remove("is-busy"); });
    });
  });
})();
