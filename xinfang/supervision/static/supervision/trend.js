// The 12-month trend of the four rates on the supervision dashboard (echarts, served locally).
(function () {
  var el = document.getElementById("trend");
  var data = document.getElementById("trend-data");
  if (!el || !data || !window.echarts) { return; }
  var trend = JSON.parse(data.textContent);
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    color: ["#1d4e89", "#b91c1c", "#b45309", "#15803d"],
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "无样本" : v + "%"; } },
    legend: { top: 0 },
    grid: { left: 48, right: 24, top: 36, bottom: 28 },
    xAxis: { type: "category", data: trend.months },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: trend.series.map(function (s) {
      return { name: s.name, type: "line", data: s.data, connectNulls: false, symbolSize: 6 };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
