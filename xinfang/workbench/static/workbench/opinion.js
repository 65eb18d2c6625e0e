/* The opinion editor (/matters/<number>/write/<action>/): stock phrases at the cursor, category
   templates, legal bases. No inline script (strict CSP); the page works without it (type freely). */
(function () {
  "use strict";
  var form = document.querySelector("[data-opinion-editor]");
  if (!form) { return; }
  var opinion = form.querySelector("[data-opinion-field=opinion]");
  var basis = form.querySelector("[data-opinion-field=legal_basis]");
  var last = opinion;

  form.addEventListener("focusin", function (event) {
    if (event.target === opinion || event.target === basis) { last = event.target; }
  });

  function insertAt(field, text) {
    var start = typeof field.selectionStart === "number" ? field.selectionStart : field.value.length;
    var end = typeof field.selectionEnd === "number" ? field.selectionEnd : start;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    var pos = start + text.length;
    field.focus();
    field.setSelectionRange(pos, pos);
  }

  function addBasis(title) {
    if (!basis) { return; }
    var parts = basis.value.split(/[、；;\n]/).map(function (p) { return p.trim(); }).filter(Boolean);
    if (parts.indexOf(title) < 0) { parts.push(title); }
    basis.value = parts.join("、");
    basis.focus();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) { return; }
    var phrase = target.closest("[data-insert]");
    if (phrase) { insertAt(last || opinion, phrase.getAttribute("data-insert")); return; }
    var tpl = target.closest("[data-template-body]");
    if (tpl && opinion) {
      if (opinion.value.trim() && !window.confirm("用模板替换当前意见正文？")) { return; }
      opinion.value = tpl.getAttribute("data-template-body");
      var tb = tpl.getAttribute("data-template-basis");
      if (tb) { tb.split(/[、；;\n]/).map(function (p) { return p.trim(); }).filter(Boolean).forEach(addBasis); }
      opinion.focus();
      return;
    }
    var law = target.closest("[data-basis]");
    if (law) { addBasis(law.getAttribute("data-basis")); }
  });
})();
