// Small page behaviours of the portal, loaded after USWDS on every page (no inline script:
// the Content-Security-Policy forbids it).
(function () {
  "use strict";

  // After a refused form, focus goes to the error summary (templates/forms/error_summary.html)
  // so a screen reader announces it and a keyboard user starts from it.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  // A link in the summary focuses its field and keeps the field's label (or its fieldset's
  // legend) in view, instead of scrolling the label off the top as a plain #anchor does.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("#error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) { return; }
    event.preventDefault();
    var fieldset = field.closest("fieldset");
    var label = document.querySelector("label[for='" + field.id + "']");
    var shown = (fieldset && fieldset.querySelector("legend")) || label || field;
    shown.scrollIntoView({ block: "start" });
    window.scrollBy(0, -16);
    field.focus({ preventScroll: true });
  });

  // USWDS's file input names every input "Drag file here or choose from folder"; put the
  // field's own label first so each one has a name of its own.
  function nameFileInputs() {
    document.querySelectorAll("input[type=file]").forEach(function (input) {
      var label = document.querySelector("label[for='" + input.id + "']");
      if (!label) { return; }
      var name = label.textContent.replace(/\*/g, "").replace(/\s+/g, " ").trim();
      function apply() {
        var current = input.getAttribute("aria-label");
        if (current && current.indexOf(name) !== 0) {
          input.setAttribute("aria-label", name + ": " + current);
        }
      }
      apply();
      new MutationObserver(apply).observe(input, { attributes: true, attributeFilter: ["aria-label"] });
    });
  }

  function ready() {
    focusErrorSummary();
    nameFileInputs();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());

// The identity quiz's time limit (templates/proofing/questions.html): two minutes before the
// deadline, say so in an alert, pointing at "I need more time" when it is still offered.
(function () {
  "use strict";
  var form = document.querySelector("[data-quiz-seconds-left]");
  var box = document.querySelector("[data-quiz-warning]");
  if (!form || !box) { return; }
  var left = parseInt(form.dataset.quizSecondsLeft, 10);
  var extend = document.querySelector("[data-quiz-extend]");
  setTimeout(function () {
    box.hidden = false;
    box.querySelector("[data-quiz-warning-text]").textContent =
      "About 2 minutes left to send your answers." +
      (extend ? " Choose \u201cI need more time\u201d to get more time and keep your answers." : "");
    if (extend) { extend.focus(); }
  }, Math.max(0, left - 120) * 1000);
}());
