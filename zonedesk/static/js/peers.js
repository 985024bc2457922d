// 对标表的图：每个指标一组柱（各指标单位不同，故分开画）。
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var box = document.getElementById("compare-chart");
  if (!box || !window.echarts) return;
  data.measures.forEach(function (m) {
    var el = document.createElement("div");
    el.className = "chart-one";
    box.appendChild(el);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      title: { text: m.name, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: m.zones },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: m.values, label: { show: true, position: "top" }, itemStyle: { color: "#2b5797" } }],
      animation: false,
    });
  });
})();
