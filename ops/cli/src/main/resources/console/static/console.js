// Conveyor console: draws the overview's chart from /api/history (no inline script: the CSP forbids it) and
// refreshes the overview every 5 s.
(function () {
  "use strict";
  var box = document.getElementById("chart");
  if (!box || typeof uPlot === "undefined") {
    return;
  }
  fetch(box.getAttribute("data-source"), { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (points) {
      var t = [], lag = [], rate = [];
      points.forEach(function (p) { t.push(p.t); lag.push(p.lag); rate.push(p.rate); });
      var options = {
        width: Math.max(400, box.clientWidth || 900),
        height: 220,
        series: [
          {},
          { label: "lag (records)", stroke: "#c0392b", width: 2, scale: "lag" },
          { label: "records/s", stroke: "#2471a3", width: 2, scale: "rate" }
        ],
        axes: [{}, { scale: "lag", label: "lag" }, { scale: "rate", side: 1, label: "records/s", grid: { show: false } }]
      };
      new uPlot(options, [t, lag, rate], box);
      box.setAttribute("data-points", String(points.length));
    })
    .catch(function (e) { box.textContent = "chart unavailable: " + e; });
  setTimeout(function () { window.location.reload(); }, 5000);
})();
