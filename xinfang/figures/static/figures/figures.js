// 形势研判 pages: the 打印 button (no inline handlers: the CSP allows scripts from the deployment only).
(function () {
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });
})();
