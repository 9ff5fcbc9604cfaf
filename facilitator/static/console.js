/* Facilitator console: session state, message, private pause signals, waiting room and roster. */
(function () {
  "use strict";
  var app = document.getElementById("app");
  var $ = function (id) { return document.getElementById(id); };
  var PRESENCE = { here: "online", away: "away", offline: "offline", room: "in the room" };
  var names = {};
  var places = {};  // member id: joining from elsewhere? (a hybrid session: the phone says; a facilitator may correct)
  var hybrid = app.dataset.hybrid === "1";
  var lastRoster = null;
  var live;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) { node.textContent = text; }
    return node;
  }

  function announce(text) { SB.setText($("live-status"), text); }

  /* Errors show in a visible status line (and are announced), never in a blocking dialog. */
  function report(ack) {
    if (ack && !ack.ok) { announce(ack.error); SB.setText($("console-error"), ack.error); $("console-error").hidden = false; }
    else if (ack && ack.ok) { $("console-error").hidden = true; }
    return ack;
  }

  function button(label, cls, onClick) {
    var b = el("button", { type: "button", "class": cls || "" }, label);
    b.addEventListener("click", onClick);
    return b;
  }

  function renderSignals(signals) {
    var box = $("alerts");
    box.textContent = "";
    signals.forEach(function (s) {
      var card = el("div", { "class": "alert", role: "group", "aria-label": "Pause signal from " + s.name, id: "signal-" + s.id });
      card.appendChild(el("p", {}, s.name + " needs a pause."));
      var note = el("input", { type: "text", maxlength: "200", "aria-label": "Private note to " + s.name,
                               placeholder: "Optional private note, e.g. Take your time, I'll check in with you." });
      card.appendChild(note);
      card.appendChild(button("Acknowledge privately", "primary", function () {
        live.command("ack_signal", { signal: s.id, note: note.value }).then(report);
      }));
      box.appendChild(card);
    });
  }

  /* Check-in alerts (the feeling weighs the intensity; the server decides) stay listed with their
     follow-up, which any facilitator sets: seen, spoke with them, referred. Facilitators only. */
  var FOLLOWUPS = [["seen", "Seen"], ["spoke_with_them", "Spoke with them"], ["referred", "Referred"]];
  var FOLLOWUP_WORDS = { "new": "Not followed up yet.", seen: "Seen", spoke_with_them: "Spoke with them", referred: "Referred" };
  var shownAlerts = "";

  /* Questionnaire alerts: a risk answer (shown at once, with what to say and the group's safety
     procedure) and a quieter feedback flag. The server decides both; no other answers come with them. */
  var KIND_LABEL = { distress: "Check-in alert", risk: "Risk answer", feedback: "Feedback flag" };
  var safety = $("safety-procedure");

  function alertText(a) {
    if (a.kind === "risk") { return a.name + ": " + (a.say || "a risk answer on " + a.instrument + "."); }
    if (a.kind === "feedback") {
      return a.name + (a.why === "drop" ? "'s feedback total dropped a lot since last time (now " + a.value + ")."
                                        : " gave a low feedback answer (" + a.value + ").");
    }
    return a.name + (a.word ? " feels " + a.word + ", " : " rated their check-in ") + a.value + " out of 10.";
  }

  function safetyBlock() {
    var box = el("details", { "class": "safety-procedure", open: "" });
    box.appendChild(el("summary", {}, "What to do now (safety procedure)"));
    (safety ? safety.textContent : "").split("\n").forEach(function (line) {
      if (line.trim()) { box.appendChild(el("p", {}, line)); }
    });
    return box;
  }

  function clock(at) {
    return new Date(at * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function followupLine(a) {
    if (a.followup === "new") {
      return FOLLOWUP_WORDS["new"] + (a.kind === "risk" ? "" : " Consider checking in with them privately.");
    }
    return "Follow-up: " + FOLLOWUP_WORDS[a.followup] + (a.by_name ? ", by " + a.by_name : "") + " at " + clock(a.followup_at) + ".";
  }

  function alertCard(a) {
    var kind = a.kind || "distress";
    var card = el("div", { "class": "alert alert-" + kind + " followup-" + a.followup, role: "group",
                           "aria-label": KIND_LABEL[kind] + " for " + a.name, id: "alert-" + a.id });
    if (kind === "risk") { card.appendChild(el("p", { "class": "alert-kind" }, "Risk answer: act today")); }
    card.appendChild(el("p", {}, alertText(a) + (a.activity ? " (" + a.activity + ", " + clock(a.at) + ")" : "")));
    if (kind === "risk" && a.followup === "new") { card.appendChild(safetyBlock()); }
    card.appendChild(el("p", { "class": "followup" }, followupLine(a)));
    FOLLOWUPS.forEach(function (pair) {
      var b = button(pair[1], "small", function () {
        live.command("alert_followup", { alert: a.id, followup: pair[0] }).then(report);
      });
      b.setAttribute("aria-pressed", a.followup === pair[0] ? "true" : "false");
      b.setAttribute("aria-label", pair[1] + ": " + a.name + "'s " + KIND_LABEL[kind].toLowerCase());
      card.appendChild(b);
    });
    return card;
  }

  function renderDistress(alerts) {
    var json = JSON.stringify(alerts || []);
    if (json === shownAlerts) { return; }
    shownAlerts = json;
    var box = $("distress");
    box.textContent = "";
    // Risk answers first and prominent; then check-in alerts; feedback flags last, quieter.
    var order = { risk: 0, distress: 1, feedback: 2 };
    (alerts || []).slice().sort(function (x, y) {
      return (order[x.kind || "distress"] - order[y.kind || "distress"]) || (x.id - y.id);
    }).forEach(function (a) { box.appendChild(alertCard(a)); });
  }

  function renderView(view) {
    var f = view.frame;
    // With a plan, the plan's first activity is the one Start (it starts the session too).
    var planned = !!(view.plan && view.plan.items && view.plan.items.length);
    SB.setText($("phase"), f.phase);
    $("phase").className = "phase phase-" + f.phase;
    document.querySelectorAll("[data-phase]").forEach(function (b) {
      var to = b.getAttribute("data-phase");
      var resume = b.hasAttribute("data-resume");
      b.hidden = resume ? f.phase !== "paused" : (to === "running" ? f.phase !== "lobby" || planned : f.phase !== "running");
    });
    if (document.activeElement !== $("message")) { $("message").value = f.message; }
    $("show-names").checked = f.show_names;
    $("show-join").checked = !!f.show_join;
    var placesBefore = JSON.stringify(places);
    f.members.forEach(function (m) { names[m.id] = m.name; places[m.id] = m.remote === undefined ? !m.in_room : m.remote; });
    if (hybrid && lastRoster && JSON.stringify(places) !== placesBefore) { renderRoster(lastRoster); }
    var passed = f.passes.map(function (id) { return names[id] || "someone"; });
    SB.setText($("passes"), passed.length ? "Passed on this: " + passed.join(", ") : "");
    renderSignals(f.signals);
    renderDistress(view.alerts);
    window.SBAttention.view(view);
    if (view.join) { $("qr").src = view.join.qr; SB.setText($("join-code"), view.join.code); $("join-url").value = view.join.url; }
    window.SBConsoleScreen.draw(view, live);  // the plan and "Now" panels, drawn on the server
  }

  function personRow(p) {
    var li = el("li", { "class": "person presence-" + p.presence });
    li.appendChild(el("span", { "class": "name" }, p.name));
    li.appendChild(el("span", { "class": "badge" }, PRESENCE[p.presence] || p.presence));
    // Names that could pass for someone else's: said in words (facilitators only), before admitting.
    (p.flags || []).forEach(function (text) { li.appendChild(el("span", { "class": "name-flag" }, "Check: " + text)); });
    if (p.member) { li.appendChild(el("span", { "class": "badge member" }, "member")); }
    if (p.claim) {
      // A guest on a new device who says they are a member: the facilitator confirms (or simply admits as a guest).
      li.appendChild(el("span", { "class": "name-flag" }, "Says they are " + p.claim + " (member)"));
      var confirmButton = button("Confirm it is " + p.claim, "small", function () {
        live.send("confirm_member", { participant: p.id }).then(report);
      });
      li.appendChild(confirmButton);
    }
    if (p.status === "waiting") {
      var admit = button("Admit", "primary small", function () { live.send("admit", { participant: p.id }).then(report); });
      admit.setAttribute("aria-label", "Admit " + p.name);
      li.appendChild(admit);
    }
    if (hybrid && p.status === "admitted" && !p.in_room) { placeControls(li, p); }
    if (p.status === "admitted" && !p.member && !p.claim) {
      var makeMember = button("Make member", "small", function () {
        live.send("make_member", { participant: p.id }).then(function (ack) {
          if (report(ack).ok) { announce(p.name + " is now a member of the group."); }
        });
      });
      makeMember.setAttribute("aria-label", "Make " + p.name + " a member of the group");
      li.appendChild(makeMember);
    }
    var remove = button("Remove", "danger small", function () {
      if (window.confirm("Remove " + p.name + " from this session? They will not be able to come back with their link.")) {
        live.send("remove", { participant: p.id }).then(report);
      }
    });
    remove.setAttribute("aria-label", "Remove " + p.name + " from the session");
    li.appendChild(remove);
    return li;
  }

  /* A hybrid session: where each person with a device is, and a correction if their phone says wrong. */
  function placeControls(li, p) {
    var remote = places["p" + p.id];
    if (remote === undefined) { return; }
    li.appendChild(el("span", { "class": "badge" }, remote ? "remote" : "here"));
    var fix = button(remote ? "Mark as here" : "Mark as remote", "small", function () {
      live.command("set_place", { member: "p" + p.id, remote: !remote }).then(report);
    });
    fix.setAttribute("aria-label", "Mark " + p.name + (remote ? " as here in the room" : " as joining from elsewhere"));
    li.appendChild(fix);
  }

  function renderRoster(r) {
    lastRoster = r;
    var waiting = r.participants.filter(function (p) { return p.status === "waiting"; });
    var inside = r.participants.filter(function (p) { return p.status === "admitted"; });
    $("waiting").textContent = "";
    waiting.forEach(function (p) { $("waiting").appendChild(personRow(p)); });
    if (!waiting.length) { $("waiting").appendChild(el("li", { "class": "muted" }, "Nobody is waiting.")); }
    $("roster").textContent = "";
    inside.forEach(function (p) { $("roster").appendChild(personRow(p)); });
    $("admit-all").disabled = !waiting.length;
    clearWaiting.disabled = !waiting.length;
    $("lock").checked = r.locked;
    $("auto-admit").checked = r.auto_admit;
    SB.setText($("counts"), "(" + inside.length + " in, " + waiting.length + " waiting)");
    window.SBAttention.roster(r);
  }

  live = SB.connect({
    session: app.dataset.session, as: "facilitator",
    onView: renderView, onRoster: renderRoster,
    // Pause signals, check-in alerts and feedback flags are announced by the attention bar (once each).
    onAlert: function (a) {
      if (a.kind === "risk") {
        var urgent = $("risk-alert");
        SB.setText(urgent, "Risk answer from " + a.name + ". " + (a.say || "") + " The safety procedure is below.");
        urgent.hidden = false;
      }
    },
    onConn: function (s) { SB.setText($("conn"), SB.connText[s]); window.SBAttention.conn(s); },
    onStatus: function (s) { if (s === "refused") { window.location.reload(); } },
  });

  document.querySelectorAll("[data-phase]").forEach(function (b) {
    b.addEventListener("click", function () { live.command("set_phase", { to: b.getAttribute("data-phase") }).then(report); });
  });
  $("message-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    live.command("set_message", { text: $("message").value }).then(report);
  });
  $("clear-message").addEventListener("click", function () {
    $("message").value = "";
    live.command("set_message", { text: "" }).then(report);
  });
  $("show-names").addEventListener("change", function (ev) { live.command("show_names", { on: ev.target.checked }).then(report); });
  $("show-join").addEventListener("change", function (ev) { live.command("show_join", { on: ev.target.checked }).then(report); });
  $("lock").addEventListener("change", function (ev) { live.send("lock", { on: ev.target.checked }).then(report); });
  $("auto-admit").addEventListener("change", function (ev) { live.send("auto_admit", { on: ev.target.checked }).then(report); });
  $("admit-all").addEventListener("click", function () { live.send("admit_all", {}).then(report); });
  // Made here rather than in the page, next to "Admit everyone": turns away everyone waiting (a join flood).
  var clearWaiting = button("Clear the waiting room", "danger", function () {
    var count = $("waiting").querySelectorAll("li.person").length;
    if (window.confirm("Turn away all " + count + " people in the waiting room? They will not be able to come back " +
                       "with their link. Nobody already in the session is affected.")) {
      live.send("clear_waiting", {}).then(function (ack) {
        if (report(ack).ok) { announce(ack.cleared + " people turned away from the waiting room."); }
      });
    }
  });
  clearWaiting.id = "clear-waiting";
  clearWaiting.disabled = true;
  $("admit-all").insertAdjacentElement("afterend", clearWaiting);
  $("in-room-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var name = $("in-room-name").value.trim();
    if (!name) { return; }
    live.send("add_in_room", { name: name }).then(function (ack) { if (report(ack).ok) { $("in-room-name").value = ""; } });
  });
  window.SBAttention.use(live);
  setInterval(function () { live.send("roster", {}).then(function (ack) { if (ack.ok) { renderRoster(ack.roster); } }); }, 30000);
  SB.confirmForms();
})();
