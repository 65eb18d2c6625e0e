/* Searchable pickers (issue 15 §11): every <select data-picker> (category, region, unit) becomes a
   Tom Select combobox that filters by name or code. Progressive enhancement: the <select> stays in
   the form and posts the same value; without JavaScript it is a plain list.
   Keyboard: Tab to it, type to filter, ↑/↓ to move, Enter to choose, Esc to close. */
(function () {
  "use strict";
  if (!window.TomSelect) return;

  function optionHtml(data, escape) {
    var code = data.value ? "<span class=\"picker__code\">" + escape(data.value) + "</span>" : "";
    return "<div class=\"picker__option\"><span class=\"picker__name\">" + escape(String(data.text).trim()) +
      "</span>" + code + "</div>";
  }

  function enhance(select) {
    if (select.tomselect || select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    var multiple = select.multiple;
    var settings = {
      create: false,
      allowEmptyOption: !multiple,
      maxOptions: null,
      refreshThrottle: 0,  // a local list: filter on every key, so a fast Enter never picks a stale match
      searchField: ["text", "value"],  // by name or by code (units T01, categories 010101, regions 139999…)
      sortField: [{field: "$order"}, {field: "$score"}],
      selectOnTab: false,
      hidePlaceholder: false,
      placeholder: select.dataset.pickerPlaceholder || "输入名称或代码筛选",
      render: {
        option: optionHtml,
        item: function (data, escape) { return "<div>" + escape(String(data.text).trim()) + "</div>"; },
        no_results: function () { return "<div class=\"no-results\">没有匹配的项</div>"; },
        optgroup_header: function (data, escape) {
          return "<div class=\"optgroup-header\">" + escape(data.label) + "</div>";
        }
      },
      onInitialize: function () {
        // the label of the <select> names the combobox's text input for screen readers and tests
        // (or, without one, the <select>'s own aria-label or the label that wraps it)
        var label = select.id && document.querySelector("label[for='" + select.id + "']");
        if (!this.control_input) return;
        if (label) {
          this.control_input.setAttribute("aria-label", label.textContent.trim());
          label.setAttribute("for", this.control_input.id || (this.control_input.id = select.id + "-ts"));
        } else {
          var wrapping = select.closest("label");
          var name = select.getAttribute("aria-label") || (wrapping && wrapping.firstChild && wrapping.firstChild.textContent.trim());
          if (name) this.control_input.setAttribute("aria-label", name);
        }
      }
    };
    if (multiple) {
      settings.plugins = ["remove_button"];
      settings.clearAfterSelect = true;  // type the next name straight after Enter (住房 ⏎ 河西 ⏎)
    }
    else settings.maxItems = 1;
    /* eslint-disable-next-line no-new */
    new window.TomSelect(select, settings);
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  else enhanceAll();
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
