/* Portal progressive enhancement: two-level pickers, one submit per form, dissatisfied → reason. */
(function () {
  "use strict";

  // Two-level pickers: the second list offers only children of the first choice.
  document.querySelectorAll("select[data-child-of]").forEach(function (child) {
    var parent = document.getElementById(child.getAttribute("data-child-of"));
    if (!parent) return;
    var all = Array.prototype.slice.call(child.options).map(function (o) { return o.cloneNode(true); });
    function refresh() {
      var keep = child.value;
      while (child.options.length) child.remove(0);
      all.forEach(function (o) {
        var p = o.getAttribute("data-parent");
        if (!p || p === parent.value) child.add(o.cloneNode(true));
      });
      child.value = Array.prototype.some.call(child.options, function (o) { return o.value === keep; }) ? keep : "";
      child.disabled = child.options.length <= 1;
    }
    parent.addEventListener("change", refresh);
    refresh();
  });

  // Acts that cannot be taken back ask once more (一键催办): cancelling stops the submission.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    });
  });

  // One submit per form (the server-side single-use token is the real guard).
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        window.setTimeout(function () { button.disabled = true; button.classList.add("is-busy"); button.textContent = "正在提交…"; }, 0);
      }
    });
  });

  // Evaluation: the reason becomes required when "不满意" is chosen.
  document.querySelectorAll("form[data-evaluate]").forEach(function (form) {
    var comment = form.querySelector("textarea[name=comment]");
    function sync() {
      var checked = form.querySelector("input[name=rating]:checked");
      var needed = checked && checked.value === "dissatisfied";
      if (comment) comment.setAttribute("aria-required", needed ? "true" : "false");
      if (comment && needed) comment.setAttribute("placeholder", "请写明不满意的理由（必填）");
    }
    form.addEventListener("change", sync);
    sync();
  });

  // File pickers: show the chosen file names in Chinese whatever the browser's own language.
  document.querySelectorAll("[data-file]").forEach(function (box) {
    var input = box.querySelector("input[type=file]");
    var names = box.querySelector(".p-file__names");
    input.addEventListener("change", function () {
      var list = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      names.textContent = list.length ? "已选择 " + list.length + " 个文件：" + list.join("、") : names.getAttribute("data-empty");
    });
  });

  // Move focus to the error summary after a failed submission (screen readers, small screens).
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();
})();
