// The error summary (templates/includes/error_summary.html): when a form comes back with
// errors, move the focus to the summary so that it is read out and in view; a link in it moves
// the focus to its field and scrolls the field's label (or legend) into view.
(function () {
  "use strict";

  function fieldFor(link) {
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    return id ? document.getElementById(id) : null;
  }

  function labelFor(field) {
    var fieldset = field.closest("fieldset");
    if (fieldset && fieldset.querySelector("legend") && (field.type === "radio" || field.type === "checkbox")) {
      return fieldset.querySelector("legend");
    }
    return document.querySelector('label[for="' + CSS.escape(field.id) + '"]') || field;
  }

  function openDetails(field) {
    for (var node = field.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") {
        node.open = true;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.dataset.focused = "true";
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && fieldFor(link);
      if (!field) {
        return;
      }
      event.preventDefault();
      openDetails(field);
      labelFor(field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  });
})();
