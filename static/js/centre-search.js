/* "Centres near me": asks the browser for the position and sends it with the search form (a POST, so the
   coordinates stay out of the address bar). Without this script, or without a position, the text search works. */
(function () {
  "use strict";
  document.querySelectorAll("form.centre-search").forEach(function (form) {
    var button = form.querySelector(".centre-near-me");
    var status = form.querySelector(".centre-near-me-status");
    if (!button || !("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = form.getAttribute("data-locating");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        // Two decimals (about a kilometre) are enough to sort centres by distance.
        form.querySelector("input[name=latitude]").value = position.coords.latitude.toFixed(2);
        form.querySelector("input[name=longitude]").value = position.coords.longitude.toFixed(2);
        form.submit();
      }, function () {
        status.textContent = form.getAttribute("data-denied");
        button.disabled = false;
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
    });
  });
})();
