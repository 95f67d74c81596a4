// Warn before the idle session ends; "Stay signed in" pings the server without leaving
// the page, so nothing typed into a form is lost.
//
// Every open tab keeps to one deadline: a tab that loads a page or keeps the session
// alive writes the new deadline to localStorage, and the others (the "storage" event)
// move their timers and close their warning. Before warning or signing out, a tab asks the
// server how long is really left (GET keepalive, which is not activity), so a tab that
// missed an update never signs the person out early. The warning cannot be dismissed by
// Esc or a click outside (USWDS data-force-action): the person chooses to stay or to go.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idleSeconds, 10);
  var warning = parseInt(body.dataset.warningSeconds, 10);
  if (!idle || !warning) { return; }
  var KEY = "qpp-portal.session-deadline";
  var url = body.dataset.keepaliveUrl;
  var deadline = Date.now() + idle * 1000;
  var warnTimer, endTimer, tick, returnFocusTo = null, closingQuietly = false;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function modalIsOpen() {
    var wrapper = document.getElementById("session-timeout-modal");
    return Boolean(wrapper && wrapper.closest(".usa-modal-wrapper.is-visible"));
  }

  function share() {
    try { window.localStorage.setItem(KEY, String(deadline)); } catch (e) { /* private mode */ }
  }

  function moveDeadline(next, tellOthers) {
    deadline = next;
    if (tellOthers) { share(); }
    if (modalIsOpen() && deadline - Date.now() > warning * 1000) { closeWarning(); }
    schedule();
  }

  // Ask the server how many idle seconds are left; calls back with null when signed out.
  function askServer(done) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { done(data && data.signedIn ? data.idleSecondsLeft : null); })
      .catch(function () { done(0); });
  }

  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    var left = deadline - Date.now();
    warnTimer = setTimeout(checkBeforeWarning, Math.max(0, left - warning * 1000));
    endTimer = setTimeout(checkBeforeEnd, Math.max(0, left));
  }

  function checkBeforeWarning() {
    askServer(function (secondsLeft) {
      if (secondsLeft === null) { return signedOut(); }
      if (secondsLeft > warning + 5) { return moveDeadline(Date.now() + secondsLeft * 1000, false); }
      showWarning();
    });
  }

  function checkBeforeEnd() {
    askServer(function (secondsLeft) {
      if (secondsLeft === null || secondsLeft <= 0) { return signedOut(); }
      moveDeadline(Date.now() + secondsLeft * 1000, false);
    });
  }

  function signedOut() {
    window.location.href = body.dataset.signInUrl + "?expired=1";
  }

  function showWarning() {
    if (modalIsOpen()) { return; }
    var countdown = document.querySelector("[data-session-countdown]");
    clearInterval(tick);
    tick = setInterval(function () {
      var remaining = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (countdown) {
        countdown.textContent = Math.floor(remaining / 60) + " min " + (remaining % 60) + " s";
      }
    }, 1000);
    var active = document.activeElement;
    returnFocusTo = active && active !== document.body ? active : null;
    var opener = document.querySelector("[data-session-modal-opener]");
    if (opener) { opener.click(); }
  }

  function restoreFocus() {
    // USWDS gives focus back to the (hidden) opener; give it to what the person was using.
    setTimeout(function () {
      var target = returnFocusTo && document.contains(returnFocusTo)
        ? returnFocusTo : document.getElementById("main-content");
      if (target) { target.focus(); }
    }, 0);
  }

  function closeWarning() {
    clearInterval(tick);
    var button = document.querySelector("[data-session-keepalive]");
    if (button && modalIsOpen()) {
      closingQuietly = true;
      button.click();
      closingQuietly = false;
    }
    restoreFocus();
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-session-keepalive]") || closingQuietly) { return; }
    clearInterval(tick);
    restoreFocus();
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) { moveDeadline(Date.now() + idle * 1000, true); } else { signedOut(); }
    });
  });

  window.addEventListener("storage", function (event) {
    if (event.key !== KEY || !event.newValue) { return; }
    var shared = parseInt(event.newValue, 10);
    if (shared > deadline) { moveDeadline(shared, false); }
  });

  share();
  schedule();
}());
