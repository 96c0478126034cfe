/* Charts beside their tables (templates/includes/chart.html, core/charts.py): each canvas names the json_script
   element holding its figures. Numbers in the page's language (Intl.NumberFormat), axes mirrored right to left. */
(function () {
  "use strict";

  var COLORS = ["#8f1d1d", "#c9a227", "#1d4f91", "#1e6b34", "#6b4a00", "#555d66", "#a9bfe0"];

  function draw(canvas, lang, rtl, number) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || canvas.getAttribute("data-drawn")) { return; }
    var data = JSON.parse(source.textContent);
    var round = data.kind === "doughnut";
    var datasets = data.series.map(function (series, i) {
      var color = COLORS[i % COLORS.length];
      return {
        label: series.label,
        data: series.values,
        type: series.kind || undefined,
        backgroundColor: round ? COLORS.slice(0, series.values.length) : color,
        borderColor: round ? "#fff" : color,
        borderWidth: series.kind === "line" ? 2 : 1,
        borderRadius: round ? 0 : 2,
        order: series.kind === "line" ? 0 : 1
      };
    });
    var options = {
      maintainAspectRatio: false,
      animation: false,
      locale: lang,
      plugins: {
        legend: { display: round || datasets.length > 1, position: "bottom", rtl: rtl },
        tooltip: {
          rtl: rtl,
          callbacks: {
            label: function (context) {
              var value = round ? context.parsed : context.parsed.y;
              return context.dataset.label + ": " + number.format(value);
            }
          }
        }
      }
    };
    if (!round) {
      options.scales = {
        x: { reverse: rtl },
        y: { beginAtZero: true, position: rtl ? "right" : "left", ticks: { precision: 0, callback: function (v) { return number.format(v); } } }
      };
    }
    new window.Chart(canvas, { type: data.kind, data: { labels: data.labels, datasets: datasets }, options: options });
    canvas.setAttribute("data-drawn", "1");
  }

  function drawAll() {
    if (typeof window.Chart === "undefined") { return; }
    var lang = document.documentElement.lang || undefined;
    var rtl = document.documentElement.dir === "rtl";
    var number = new Intl.NumberFormat(lang);
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
      draw(canvas, lang, rtl, number);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
