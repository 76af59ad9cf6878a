// The identity-document step: while the scan's machine-readable zone is being read, ask the server
// every two seconds (for two minutes at most) and show the step again once it is ready.
(function () {
  "use strict";
  var box = document.getElementById("zone-read");
  if (!box || !box.dataset.pending || !window.fetch) { return; }
  var tries = 0;
  function poll() {
    tries += 1;
    if (tries > 60) { return; }
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { ready: false }; })
      .then(function (answer) {
        if (answer.ready) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1500);
})();
