/* The progress page of a report (the PDF or the slides): polls the report's status and
   starts the download when it is ready. A plain script (the Content-Security-Policy
   allows only our own files). */
(function () {
  "use strict";
  var card = document.querySelector("[data-report-status]");
  if (!card) return;
  var bar = card.querySelector("[data-report-bar]");
  var fill = card.querySelector("[data-report-fill]");
  var message = card.querySelector("[data-report-message]");
  var show = function (selector) { card.querySelector(selector).classList.remove("d-none"); };
  var failures = 0;
  var unknown = 0;

  function setProgress(done, steps) {
    var percent = steps > 0 ? Math.round(100 * done / steps) : 0;
    fill.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
  }

  function finish() {
    setProgress(1, 1);
    fill.classList.remove("progress-bar-animated");
    message.textContent = "";
    show("[data-report-done]");
    show("[data-report-download]");
    window.location.assign(card.dataset.reportFile);
  }

  function fail() {
    fill.classList.remove("progress-bar-animated");
    fill.classList.add("bg-danger");
    show("[data-report-failed]");
    show("[data-report-download]");
  }

  function poll() {
    fetch(card.dataset.reportStatus, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (status.state === "done") return finish();
        if (status.state === "failed") return fail();
        // "none": this version was replaced by a newer one (new answers came in) or its
        // file is gone. Asking for the report again serves or makes the current one.
        unknown = status.state === "none" ? unknown + 1 : 0;
        if (unknown >= 3) return window.location.assign(card.dataset.reportFile);
        setProgress(status.done, status.steps);
        if (status.message) message.textContent = status.message;
        window.setTimeout(poll, 500);
      })
      .catch(function () {
        failures += 1;
        if (failures > 10) return fail();
        window.setTimeout(poll, 1000);
      });
  }
  setProgress(0, 1);
  poll();
})();
