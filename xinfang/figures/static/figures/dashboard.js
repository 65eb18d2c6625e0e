// 形势研判 dashboard: the 12-month trend and the category × town heat map (echarts, served locally).
(function () {
  var dataEl = document.getElementById("fig-data");
  if (!dataEl || !window.echarts) { return; }
  var data = JSON.parse(dataEl.textContent);
  var drill = JSON.parse(document.getElementById("fig-drill").textContent).url;
  var charts = [];

  var trendEl = document.getElementById("fig-trend");
  if (trendEl) {
    var t = window.echarts.init(trendEl, null, { renderer: "svg" });
    t.setOption({
      animation: false,
      color: ["#1d4e89", "#b45309", "#b91c1c"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 44, right: 44, top: 36, bottom: 28 },
      xAxis: { type: "category", data: data.trend.map(function (m) { return m.key.slice(2); }) },
      yAxis: [{ type: "value", name: "件/人次", minInterval: 1 }, { type: "value", name: "批", minInterval: 1 }],
      series: [
        { name: "信访件", type: "bar", data: data.trend.map(function (m) { return m.petitions; }) },
        { name: "来访人次", type: "line", data: data.trend.map(function (m) { return m.visit_persons; }) },
        { name: "集体访批次", type: "line", yAxisIndex: 1, data: data.trend.map(function (m) { return m.collective; }) }
      ]
    });
    charts.push(t);
  }

  var heatEl = document.getElementById("fig-heat");
  if (heatEl && data.heat.cells.length) {
    // one readable row per category (20 first-level categories need more than the trend's height)
    heatEl.style.height = Math.max(300, data.heat.categories.length * 22 + 90) + "px";
    var h = window.echarts.init(heatEl, null, { renderer: "svg" });
    h.setOption({
      animation: false,
      tooltip: {
        formatter: function (p) {
          return data.heat.towns[p.value[0]].label + " · " + data.heat.categories[p.value[1]].label + "：" + p.value[2] + " 件";
        }
      },
      grid: { left: 110, right: 16, top: 8, bottom: 64 },
      xAxis: { type: "category", data: data.heat.towns.map(function (x) { return x.label; }), axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "category", data: data.heat.categories.map(function (x) { return x.label; }), axisLabel: { interval: 0, width: 100, overflow: "truncate" } },
      visualMap: { show: false, min: 0, max: Math.max(data.heat.max, 1), inRange: { color: ["#eef3fa", "#1d4e89"] } },
      series: [{ type: "heatmap", data: data.heat.cells, label: { show: data.heat.towns.length <= 14, fontSize: 10 } }]
    });
    h.on("click", function (p) {
      var town = data.heat.towns[p.value[0]].key, cat = data.heat.categories[p.value[1]].key;
      window.location.href = drill + "&measure=petitions&category=" + encodeURIComponent(cat) + "&region=" + encodeURIComponent(town);
    });
    charts.push(h);
  } else if (heatEl) {
    heatEl.innerHTML = '<p class="empty">本期没有信访件</p>';
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
