/* What the dashboard (dashboard.js) and the present mode (present.js) share in drawing
   the Plotly figures whose JSON sits in <script type="application/json"> blocks beside
   their containers: reading such a block, and plotting a figure with the page's Plotly
   configuration, marking its container chart-ready or chart-failed (the CSS and the
   browser tests go by these classes). Each page keeps how it fits a figure to its room.
   Loaded before the page's own script; a plain script with no inline code: the
   Content-Security-Policy allows only our own files. */
window.Charts = (function () {
  "use strict";

  var DEFAULT_CONFIG = { displaylogo: false, displayModeBar: false, responsive: true };

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  /* Plot `figure` (its layout already fitted by the page) into `element`. */
  function plot(element, figure) {
    var config = readJSON("plotly-config") || DEFAULT_CONFIG;
    window.Plotly.newPlot(element, figure.data || [], figure.layout, config).then(
      function () { element.classList.add("chart-ready"); },
      function () { element.classList.add("chart-failed"); }
    );
  }

  /* Run `draw` on one chart; an error marks that chart failed and leaves the others be. */
  function drawOrFail(element, draw) {
    try {
      draw(element);
    } catch (error) {
      element.classList.add("chart-failed");
      if (window.console) window.console.warn("chart " + element.id + ": " + error);
    }
  }

  return { readJSON: readJSON, plot: plot, drawOrFail: drawOrFail };
})();
