/* Participant screen: waiting room, live view, Pass and the private "I need a pause" signal. */
(function () {
  "use strict";
  var app = document.getElementById("app");
  var $ = function (id) { return document.getElementById(id); };
  var PHASE = { lobby: "We'll begin soon.", running: "", paused: "Paused", ended: "The session has ended." };

  function show(section) {
    ["waiting", "live", "ended"].forEach(function (id) { $(id).hidden = id !== section; });
  }

  /* The facilitator cleared the waiting room: a calm screen in place of the waiting one. */
  var turnedAway = false;
  function showNotAdmitted() {
    turnedAway = true;
    var box = $("waiting");
    box.textContent = "";
    var h = document.createElement("h1");
    h.textContent = "You weren't let in this time";
    var p = document.createElement("p");
    p.textContent = "The facilitator has closed the waiting room. " +
      "If you should be in this session, please contact the facilitator directly.";
    box.appendChild(h);
    box.appendChild(p);
    show("waiting");
    document.querySelectorAll("form.leave").forEach(function (f) { f.hidden = true; });
    SB.setText($("conn"), "not connected");
  }

  function showError(text) {
    var el = $("error");
    SB.setText(el, text);
    el.hidden = !text;
  }

  function render(view) {
    var f = view.frame;
    if (f.phase === "ended") { show("ended"); return; }
    show("live");
    SB.setText($("phase-text"), PHASE[f.phase]);
    var message = f.message || (f.phase === "lobby" ? "Welcome. Make yourself comfortable." : "");
    SB.setText($("message"), message);
    $("message").parentNode.hidden = !message;  // no empty card above a running activity
    var banner = $("pause-banner");
    banner.hidden = f.phase !== "paused";
    SB.setText(banner, f.pause_note);
    $("pass").setAttribute("aria-pressed", f.passed ? "true" : "false");
    SB.setText($("pass"), f.passed ? "You passed" : "Pass");
    var status = "";
    if (f.signal && !f.signal.acknowledged) { status = "Your pause signal reached the facilitator. Only they can see it."; }
    if (f.signal && f.signal.acknowledged) {
      status = "A facilitator has seen your signal." + (f.signal.note ? " " + f.signal.note : "");
    }
    var waitingForAck = !!(f.signal && !f.signal.acknowledged);
    $("pause").disabled = waitingForAck;
    SB.setText($("pause"), waitingForAck ? "Pause signal sent" : "I need a pause");
    SB.setText($("me-status"), status);
    if (window.SBActivity) { window.SBActivity.render(view, live); }
    $("pass").hidden = !passMeansSomething(f);
    var place = document.querySelector("#place input[value=" + (f.remote ? "remote" : "room") + "]");
    if (place && !placeSending) { place.checked = true; }
  }

  // A hybrid session: the phone says where its owner is (pairs and triads are formed by it).
  var placeSending = false;
  document.querySelectorAll("#place input").forEach(function (input) {
    input.addEventListener("change", function () {
      placeSending = true;
      showError("");
      live.command("set_place", { remote: input.value === "remote" }).then(function (ack) {
        placeSending = false;
        if (!ack.ok) { showError(ack.error); }
      });
    });
  });

  /* Pass shows only where it means something: a turn the activity lets you pass, an activity you can
     sit out, or a question the facilitator put on the screens; not in an empty lobby or a finished round. */
  function passMeansSomething(f) {
    var a = window.SBActivity;
    if (a && a.ownsPass()) { return a.handlesPass(); }
    if (a && a.running()) { return f.phase !== "paused"; }
    return !!f.message && f.phase !== "paused";
  }

  var live = SB.connect({
    session: app.dataset.session, as: "participant",
    onView: render,
    // Nothing technical in the header: it speaks only when the link is lost.
    onConn: function (s) {
      if (turnedAway) { return; }
      $("conn").setAttribute("data-state", s);
      SB.setText($("conn"), s === "connected" ? "" : "Reconnecting…");
    },
    onStatus: function (s) {
      if (s === "not_admitted") { showNotAdmitted(); return; }
      if (turnedAway) { return; }
      if (s === "waiting") { show("waiting"); }
      if (s === "ended") { show("ended"); }
      if (s === "removed" || s === "refused") { window.location.reload(); }
      if (s === "left") { show("ended"); }
    },
  });

  function act(type) {
    showError("");
    return live.command(type).then(function (ack) { if (!ack.ok) { showError(ack.error); } });
  }
  $("pass").addEventListener("click", function () {
    // In a round, Pass passes your turn; otherwise it passes on the current question.
    if (window.SBActivity && window.SBActivity.handlesPass()) { window.SBActivity.pass(); return; }
    act("pass");
  });
  $("pause").addEventListener("click", function () {
    $("pause").disabled = true;
    showError("");
    live.command("pause_signal").then(function (ack) {
      if (!ack.ok) { showError(ack.error); $("pause").disabled = false; }  // sent: the view keeps it disabled
    });
  });
  SB.confirmForms();
})();
