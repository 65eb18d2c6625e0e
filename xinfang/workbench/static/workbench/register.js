/* Registration form: petitioner rows, prefill from look-up, live duplicate check, keyboard. */
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  if (!form) return;
  var rows = document.getElementById("person-rows");
  var total = form.querySelector("input[name='p-TOTAL_FORMS']");
  var template = document.getElementById("person-template");

  function addPerson() {
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("tbody");  // the row is a <tr>: parsed inside a table body
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    if (window.htmx) window.htmx.process(row);
    var first = row.querySelector("input[type=text]");
    if (first) first.focus();
  }

  function visibleRows() {
    return Array.prototype.filter.call(rows.querySelectorAll(".person-row"), function (r) { return !r.hidden; });
  }

  // Blank rows are ignored by the server, so a removed row is cleared and hidden; the cursor goes to
  // the row above (or below when it was the first).
  function removePerson(row) {
    if (!row) return;
    var list = visibleRows();
    var at = list.indexOf(row);
    row.querySelectorAll("input").forEach(function (i) {
      if (i.type === "checkbox") i.checked = false; else i.value = "";
    });
    row.hidden = true;
    var next = list[at - 1] || list[at + 1];
    var field = next && next.querySelector("input[type=text]");
    if (field) field.focus();
    scheduleDuplicates();
  }

  // Keyboard in the petitioner table: Alt+A adds a row (anywhere on the form), Alt+Delete removes
  // the row the cursor is in.
  form.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.code === "KeyA" || event.key === "a" || event.key === "A") {
      event.preventDefault();
      addPerson();
    } else if (event.key === "Delete" && event.target.closest(".person-row")) {
      event.preventDefault();
      removePerson(event.target.closest(".person-row"));
    }
  });

  form.addEventListener("click", function (event) {
    var target = event.target;
    if (target.closest(".js-add-person")) {
      event.preventDefault();
      addPerson();
    } else if (target.closest(".js-remove-person")) {
      event.preventDefault();
      removePerson(target.closest(".person-row"));
    } else if (target.closest(".js-prefill")) {
      event.preventDefault();
      var button = target.closest(".js-prefill");
      var personRow = button.closest(".person-row");
      [["name", "name"], ["id_number", "idNumber"], ["phone", "phone"], ["address", "address"]].forEach(function (pair) {
        var input = personRow.querySelector("input[name$='-" + pair[0] + "']");
        if (input && button.dataset[pair[1]]) input.value = button.dataset[pair[1]];
      });
      button.closest(".lookup-person").innerHTML = "<span class='field__ok'>已填入</span>";
      scheduleDuplicates();
    }
  });

  // Live duplicate candidates (same person, or similar title in the same place and category).
  var timer = null;
  var shown = null;  // the live panel as last shown
  function scheduleDuplicates() {
    window.clearTimeout(timer);
    timer = window.setTimeout(checkDuplicates, 300);
  }
  function checkDuplicates() {
    var data = new FormData(form);
    var body = new URLSearchParams();
    data.forEach(function (value, key) {
      if (typeof value === "string" && key !== "attachments") body.append(key, value);
    });
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch("/register/duplicates/", {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token, "HX-Request": "true"}
    }).then(function (r) { return r.ok ? r.text() : ""; }).then(function (html) {
      var panel = document.getElementById("duplicates");
      // The same candidates again: the panel stays as it is, so that a click on one of its buttons
      // in that instant is not lost to a button being replaced.
      if (panel && !panel.querySelector("[data-decision]") && html !== shown) {
        panel.innerHTML = html;
        shown = html;
      }
    }).catch(function () {});
  }
  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (/(id_number|phone|address|-name)$/.test(name) || ["title", "region", "category"].indexOf(name) >= 0) {
      scheduleDuplicates();
    }
  });

  // Ctrl+Enter in a text area saves (Enter alone is a new line there).
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
      event.preventDefault();
      form.requestSubmit(form.querySelector("[data-testid=save]"));
    }
  });

  // Show the chosen attachments' names (the native control's text follows the browser language).
  form.addEventListener("change", function (event) {
    if (!event.target.classList.contains("file-pick__input")) return;
    var names = Array.prototype.map.call(event.target.files, function (f) { return f.name; });
    event.target.parentNode.querySelector(".file-pick__names").textContent = names.length ? names.join("、") : "未选择文件";
  });

  // After a failed submit, put the cursor on the first field to fix.
  var firstError = form.querySelector(".field--error input, .field--error select, .field--error textarea");
  if (firstError) firstError.focus();
})();
