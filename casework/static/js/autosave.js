/* Drafts that save themselves (templates/notes/edit.html).
 *
 * A form marked data-autosave="on" is sent to its own address a few seconds
 * after the typing stops (and at least every 20 seconds while it goes on),
 * with the header X-Autosave: 1; the server saves the draft and answers with
 * when it saved it, the draft's new version, and the address to save to
 * next (a new note gets one on its first save). The password is never sent
 * this way, and nothing is signed. Without this script the "Save draft"
 * button does the same by an ordinary POST.
 */
(function () {
  "use strict";

  var QUIET_MS = 3000;
  var LONGEST_MS = 20000;

  function start(form) {
    var status = form.querySelector("[data-autosave-status]");
    var version = form.querySelector('input[name="version"]');
    var dirty = false;
    var sending = false;
    var quietTimer = null;
    var firstChange = 0;

    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function payload() {
      var data = new FormData(form);
      data.delete("password");
      data.delete("sign");
      data.delete("save");
      return data;
    }

    function save() {
      if (!dirty || sending) {
        return;
      }
      sending = true;
      dirty = false;
      firstChange = 0;
      say("Saving…");
      fetch(form.action, {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "Accept": "application/json" },
        redirect: "manual"
      }).then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401) {
          throw new Error("You are signed out: sign in again, then use “Save draft”. What you typed stays on this page.");
        }
        return response.json().catch(function () {
          return {};
        }).then(function (body) {
          if (!response.ok) {
            throw new Error(body.error || "Not saved (" + response.status + "). Use “Save draft”.");
          }
          return body;
        });
      }).then(function (body) {
        if (version && body.version !== undefined) {
          version.value = body.version;
        }
        if (body.action && body.action !== form.getAttribute("action")) {
          form.setAttribute("action", body.action);
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", body.action);
          }
        }
        say("Draft saved at " + body.saved_at + ".");
      }).catch(function (error) {
        dirty = true;
        say("Not saved: " + error.message);
      }).then(function () {
        sending = false;
      });
    }

    function changed() {
      dirty = true;
      var now = Date.now();
      if (!firstChange) {
        firstChange = now;
      }
      window.clearTimeout(quietTimer);
      var wait = Math.min(QUIET_MS, Math.max(0, firstChange + LONGEST_MS - now));
      quietTimer = window.setTimeout(save, wait);
    }

    form.addEventListener("input", function (event) {
      if (event.target.name !== "password") {
        changed();
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.name !== "password") {
        changed();
      }
    });
    form.addEventListener("submit", function () {
      window.clearTimeout(quietTimer);
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty || sending) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  var forms = document.querySelectorAll('form[data-autosave="on"]');
  for (var i = 0; i < forms.length; i += 1) {
    start(forms[i]);
  }
})();
