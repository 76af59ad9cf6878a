/* The captcha: "Show another picture" fetches a new one in place (without this script, a submit button
   shows the page again with a new picture). The audio link follows the new challenge. */
(function () {
  "use strict";
  document.querySelectorAll(".captcha[data-refresh-url]").forEach(function (box) {
    var button = box.querySelector(".captcha-refresh");
    var form = box.closest("form");
    var fallback = form && form.querySelector(".captcha-refresh-submit");
    if (!button) { return; }
    button.hidden = false;
    if (fallback) { fallback.hidden = true; }
    button.addEventListener("click", function () {
      button.disabled = true;
      fetch(box.getAttribute("data-refresh-url"), {
        headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error("refresh " + response.status); }
        return response.json();
      }).then(function (data) {
        var image = box.querySelector("img.captcha-image");
        image.srcset = data.image_url + " 1x, " + data.image_url.replace(/\/$/, "@2/") + " 2x";
        image.src = data.image_url;
        box.querySelector("input[type=hidden]").value = data.key;
        var answer = box.querySelector("input[type=text]");
        answer.value = "";
        var audio = box.querySelector(".captcha-audio");
        var template = box.getAttribute("data-audio-url");
        if (audio && template) { audio.href = template.replace("KEY", data.key); }
        box.querySelector(".captcha-status").textContent = button.getAttribute("data-done") || "";
        answer.focus();
      }).catch(function () {
        // The page's own way still works: send the form asking for another picture.
        if (fallback) { fallback.hidden = false; fallback.click(); }
      }).then(function () { button.disabled = false; });
    });
  });
})();
