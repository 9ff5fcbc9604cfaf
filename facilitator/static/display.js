/* Room display: title, join QR and code while people arrive, the shared message, the state. */
(function () {
  "use strict";
  var app = document.getElementById("app");
  var $ = function (id) { return document.getElementById(id); };
  var PHASE = { lobby: "Welcome", running: "", paused: "Let's pause together", ended: "Thank you for today" };

  function render(view) {
    var f = view.frame;
    SB.setText($("title"), view.title);
    // Between activities the screen says what comes next rather than going blank.
    var between = f.phase === "running" && !view.activity && !f.message;
    var coming = view.coming;
    SB.setText($("phase-text"), f.phase === "paused" ? f.pause_note
      : between ? (coming && coming.last ? "That was the last activity" : "We'll go on in a moment") : PHASE[f.phase]);
    SB.setText($("message"), f.phase === "paused" ? "" : f.message);
    // The join QR and code: while people arrive, and again for latecomers when the facilitator shows it.
    var join = view.join;
    $("join").hidden = !join || !(f.phase === "lobby" || (f.show_join && f.phase === "running"));
    $("join").classList.toggle("display-join-corner", f.phase !== "lobby");
    if (join) { $("qr").src = join.qr; SB.setText($("code"), join.code); }
    SB.setText($("names"), f.show_names && f.names.length ? f.names.join(" · ") : "");
    SB.setText($("step"), coming && coming.title && f.phase !== "paused" ? "Coming up: " + coming.title
      : view.step ? "Step " + view.step.number + " of " + view.step.of : "");
    if (window.SBDisplayActivity) { window.SBDisplayActivity.render(view); }
  }

  /* The link was replaced or turned off (or never worked): nothing of the session stays on screen. */
  var closed = false;
  function close() {
    closed = true;
    ["step", "message", "names", "conn"].forEach(function (id) { SB.setText($(id), ""); });
    $("join").hidden = true;
    $("qr").removeAttribute("src");
    $("activity").hidden = true;
    $("activity").textContent = "";
    SB.setText($("title"), "Room display");
    SB.setText($("phase-text"), "This display link no longer works. Ask the facilitator for the new one.");
  }

  SB.connect({
    session: app.dataset.session, as: "display", display: app.dataset.display,
    onView: function (view) { if (!closed) { render(view); } },
    onStatus: function (s) { if (s === "display_off" || s === "refused") { close(); } },
    onConn: function (s) { if (!closed) { SB.setText($("conn"), s === "connected" ? "" : "Reconnecting…"); } },
  });
})();
