/* Dashboard charts: the data comes from a json_script element; the same figures are in tables. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var canvas = document.getElementById("chart-types");
    if (canvas && data.types && data.types.values.length) {
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.types.labels,
          datasets: [{ label: data.types.title, data: data.types.values, backgroundColor: "#8f1d1d", borderRadius: 2 }]
        },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          animation: false,
          // the page language with Latin digits, as the tables beside the chart write them
          locale: document.documentElement.lang ? document.documentElement.lang + "-u-nu-latn" : undefined,
          plugins: { legend: { display: false }, tooltip: { rtl: rtl } },
          scales: {
            x: { beginAtZero: true, reverse: rtl, ticks: { precision: 0 } },
            y: { position: rtl ? "right" : "left" }
          }
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
