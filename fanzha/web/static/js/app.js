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

  // Warning queue: one-click actions by fetch (JSON reply), then the queue is refreshed in place; without
  // JavaScript the same forms post normally and the server redirects back.
  function bindAjax(root) {
    root.querySelectorAll("form[data-ajax='queue']").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var live = document.getElementById("live-msg");
        var rowEl = form.closest("tr");
        var rowId = rowEl ? rowEl.id : "";
        var buttons = form.querySelectorAll("button");
        buttons.forEach(function (b) { b.disabled = true; });
        fetch(form.getAttribute("action"), { method: "POST", body: new FormData(form), credentials: "same-origin",
                             headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json().catch(function () { return { ok: false, message: "操作未保存，请刷新页面后重试。" }; }); })
          .then(function (reply) {
            return fetch(window.location.href, { credentials: "same-origin" })
              .then(function (r) { return r.text(); })
              .then(function (html) {
                var doc = new DOMParser().parseFromString(html, "text/html");
                ["queue", "queue-summary"].forEach(function (id) {
                  var fresh = doc.getElementById(id), old = document.getElementById(id);
                  if (fresh && old) { old.replaceWith(fresh); }
                });
                bindAjax(document);
                tick();
                if (live) {
                  live.className = "flash" + (reply.ok === true ? " ok" : " error");
                  live.textContent = reply.message || "操作未保存，请刷新页面后重试。";
                }
                // keep keyboard users where they were: the same lead if it is still open, else the message
                var row = document.getElementById(rowId);
                var target = row ? row.querySelector("button, summary") : null;
                if (target) { target.focus(); } else if (live) { live.tabIndex = -1; live.focus(); }
              });
          })
          .catch(function () { window.location.reload(); });
      });
    });
  }
  bindAjax(document);

  // Confirmation for buttons with data-confirm.
  document.querySelectorAll("[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
