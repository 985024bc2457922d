// 亩均评价等级分布图 (ECharts, vendored). Reads the counts the page embeds with json_script.
(function () {
  var el = document.getElementById("mu-chart");
  var data = document.getElementById("mu-data");
  if (!el || !data || typeof echarts === "undefined") return;
  var chart = JSON.parse(data.textContent);
  var colours = { A: "#1e8449", B: "#2e86c1", C: "#d68910", D: "#c0392b", T: "#95a5a6" };
  echarts.init(el).setOption({
    animation: false,
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    tooltip: {},
    xAxis: { type: "category", data: chart.grades.map(function (g) { return g + "类"; }) },
    yAxis: { type: "value", minInterval: 1, name: "企业数" },
    series: [{
      type: "bar",
      data: chart.grades.map(function (g, i) { return { value: chart.counts[i], itemStyle: { color: colours[g] } }; }),
      label: { show: true, position: "top" }
    }]
  });
})();
