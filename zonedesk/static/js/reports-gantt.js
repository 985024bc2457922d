/* 挂图作战: frappe-gantt (vendored) with each project's plan bar (the baseline) above its actual
   bar, then its milestones. Read-only; a click on a bar opens the project. Large type for a
   projector; 投屏 puts the chart in full screen. */
(function () {
  "use strict";
  var tasks = JSON.parse(document.getElementById("gantt-data").textContent);
  var svg = document.getElementById("gantt");
  if (!svg || !tasks.length) return;
  var gantt = new Gantt(svg, tasks, {
    view_mode: "Month",
    language: "zh",
    readonly: true,
    bar_height: 26,
    padding: 14,
    upper_header_height: 48,
    lower_header_height: 34,
    today_button: false,
    view_mode_select: false,
    infinite_padding: false,
    scroll_to: "start",
    column_width: 64,
    popup_on: "hover",
    popup: function (ctx) {
      ctx.set_title(ctx.task.name);
      ctx.set_subtitle(ctx.task.start === ctx.task.end ? ctx.task.start : ctx.task.start + " 至 " + ctx.task.end);
      ctx.set_details("");
    },
    on_click: function (task) { if (task.url) window.location.href = task.url; }
  });
  window.zdGantt = gantt;
  var mode = document.getElementById("view-mode");
  if (mode) mode.addEventListener("change", function () { gantt.change_view_mode(mode.value); });
  var today = document.getElementById("gantt-today");
  if (today) today.addEventListener("click", function () { gantt.scroll_current(); });
  var full = document.getElementById("fullscreen");
  if (full) full.addEventListener("click", function () {
    var wrap = document.getElementById("gantt-wrap");
    if (wrap.requestFullscreen) wrap.requestFullscreen();
  });
})();
