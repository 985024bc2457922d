// Trend charts of an indicator: three years of monthly figures (ECharts, vendored).
(function () {
  function draw() {
    var node = document.getElementById("trend-data");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    var months = [];
    for (var m = 1; m <= 12; m++) months.push(m === 1 ? "1月" : "1-" + m + "月");
    document.querySelectorAll(".chart[data-kind]").forEach(function (el) {
      var kind = el.dataset.kind;
      var series = data.years.map(function (y) {
        return { name: y + "年", type: kind === "growth" ? "line" : "bar", connectNulls: true,
                 data: data.series[String(y)][kind] };
      });
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis" }, legend: { top: 4 },
        grid: { left: 60, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "category", data: months }, yAxis: { type: "value", scale: kind === "growth" },
        series: series, animation: false
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
