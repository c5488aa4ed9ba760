// Keeps an aggregation run's progress bar moving without reloading (the page works without it).
(function () {
  var box = document.getElementById("run");
  if (!box || !window.fetch || ["done", "failed"].indexOf(box.getAttribute("data-status")) >= 0) { return; }
  var url = box.getAttribute("data-status-url");
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (run) {
        document.getElementById("run-progress").value = run.percent;
        document.getElementById("run-percent").textContent = run.percent;
        if (run.status === "done" || run.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
