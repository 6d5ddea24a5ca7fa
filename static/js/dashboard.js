/* The campaign dashboard: draws the Plotly figures whose JSON sits in
   <script type="application/json"> blocks beside their containers (with charts.js,
   loaded before this script), and submits the filter form when a list changes, and
   filters the comments by framework. A plain script with no inline code: the
   Content-Security-Policy allows only our own files. The figures come from
   reports/charts.py with a fixed width for static export; here they fill their card. */
(function () {
  "use strict";

  var NARROW = 500; // px: below this, tighter margins, smaller fonts, shorter labels

  function shrinkFont(font, size) {
    font = font || {};
    if (!font.size || font.size > size) font.size = size;
    return font;
  }

  /* Shorten an (already escaped) axis label to `max` characters on one line. */
  function shorten(label, max) {
    var text = String(label).replace(/<br>/g, " ");
    var visible = text.replace(/\u200b/g, "");
    if (visible.length <= max) return text;
    var cut = visible.slice(0, max - 1).replace(/&[#a-z0-9]*$/i, "").replace(/\s+$/, "");
    return cut + "\u2026";
  }

  /* Long category labels (dimension names) get shorter on a phone: the full names
     stay in the hover text and in the table below the chart. */
  function shortenCategories(axis, max) {
    if (!axis || !axis.categoryarray) return;
    axis.tickmode = "array";
    axis.tickvals = axis.categoryarray;
    axis.ticktext = axis.categoryarray.map(function (label) { return shorten(label, max); });
  }

  /* Wrap (already escaped) labels anew at `max` characters a line, at most three lines. */
  function rewrapCategories(axis, max) {
    if (!axis || !axis.categoryarray) return;
    axis.tickmode = "array";
    axis.tickvals = axis.categoryarray;
    axis.ticktext = axis.categoryarray.map(function (label) {
      var words = String(label).replace(/<br>/g, " ").split(/\s+/), lines = [], line = "";
      words.forEach(function (word) {
        if (line && (line + " " + word).replace(/&[#a-z0-9]+;/gi, "x").length > max) {
          lines.push(line);
          line = word;
        } else {
          line = line ? line + " " + word : word;
        }
      });
      if (line) lines.push(line);
      if (lines.length > 3) lines = lines.slice(0, 2).concat([shorten(lines.slice(2).join(" "), max)]);
      return lines.join("<br>");
    });
  }

  /* On a phone a figure keeps its content but gets less margin and smaller text. */
  function fitNarrow(layout, kind, width) {
    layout.font = shrinkFont(layout.font, 11);
    ["xaxis", "yaxis"].forEach(function (name) {
      if (layout[name] && layout[name].tickfont) layout[name].tickfont = shrinkFont(layout[name].tickfont, 10);
    });
    (layout.annotations || []).forEach(function (annotation) {
      if (!annotation.font) return;
      if (annotation.font.size >= 20) annotation.font.size = 22;
      else annotation.font.size = Math.min(annotation.font.size, 10);
    });
    if (kind === "diamond") {
      layout.height = Math.max(220, Math.min(layout.height || 380, Math.round(width * 0.7)));
      if (layout.xaxis) layout.xaxis.range = [-2.8, 2.9]; // room for the labels beside it
      (layout.annotations || []).forEach(function (annotation) {
        if (annotation.font && annotation.font.size <= 12) annotation.font.size = 9;
      });
    } else if (kind === "radar" && layout.margin) {
      layout.margin.l = 80;
      layout.margin.r = 80;
      if (layout.polar && layout.polar.angularaxis) {
        layout.polar.angularaxis.tickfont = shrinkFont(layout.polar.angularaxis.tickfont, 9);
      }
    } else if (kind === "bars") {
      layout.annotations = []; // the stage names over the bands do not fit; the axis shows the thresholds
      rewrapCategories(layout.yaxis, width < 400 ? 16 : 22);
    } else if (kind === "keys" && layout.margin) {
      layout.margin.r = 90;
    }
    if (kind === "heatmap" || kind === "list" || kind === "gap" || kind === "mirror") {
      shortenCategories(layout.yaxis, width < 400 ? 22 : 28);
    }
  }

  function kindOf(element) {
    var match = /\bchart-([a-z]+)\b/.exec(element.className.replace(/\bchart-(ready|failed)\b/g, ""));
    return match ? match[1] : "default";
  }

  function draw(element) {
    var figure = window.Charts.readJSON(element.getAttribute("data-figure"));
    if (!figure) {
      element.classList.add("chart-failed");
      return;
    }
    var layout = (figure.layout = figure.layout || {});
    delete layout.width; // fill the card; the height stays as designed
    layout.autosize = true;
    var width = element.clientWidth;
    if (width && width < NARROW) fitNarrow(layout, kindOf(element), width);
    window.Charts.plot(element, figure);
  }

  /* Draw every chart that is visible and not drawn yet; hidden ones (the radars on a
     phone) wait until a resize shows them. */
  function drawVisible() {
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      if (element.getAttribute("data-drawn") || !element.offsetParent || !element.clientWidth) return;
      element.setAttribute("data-drawn", "true");
      window.Charts.drawOrFail(element, draw);
    });
  }

  function drawCharts() {
    var charts = document.querySelectorAll("[data-figure]");
    if (!charts.length) return;
    if (typeof window.Plotly === "undefined") {
      charts.forEach(function (element) { element.classList.add("chart-failed"); });
      return;
    }
    drawVisible();
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(drawVisible, 200);
    });
  }

  function autosubmitFilters() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
      });
    });
  }

  /* The comments' framework filter: shows one framework's group, or all. Without
     JavaScript the filter stays hidden and every group is shown. */
  function filterComments() {
    var select = document.getElementById("comment-filter");
    if (!select) return;
    var groups = document.querySelectorAll(".comment-group[data-framework]");
    select.closest("[hidden]") && select.closest("[hidden]").removeAttribute("hidden");
    select.addEventListener("change", function () {
      groups.forEach(function (group) {
        group.hidden = select.value !== "*" && group.getAttribute("data-framework") !== select.value;
      });
    });
  }

  function start() {
    autosubmitFilters();
    filterComments();
    drawCharts();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
