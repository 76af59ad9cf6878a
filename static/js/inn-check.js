/* The INN's "Check" button: asks the server about the format and check digits, and says what was checked.
   Without this script the same check runs when the form is sent. */
(function () {
  "use strict";
  var box = document.querySelector(".inn-check[data-url]");
  if (!box) { return; }
  var form = box.closest("form");
  var input = form.querySelector("input[name$='-inn']");
  var button = box.querySelector(".inn-check-button");
  var result = box.querySelector(".inn-check-result");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  box.hidden = false;
  button.addEventListener("click", function () {
    var body = new FormData();
    body.append("inn", input.value);
    body.append("csrfmiddlewaretoken", token ? token.value : "");
    button.disabled = true;
    result.className = "inn-check-result";
    fetch(box.getAttribute("data-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      result.textContent = data.message;
      result.className = "inn-check-result " + (data.ok ? "inn-check-ok" : "error-message");
      input.setAttribute("aria-invalid", data.ok ? "false" : "true");
    }).catch(function () {
      result.textContent = box.getAttribute("data-unavailable") || "";
    }).then(function () { button.disabled = false; });
  });
})();
