/* The consultant's pages: slug suggestion, copy buttons, live counts, print button.
   A plain script (no framework, no inline code: the Content-Security-Policy allows only
   our own files). Everything is driven by data- attributes in the templates. */
(function () {
  "use strict";

  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9\s-]/g, "").trim().replace(/[\s-]+/g, "-").slice(0, 76);
  }

  /* Suggest the slug from the name until the consultant types a slug of their own. */
  function slugSuggestion() {
    var form = document.querySelector("[data-slug-from-name]");
    if (!form) return;
    var name = form.querySelector("#id_name"), slug = form.querySelector("#id_slug");
    if (!name || !slug) return;
    var touched = form.dataset.editing === "true" ||
      (slug.value !== "" && slug.value !== slugify(name.value));
    slug.addEventListener("input", function () { touched = slug.value !== ""; });
    name.addEventListener("input", function () {
      if (!touched) slug.value = slugify(name.value);
    });
  }

  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.querySelector(button.dataset.copy);
        if (!input) return;
        var label = button.textContent;
        input.select();
        var done = function () {
          button.textContent = button.dataset.copiedLabel || "✓";
          setTimeout(function () { button.textContent = label; }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, function () {
            document.execCommand("copy"); done();
          });
        } else {
          document.execCommand("copy"); done();
        }
      });
    });
  }

  /* Reload the live counts panel every data-refresh seconds (without reloading the page,
     so a half-typed invitation list is not lost). */
  function liveCounts() {
    var panel = document.getElementById("progress");
    if (!panel || !panel.dataset.url) return;
    var seconds = parseInt(panel.dataset.refresh, 10) || 30;
    setInterval(function () {
      var current = document.getElementById("progress");
      if (!current || document.hidden) return;
      fetch(current.dataset.url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html) current.outerHTML = html; })
        .catch(function () {});
    }, seconds * 1000);
  }

  function printButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function start() { slugSuggestion(); copyButtons(); liveCounts(); printButtons(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
