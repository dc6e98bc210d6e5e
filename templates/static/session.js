// Warns two minutes before the session ends for want of use and offers to stay signed in
// (WCAG 2.2.1). While someone types or clicks on the page, the session is kept alive without
// asking: only a page left alone warns. Without scripts the page still says when the session
// ends, and a form sent after it comes back filled in after signing in again.
(function () {
  "use strict";
  var note = document.getElementById("session-ends");
  var warning = document.getElementById("session-warning");
  if (!note || !warning || !window.fetch) {
    return;
  }
  var WARN_BEFORE = 120;
  var clock = note.querySelector("[data-clock]");
  var stay = warning.querySelector("[data-stay]");
  var text = warning.querySelector("[data-text]");
  var signIn = warning.querySelector("[data-sign-in]");
  var timer = null;
  var usedSince = false;
  var before = null;

  function token() {
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function schedule(secondsLeft) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(0, secondsLeft - WARN_BEFORE) * 1000);
  }

  function answered(response) {
    return response.json().then(function (answer) {
      if (answer.ends_at) {
        clock.textContent = answer.ends_at;
      }
      if (answer.seconds_left > WARN_BEFORE) {
        hide();
        schedule(answer.seconds_left);
      } else if (answer.seconds_left > 0) {
        if (usedSince) {
          keepAlive();
        } else {
          show();
          clearTimeout(timer);
          timer = setTimeout(check, answer.seconds_left * 1000 + 1000);
        }
      } else {
        ended();
      }
    });
  }

  // Asks how long is left: another tab may have used the session meanwhile.
  function check() {
    fetch("/session", { credentials: "same-origin", cache: "no-store" })
      .then(answered)
      .catch(function () {
        schedule(WARN_BEFORE + 30);
      });
  }

  function keepAlive() {
    usedSince = false;
    fetch("/session/keep-alive", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": token() },
    })
      .then(answered)
      .catch(function () {
        schedule(WARN_BEFORE + 30);
      });
  }

  function show() {
    if (!warning.hidden) {
      return;
    }
    before = document.activeElement;
    warning.hidden = false;
    stay.focus();
  }

  function hide() {
    if (warning.hidden) {
      return;
    }
    warning.hidden = true;
    if (before && before.focus) {
      before.focus();
    }
  }

  function ended() {
    clearTimeout(timer);
    text.textContent = warning.getAttribute("data-ended");
    stay.hidden = true;
    signIn.hidden = false;
    warning.hidden = false;
    signIn.focus();
  }

  stay.addEventListener("click", keepAlive);
  ["keydown", "input", "pointerdown"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      if (!warning.contains(event.target)) {
        usedSince = true;
      }
    }, true);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      check();
    }
  });
  schedule(parseInt(note.getAttribute("data-seconds-left"), 10) || 0);
})();
