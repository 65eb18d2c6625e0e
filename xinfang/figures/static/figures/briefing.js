// 信访工作简报: the charts of the briefing (the data the issued document draws with matplotlib).
(function () {
  var dataEl = document.getElementById("brief-data");
  if (!dataEl || !window.echarts) { return; }
  var charts = [];
  var data = JSON.parse(dataEl.textContent);
  Object.keys(data).forEach(function (id) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = data[id];
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      color: ["#1d4e89", "#b45309", "#b91c1c"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 44, right: 20, top: 32, bottom: 40 },
      xAxis: { type: "category", data: c.labels, axisLabel: { interval: 0, rotate: c.labels.length > 8 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: c.series.map(function (s) { return { name: s.name, type: c.kind === "line" ? "line" : "bar", data: s.data }; })
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
