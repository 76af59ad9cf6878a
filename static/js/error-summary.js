/* Progressive enhancement for forms with errors (every page works without it).
   The error summary takes focus when the page loads, so screen readers announce the problem at once;
   a link in the summary moves focus to its field and brings the field's label or legend into view,
   rather than only scrolling the input to the top edge with its question hidden above. */
(function () {
  "use strict";

  function labelFor(field) {
    var fieldset = field.closest("fieldset");
    if (fieldset && fieldset.querySelector("legend") && field.type && /^(radio|checkbox)$/.test(field.type)) {
      return fieldset.querySelector("legend");
    }
    return (field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]')) || field;
  }

  function focusField(event) {
    var link = event.target.closest('a[href^="#"]');
    if (!link) return;
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    labelFor(field).scrollIntoView();
    field.focus({ preventScroll: true });
  }

  var summary = document.querySelector(".error-summary");
  if (!summary) return;
  if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  summary.focus();
  summary.addEventListener("click", focusField);
})();
