/* The session clock on every signed-in page (templates/auth/_session_dialog.html).
 *
 * The server ends a session after the idle limit. This page counts that
 * limit from when it loaded (and from each renewal), warns a while before
 * it runs out with "Stay signed in" (a POST that renews the session without
 * reloading the page), and when it has run out says so and offers to sign
 * in again. A form typed into is then sent along: the server keeps what it
 * held for this account and puts it back after sign-in. Before warning or
 * ending, the page asks the server how long is really left (GET, which
 * renews nothing), so activity in another tab is taken into account.
 */
(function () {
  "use strict";

  var dialog = document.getElementById("session-dialog");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) {
    return;
  }
  var data = dialog.dataset;
  var idleMs = Number(data.idleSeconds) * 1000;
  var leadMs = Number(data.warningSeconds) * 1000;
  var deadline = Date.now() + idleMs;
  var state = "quiet"; // quiet | checking | warning | ended
  var typedForms = [];
  var returnFocus = null;

  function part(selector) {
    return dialog.querySelector(selector);
  }
  var warningPart = part('[data-session-state="warning"]');
  var endedPart = part('[data-session-state="ended"]');
  var countdown = part("[data-session-countdown]");
  var problem = part("[data-session-problem]");
  var renewButton = part("[data-session-renew]");
  var signInButton = part("[data-session-sign-in]");

  // Forms the user has typed into (posted ones only; the newest last).
  function noteTyping(event) {
    var form = event.target && event.target.form;
    if (!form || dialog.contains(form) || (form.method || "").toLowerCase() !== "post") {
      return;
    }
    var at = typedForms.indexOf(form);
    if (at !== -1) {
      typedForms.splice(at, 1);
    }
    typedForms.push(form);
  }
  document.addEventListener("input", noteTyping, true);
  document.addEventListener("change", noteTyping, true);

  function lastTypedForm() {
    for (var i = typedForms.length - 1; i >= 0; i -= 1) {
      if (document.contains(typedForms[i])) {
        return typedForms[i];
      }
    }
    return null;
  }

  function startClock(seconds) {
    deadline = Date.now() + seconds * 1000;
  }

  function showCountdown() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    var seconds = String(left % 60);
    countdown.textContent = Math.floor(left / 60) + ":" + (seconds.length < 2 ? "0" : "") + seconds;
  }

  function openDialog() {
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
    }
  }

  function closeDialog() {
    if (dialog.open) {
      dialog.close();
    }
    if (returnFocus && document.contains(returnFocus) && returnFocus.focus) {
      returnFocus.focus();
    }
    returnFocus = null;
  }

  function warn() {
    state = "warning";
    problem.hidden = true;
    endedPart.hidden = true;
    warningPart.hidden = false;
    dialog.setAttribute("aria-labelledby", "session-warning-title");
    dialog.setAttribute("aria-describedby", "session-warning-text");
    showCountdown();
    openDialog();
    renewButton.focus();
  }

  function end() {
    state = "ended";
    var typed = lastTypedForm() !== null;
    part("[data-session-typed]").hidden = !typed;
    part("[data-session-untyped]").hidden = typed;
    warningPart.hidden = true;
    endedPart.hidden = false;
    dialog.setAttribute("aria-labelledby", "session-ended-title");
    dialog.setAttribute("aria-describedby", "session-ended-text");
    openDialog();
    signInButton.focus();
  }

  function quiet() {
    state = "quiet";
    closeDialog();
  }

  // How long the server says is left; renews nothing.
  function check() {
    state = "checking";
    fetch(data.statusUrl, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(
        function (answer) {
          if (!answer.signed_in || answer.remaining <= 0) {
            end();
            return;
          }
          startClock(answer.remaining);
          if (deadline - Date.now() > leadMs + 1000) {
            quiet(); // renewed elsewhere (another tab)
          } else {
            warn();
          }
        },
        function () {
          // The server did not answer: go by this page's own clock.
          if (deadline - Date.now() > 0) {
            warn();
          } else {
            end();
          }
        }
      );
  }

  function renew() {
    problem.hidden = true;
    renewButton.disabled = true;
    fetch(data.renewUrl, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json", "X-CSRFToken": data.csrfToken },
    })
      .then(function (response) {
        if (response.status === 401) {
          end();
          return;
        }
        if (!response.ok) {
          throw new Error("renew " + response.status);
        }
        return response.json().then(function (answer) {
          startClock(answer.remaining);
          quiet();
        });
      })
      .catch(function () {
        problem.hidden = false;
        renewButton.focus();
      })
      .then(function () {
        renewButton.disabled = false;
      });
  }

  function signInAgain() {
    var form = lastTypedForm();
    if (form) {
      // Sent as it stands (no buttons' own values, no browser checks): the
      // server keeps it for this account and brings it back after sign-in.
      HTMLFormElement.prototype.submit.call(form);
    } else {
      window.location.assign(data.loginUrl);
    }
  }

  function tick() {
    var left = deadline - Date.now();
    if (state === "quiet" && left <= leadMs) {
      check();
    } else if (state === "warning") {
      if (left <= 0) {
        check();
      } else {
        showCountdown();
      }
    }
  }

  renewButton.addEventListener("click", renew);
  signInButton.addEventListener("click", signInAgain);
  dialog.addEventListener("cancel", function (event) {
    // Escape during the warning: the person is here, so the session stays.
    if (state === "warning") {
      event.preventDefault();
      renew();
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      tick();
    }
  });
  window.setInterval(tick, 1000);
})();
