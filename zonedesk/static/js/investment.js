/* 招商引资 charts: the lead funnel and the chain map tree. ECharts is vendored (static/vendor). */
(function () {
  "use strict";
  var COLOURS = { covered: "#1e8449", gap: "#d68910", weak: "#c0392b", link: "#1d4f91", root: "#153a6b" };

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function funnel() {
    var box = document.getElementById("funnel-chart");
    var d = data("funnel-data");
    if (!box || !d || !window.echarts) return;
    var chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", formatter: "{b}：{c}个" },
      series: [{
        type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "8%",
        label: { show: true, position: "inside", formatter: "{b} {c}" },
        data: d.stages.map(function (s) { return { name: s.name, value: s.value }; }),
        color: ["#9fb5d6", "#7c9bcb", "#5a82bf", "#d68910", "#c97a0c", "#2e9b5c", "#1e8449"]
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function paint(node) {
    var colour = COLOURS[node.coverage] || "#66768a";
    node.itemStyle = { color: colour, borderColor: colour };
    node.label = { color: node.coverage === "weak" ? COLOURS.weak : "#1f2933" };
    (node.children || []).forEach(paint);
    return node;
  }

  function tree() {
    var box = document.getElementById("chain-chart");
    var d = data("chain-data");
    if (!box || !d || !window.echarts) return;
    var leaves = 0;
    (function count(n) { if (!(n.children || []).length) { leaves += 1; } (n.children || []).forEach(count); })(d);
    box.style.height = Math.max(360, leaves * 30 + 60) + "px";
    var chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var v = p.data;
          if (v.coverage === "root" || v.coverage === "link") return v.name;
          var text = v.name + "<br>本区企业 " + (v.value || 0) + " 家 · 靶向企业 " + (v.targets || 0) + " 家";
          if (v.weak_reason) text += "<br>薄弱：" + v.weak_reason;
          return text;
        }
      },
      series: [{
        type: "tree", data: [paint(d)], orient: "LR", top: 20, bottom: 20, left: 90, right: 160,
        symbolSize: 12, initialTreeDepth: -1, expandAndCollapse: false,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 13 },
        leaves: { label: { position: "right", align: "left" } }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () { funnel(); tree(); });
})();
