/* 返回上一页 on the error page (no inline script: the Content-Security-Policy forbids it). */
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-back]")) {
    event.preventDefault();
    window.history.back();
  }
});
