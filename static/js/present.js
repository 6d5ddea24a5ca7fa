/* The present mode (reports/templates/reports/present/): one slide at a time, walked with
   the keyboard (arrows, space, PageUp/PageDown, Home/End; F full screen, N the speaker's
   window, Esc back to the dashboard) or the buttons; the perception gap is revealed in a
   second step. The speaker's window (the same script, body.present-notes) follows the
   slide and the reveal over a BroadcastChannel and can step the slides too. The figures
   are the dashboard's, drawn here (with charts.js) from their JSON blocks when their
   slide is shown. A plain script with no inline code: the Content-Security-Policy
   allows only our files. */
(function () {
  "use strict";

  var body = document.body;
  var notesMode = body.classList.contains("present-notes");
  var slides = Array.prototype.slice.call(document.querySelectorAll("[data-slide]"));
  var counter = document.querySelector("[data-counter]");
  var announce = document.querySelector("[data-announce]");
  var channelName = body.getAttribute("data-channel");
  var channel = null;
  var state = { index: 0, revealed: false };
  var countTimer = null;
  var BASE_PX = 19.2; // the page's type at 1366 x 768 (2.5vh), for which the figures are made

  if (channelName && "BroadcastChannel" in window) channel = new window.BroadcastChannel(channelName);

  /* ------------------------------------------------------------------ figures */

  /* The figures come with no text under 18 px, made for a 768 px high screen; a larger
     screen scales their text and margins with the page's type (2.5vh). */
  function scaleFonts(node, factor, inFont) {
    if (Array.isArray(node)) {
      node.forEach(function (item) { scaleFonts(item, factor, inFont); });
      return;
    }
    if (!node || typeof node !== "object") return;
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (inFont && key === "size") {
        if (typeof value === "number") node[key] = Math.round(value * factor);
        else if (Array.isArray(value)) node[key] = value.map(function (v) { return typeof v === "number" ? Math.round(v * factor) : v; });
      } else {
        scaleFonts(value, factor, /font$/i.test(key));
      }
    });
  }

  function fitToScreen(figure) {
    var root = parseFloat(window.getComputedStyle(document.documentElement).fontSize) || 18;
    var factor = Math.min(1.6, Math.max(1, root / BASE_PX));
    if (factor <= 1.05) return;
    scaleFonts(figure.layout, factor, false);
    scaleFonts(figure.data, factor, false);
    var margin = figure.layout.margin;
    if (margin) ["l", "r", "t", "b"].forEach(function (side) {
      if (typeof margin[side] === "number") margin[side] = Math.round(margin[side] * factor);
    });
  }

  function draw(element) {
    if (element.getAttribute("data-drawn")) {
      if (window.Plotly && window.Plotly.Plots) window.Plotly.Plots.resize(element);
      return;
    }
    if (typeof window.Plotly === "undefined" || !element.clientWidth || !element.clientHeight) return;
    var figure = window.Charts.readJSON(element.getAttribute("data-figure"));
    element.setAttribute("data-drawn", "true");
    if (!figure) {
      element.classList.add("chart-failed");
      return;
    }
    figure.layout = figure.layout || {};
    fitToScreen(figure);
    var layout = figure.layout;
    delete layout.width; // fill the slide's room: the figure's size was made for paper
    delete layout.height;
    layout.autosize = true;
    window.Charts.plot(element, figure);
  }

  function drawIn(slide) {
    slide.querySelectorAll("[data-figure]").forEach(function (element) {
      if (!element.offsetParent) return;
      window.Charts.drawOrFail(element, draw);
    });
  }

  /* ------------------------------------------------------------------ the live count */

  function refreshCount() {
    var url = body.getAttribute("data-count-url");
    if (!url || !window.fetch) return;
    window.fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || typeof data.submitted !== "number") return;
        document.querySelectorAll("[data-live-count]").forEach(function (node) {
          if (node.textContent !== String(data.submitted)) node.textContent = String(data.submitted);
        });
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  function followCount(slide) {
    window.clearInterval(countTimer);
    countTimer = null;
    if (!slide || slide.getAttribute("data-kind") !== "live" || !body.getAttribute("data-count-url")) return;
    var seconds = parseInt(body.getAttribute("data-refresh-seconds"), 10) || 10;
    refreshCount();
    countTimer = window.setInterval(refreshCount, seconds * 1000);
  }

  /* ------------------------------------------------------------------ showing a slide */

  function titleOf(slide) {
    var heading = slide && slide.querySelector("h1");
    return heading ? heading.textContent.trim() : "";
  }

  function hasReveal(slide) {
    return !!slide && slide.hasAttribute("data-reveal");
  }

  function show(index, revealed, remote) {
    if (!slides.length) return;
    index = Math.max(0, Math.min(slides.length - 1, index));
    var slide = slides[index];
    revealed = !!revealed && hasReveal(slide);
    var moved = index !== state.index || revealed !== state.revealed;
    var focusInSlides = !document.activeElement || document.activeElement === body ||
      slides.some(function (s) { return s.contains(document.activeElement); });
    slides.forEach(function (s, i) { s.hidden = i !== index; });
    slide.querySelectorAll("[data-reveal-question]").forEach(function (n) { n.hidden = revealed; });
    slide.querySelectorAll("[data-reveal-answer], [data-notes-after]").forEach(function (n) { n.hidden = !revealed; });
    state = { index: index, revealed: revealed };
    body.setAttribute("data-current", String(index + 1));
    body.setAttribute("data-revealed", revealed ? "true" : "false");
    if (counter) counter.textContent = (index + 1) + " / " + slides.length;
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + (index + 1));
    }
    if (!notesMode) {
      drawIn(slide);
      followCount(slide);
      if (moved && announce) announce.textContent = (index + 1) + " / " + slides.length + ": " + titleOf(slide);
      if (focusInSlides) slide.focus({ preventScroll: true });
    }
    if (!remote && channel) channel.postMessage({ type: "state", index: index, revealed: revealed });
  }

  function next() {
    var slide = slides[state.index];
    if (hasReveal(slide) && !state.revealed) show(state.index, true);
    else if (state.index < slides.length - 1) show(state.index + 1, false);
  }

  function previous() {
    var slide = slides[state.index];
    if (hasReveal(slide) && state.revealed) show(state.index, false);
    else if (state.index > 0) show(state.index - 1, hasReveal(slides[state.index - 1]));
  }

  /* ------------------------------------------------------------------ commands */

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      if (document.exitFullscreen) document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  function openNotes() {
    var url = body.getAttribute("data-notes-url");
    if (!url) return;
    var speaker = window.open(url + "#" + (state.index + 1), channelName || "present-notes", "width=960,height=720");
    if (speaker && speaker.focus) speaker.focus();
  }

  function leave() {
    if (document.fullscreenElement) {
      if (document.exitFullscreen) document.exitFullscreen();
      return;
    }
    var url = body.getAttribute("data-dashboard-url");
    if (url) window.location.assign(url);
  }

  function command(name) {
    if (notesMode && (name === "next" || name === "prev" || name === "reveal")) {
      // The speaker's window steps the main window, which answers with its state.
      if (channel) channel.postMessage({ type: "command", command: name });
      return;
    }
    if (name === "next") next();
    else if (name === "prev") previous();
    else if (name === "reveal") show(state.index, true);
    else if (name === "home") show(0, false);
    else if (name === "end") show(slides.length - 1, false);
    else if (name === "fullscreen") toggleFullscreen();
    else if (name === "notes") openNotes();
    else if (name === "leave") leave();
  }

  var KEYS = {
    ArrowRight: "next", ArrowDown: "next", PageDown: "next", " ": "next", Spacebar: "next",
    ArrowLeft: "prev", ArrowUp: "prev", PageUp: "prev",
    Home: "home", End: "end",
    f: "fullscreen", F: "fullscreen", n: "notes", N: "notes", Escape: "leave", Esc: "leave"
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var name = KEYS[event.key];
    if (!name) return;
    var target = event.target;
    var control = target && target.closest && target.closest("button, a, input, select, textarea");
    if (control && (event.key === " " || event.key === "Enter")) return; // the control's own click
    if (notesMode && (name === "notes" || name === "fullscreen")) return;
    if (notesMode && name === "leave") return;
    if (notesMode && (name === "home" || name === "end")) {
      if (channel) channel.postMessage({ type: "command", command: name });
      event.preventDefault();
      return;
    }
    event.preventDefault();
    command(name);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-action]");
    if (!button) return;
    var name = button.getAttribute("data-action");
    if (name === "leave" && !document.fullscreenElement) return; // the link itself
    event.preventDefault();
    command(name);
  });

  if (channel) {
    channel.addEventListener("message", function (event) {
      var message = event.data || {};
      if (message.type === "state") {
        show(message.index, message.revealed, true);
      } else if (message.type === "hello" && !notesMode) {
        channel.postMessage({ type: "state", index: state.index, revealed: state.revealed });
      } else if (message.type === "command" && !notesMode) {
        command(message.command);
      }
    });
  }

  /* The speaker's window: the title of the next slide under each slide's notes, a clock. */
  function prepareNotes() {
    slides.forEach(function (slide, i) {
      var nextTitle = slide.querySelector("[data-next-title]");
      var following = slides[i + 1];
      if (nextTitle) nextTitle.textContent = following ? following.getAttribute("data-title") : "–";
    });
    var clock = document.querySelector("[data-clock]");
    if (clock) {
      var tick = function () {
        clock.textContent = new Date().toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
      };
      tick();
      window.setInterval(tick, 15000);
    }
  }

  window.addEventListener("resize", function () {
    if (!notesMode && slides[state.index]) drawIn(slides[state.index]);
  });
  document.addEventListener("fullscreenchange", function () {
    if (!notesMode && slides[state.index]) drawIn(slides[state.index]);
  });

  function start() {
    var fromHash = parseInt((window.location.hash || "").replace("#", ""), 10);
    state = { index: -1, revealed: false };
    if (notesMode) prepareNotes();
    show(isNaN(fromHash) ? 0 : fromHash - 1, false, notesMode);
    if (notesMode && channel) channel.postMessage({ type: "hello" });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
