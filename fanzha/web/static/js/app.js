/* fanzha 反诈 — small progressive enhancements; every page works without JavaScript. */
(function () {
  "use strict";

  // Ctrl/Cmd+Enter submits the form of a textarea (Enter alone keeps adding lines).
  document.querySelectorAll("textarea[data-submit-on-ctrl-enter]").forEach(function (ta) {
    ta.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && ta.form) {
        e.preventDefault();
        if (ta.form.requestSubmit) { ta.form.requestSubmit(); } else { ta.form.submit(); }
      }
    });
  });

  // Deadline timers: <span class="timer" data-due="ISO-8601">; counts down, turns red when late.
  function fmt(ms) {
    var late = ms < 0;
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var txt = (d ? d + "天" : "") + (d || h ? h + "小时" : "") + m + "分";
    return late ? "已超时 " + txt : "剩余 " + txt;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".timer[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var ms = due - now;
      el.textContent = fmt(ms);
      el.classList.toggle("late", ms < 0);
    });
  }
  if (document.querySelector(".timer[data-due]")) { tick(); setInterval(tick, 30000); }

  // Charts: <div class="chart" data-figure="ID"> + <script type="application/json" id="ID">{plotly figure}</script>
  if (window.Plotly) {
    document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-figure"));
      if (!src) { return; }
      var fig = JSON.parse(src.textContent);
      var layout = Object.assign({ autosize: true,
        font: { family: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif' } }, fig.layout || {});
      window.Plotly.newPlot(el, fig.data || [], layout, { responsive: true, displaylogo: false, staticPlot: false })
        .then(function () { el.setAttribute("data-rendered", "1"); });
    });
  }

  // Confirmation for buttons with data-confirm.
  document.querySelectorAll("[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
