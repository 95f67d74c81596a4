// Warn before the idle session ends; "Stay signed in" pings the server without
// leaving the page, so nothing typed into a form is lost.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idleSeconds, 10);
  var warning = parseInt(body.dataset.warningSeconds, 10);
  if (!idle || !warning) { return; }
  var warnTimer, endTimer, tick;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer); clearInterval(tick);
    warnTimer = setTimeout(showWarning, (idle - warning) * 1000);
    endTimer = setTimeout(function () {
      window.location.href = body.dataset.signInUrl + "?expired=1";
    }, idle * 1000);
  }

  function showWarning() {
    var remaining = warning;
    var countdown = document.querySelector("[data-session-countdown]");
    tick = setInterval(function () {
      remaining -= 1;
      if (countdown && remaining >= 0) {
        countdown.textContent = Math.floor(remaining / 60) + " min " + (remaining % 60) + " s";
      }
    }, 1000);
    var opener = document.querySelector("[data-session-modal-opener]");
    if (opener) { opener.click(); }
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-session-keepalive]")) { return; }
    fetch(body.dataset.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) { schedule(); }
    });
  });

  schedule();
}());
