/* 驾驶舱: draws the cockpit's charts with the vendored ECharts; each figure clicks through to the
   list behind it. Data come from the page (json_script "cockpit-data"); no requests are made. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("cockpit-data").textContent);
  var COLOURS = { red: "#c0392b", amber: "#d68910", green: "#1e8449" };
  var LEVEL_COLOURS = ["#153a6b", "#3b6fb6", "#8fb3e0"];
  var font = { fontFamily: "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif" };
  var charts = (window.zdCharts = {});

  function make(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "svg" });
    charts[id.replace("chart-", "")] = chart;
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  function go(url) { if (url) window.location.href = url; }
  function withParams(base, params) {
    if (!base) return null;
    var parts = [];
    Object.keys(params).forEach(function (k) {
      if (params[k] !== null && params[k] !== undefined && params[k] !== "") {
        parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(params[k]));
      }
    });
    return base + (parts.length ? (base.indexOf("?") < 0 ? "?" : "&") + parts.join("&") : "");
  }

  // 年度投资完成率 vs 序时进度, by month.
  var invest = make("chart-invest");
  if (invest) {
    invest.setOption({
      textStyle: font,
      tooltip: { trigger: "axis" },
      legend: { data: ["本年累计完成（万元）", "完成率（%）", "序时进度（%）"] },
      grid: { left: 70, right: 60, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.invest.months },
      yAxis: [
        { type: "value", name: "万元" },
        { type: "value", name: "%", max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } }
      ],
      series: [
        { name: "本年累计完成（万元）", type: "bar", data: data.invest.done, itemStyle: { color: "#8fb3e0" } },
        { name: "完成率（%）", type: "line", yAxisIndex: 1, data: data.invest.rate, itemStyle: { color: "#1d4f91" }, symbolSize: 8 },
        { name: "序时进度（%）", type: "line", yAxisIndex: 1, data: data.invest.schedule, lineStyle: { type: "dashed" }, itemStyle: { color: "#d68910" } }
      ]
    });
    invest.on("click", function (p) {
      var period = data.invest.periods[p.dataIndex];
      go(period ? withParams(data.links.weekly, { period: period }) : data.links.weekly);
    });
  }

  // Projects by stage (bars) and level (stacked series).
  var stages = make("chart-stages");
  if (stages) {
    stages.setOption({
      textStyle: font,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: data.stages.levels.map(function (l) { return l.label; }) },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.stages.stages.map(function (s) { return s.label; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: data.stages.levels.map(function (l, i) {
        return { name: l.label, type: "bar", stack: "n", data: l.data, itemStyle: { color: LEVEL_COLOURS[i % 3] } };
      })
    });
    stages.on("click", function (p) {
      go(withParams(data.links.projects, {
        stage: data.stages.stages[p.dataIndex].key,
        level: data.stages.levels[p.seriesIndex].key
      }));
    });
  }

  // Red / amber / green.
  var colours = make("chart-colours");
  if (colours) {
    var order = [["red", "红色"], ["amber", "黄色"], ["green", "绿色"]];
    colours.setOption({
      textStyle: font,
      tooltip: { trigger: "item", formatter: "{b}：{c}个（{d}%）" },
      series: [{
        type: "pie", radius: ["40%", "70%"],
        label: { formatter: "{b}\n{c}个", fontSize: 14 },
        data: order.map(function (o) {
          return { name: o[1], value: data.colours[o[0]], key: o[0], itemStyle: { color: COLOURS[o[0]] } };
        })
      }]
    });
    colours.on("click", function (p) { go(withParams(data.links.warnings, { colour: p.data.key })); });
  }

  // Open blockers by category and age.
  var blockers = make("chart-blockers");
  if (blockers && data.blockers) {
    var ageColours = ["#8fb3e0", "#d68910", "#c0392b"];
    blockers.setOption({
      textStyle: font,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: data.blockers.buckets },
      grid: { left: 40, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.blockers.categories.map(function (c) { return c.label; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: data.blockers.series.map(function (s, i) {
        return { name: s.bucket, type: "bar", stack: "age", data: s.data, itemStyle: { color: ageColours[i % 3] } };
      })
    });
    blockers.on("click", function (p) {
      go(withParams(data.links.blockers, { category: data.blockers.categories[p.dataIndex].key, status: "active" }));
    });
  }

  // This period's reports by department: reported / returned / missing.
  var missing = make("chart-missing");
  if (missing) {
    var rows = data.missing.rows;
    missing.setOption({
      textStyle: font,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: ["已报", "退回", "未报"] },
      grid: { left: 110, right: 20, top: 40, bottom: 20 },
      yAxis: { type: "category", data: rows.map(function (r) { return r.department; }) },
      xAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "已报", type: "bar", stack: "s", data: rows.map(function (r) { return r.reported; }), itemStyle: { color: COLOURS.green } },
        { name: "退回", type: "bar", stack: "s", data: rows.map(function (r) { return r.returned; }), itemStyle: { color: COLOURS.amber } },
        { name: "未报", type: "bar", stack: "s", data: rows.map(function (r) { return r.missing; }), itemStyle: { color: COLOURS.red } }
      ]
    });
    missing.on("click", function (p) {
      var row = rows[p.dataIndex];
      go(data.links.board + (row ? "#dept-" + row.department_id : ""));
    });
  }
})();
