/* The console's attention bar: always in view (sticky), it lists what a facilitator holding a room
   must not miss (pause signals, alerts not yet followed up, people waiting to come in, people
   who lost their connection, the console's own link), announces each new arrival once to screen
   readers, counts them in the tab title and icon while the page is in the background, and, if
   the facilitator turned it on, plays a soft sound. The cards with the full actions stay where
   they are; the bar offers the one quick action (Acknowledge, Admit) and a way to the card. */
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var bar = $("attention");
  if (!bar) { return; }
  var list = $("attention-items");
  var speaker = $("attention-live");
  var soundBox = $("attention-sound");
  var baseTitle = document.title;
  var SOUND_KEY = "sb-attention-sound";
  var ALERT_WORDS = { risk: "Risk answer", distress: "Check-in alert", feedback: "Feedback flag" };

  var state = { signals: [], alerts: [], waiting: [], offline: [], conn: "connecting" };
  var seen = { view: false, roster: false };
  var known = null;   // keys already seen (null until the first full picture: no sound on load)
  var live = null;
  var audio = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) { node.textContent = text; }
    return node;
  }

  function button(label, cls, aria, onClick) {
    var b = el("button", { type: "button", "class": cls, "aria-label": aria }, label);
    b.addEventListener("click", onClick);
    return b;
  }

  /* Scroll the full card into view and put the keyboard there. */
  function goTo(id) {
    var target = $(id);
    if (!target) { return; }
    target.scrollIntoView({ block: "center" });
    var focusable = target.querySelector("input, button, textarea, select");
    (focusable || target).focus({ preventScroll: true });
  }

  function names(people) {
    if (people.length <= 3) { return people.map(function (p) { return p.name; }).join(", "); }
    return people.slice(0, 2).map(function (p) { return p.name; }).join(", ") + " and " + (people.length - 2) + " more";
  }

  /* One entry per thing to attend to: key (for "new since last time"), urgency, text, actions. */
  function entries() {
    var out = [];
    if (state.conn === "reconnecting") {
      out.push({ key: "conn", level: "warn", text: "The console lost its link. Reconnecting; what you do is sent once it is back." });
    }
    state.signals.forEach(function (s) {
      out.push({ key: "signal-" + s.id, level: "urgent", say: s.name + " needs a pause.",
                 text: s.name + " needs a pause", actions: [
                   ["Acknowledge", "primary small", "Acknowledge " + s.name + "'s pause signal", function () {
                     live.command("ack_signal", { signal: s.id, note: "" }).then(report);
                   }],
                   ["Add a note", "small", "Answer " + s.name + " with a private note", function () { goTo("signal-" + s.id); }],
                 ] });
    });
    state.alerts.filter(function (a) { return a.followup === "new"; }).forEach(function (a) {
      var kind = a.kind || "distress";
      var word = ALERT_WORDS[kind] || "Alert";
      // A risk answer is announced by the console's own alert line (role=alert), so not twice.
      out.push({ key: "alert-" + a.id, level: kind === "feedback" ? "note" : "urgent",
                 say: kind === "risk" ? null : word + " from " + a.name + ".", text: word + ": " + a.name, actions: [
                   ["Show", "small", "Show " + word.toLowerCase() + " for " + a.name, function () { goTo("alert-" + a.id); }],
                 ] });
    });
    if (state.waiting.length === 1) {
      var p = state.waiting[0];
      out.push({ key: "wait-" + p.id, level: "warn", say: p.name + " is waiting to come in.",
                 text: p.name + " is waiting to come in", actions: [
                   ["Admit", "primary small", "Admit " + p.name, function () { live.send("admit", { participant: p.id }).then(report); }],
                   ["Show", "small", "Show the waiting room", function () { goTo("waiting-h"); }],
                 ] });
    } else if (state.waiting.length > 1) {
      out.push({ key: "wait-" + state.waiting.map(function (w) { return w.id; }).join("-"), level: "warn",
                 say: state.waiting.length + " people are waiting to come in.",
                 text: state.waiting.length + " waiting: " + names(state.waiting), actions: [
                   ["Admit everyone", "primary small", "Admit all " + state.waiting.length + " people waiting", function () {
                     live.send("admit_all", {}).then(report);
                   }],
                   ["Show", "small", "Show the waiting room", function () { goTo("waiting-h"); }],
                 ] });
    }
    if (state.offline.length) {
      out.push({ key: "off-" + state.offline.map(function (o) { return o.id; }).join("-"), level: "note",
                 say: "Lost connection: " + names(state.offline) + ".",
                 text: "Lost connection: " + names(state.offline), actions: [
                   ["Show", "small", "Show who is in the session", function () { goTo("roster-h"); }],
                 ] });
    }
    return out;
  }

  function report(ack) {
    if (ack && !ack.ok) { say(ack.error); }
    return ack;
  }

  function say(text) {
    // Cleared first so that the same words said twice are announced twice.
    speaker.textContent = "";
    window.setTimeout(function () { speaker.textContent = text; }, 50);
  }

  function count(items) { return items.filter(function (e) { return e.level === "urgent" || e.level === "warn"; }).length; }

  function icon(n) {
    var link = document.querySelector("link[rel=icon]");
    if (!link) { return; }
    if (!n) { link.href = "data:,"; return; }
    var c = document.createElement("canvas");
    c.width = c.height = 32;
    var g = c.getContext("2d");
    if (!g) { return; }
    g.fillStyle = "#b4432f";
    g.beginPath(); g.arc(16, 16, 15, 0, 2 * Math.PI); g.fill();
    g.fillStyle = "#fff"; g.font = "bold 20px sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
    g.fillText(n > 9 ? "9+" : String(n), 16, 17);
    link.href = c.toDataURL("image/png");
  }

  function chime() {
    if (!soundBox || !soundBox.checked) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var t = audio.currentTime;
      [523.25, 659.25].forEach(function (freq, i) {   // two soft notes, C then E
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = "sine"; osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t + i * 0.18);
        gain.gain.exponentialRampToValueAtTime(0.08, t + i * 0.18 + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + i * 0.18 + 0.6);
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(t + i * 0.18); osc.stop(t + i * 0.18 + 0.65);
      });
    } catch (e) { /* no audio on this device: the bar and the title still show it */ }
  }

  function draw() {
    var items = entries();
    list.textContent = "";
    items.forEach(function (e) {
      var li = el("li", { "class": "attention-item attention-" + e.level });
      li.appendChild(el("span", { "class": "attention-text" }, e.text));
      (e.actions || []).forEach(function (a) { li.appendChild(button(a[0], a[1], a[2], a[3])); });
      list.appendChild(li);
    });
    bar.classList.toggle("attention-calm", !items.length);
    var n = count(items);
    SBAttention.count = n;
    document.title = n && document.visibilityState === "hidden" ? "(" + n + ") " + baseTitle : baseTitle;
    icon(document.visibilityState === "hidden" ? n : 0);
    // Announce (and sound) what is new since the last picture; nothing on the first one.
    var keys = items.map(function (e) { return e.key; });
    if (known !== null) {
      var fresh = items.filter(function (e) { return known.indexOf(e.key) < 0; });
      var words = fresh.filter(function (e) { return e.say; }).map(function (e) { return e.say; });
      if (words.length) { say(words.join(" ")); }
      if (fresh.some(function (e) { return e.level === "urgent" || e.level === "warn"; })) { chime(); }
    }
    if (seen.view && seen.roster) { known = keys; }
  }

  var lastPresence = {};

  var SBAttention = {
    count: 0,
    use: function (connection) { live = connection; },
    view: function (view) {
      state.signals = view.frame.signals || [];
      state.alerts = view.alerts || [];
      seen.view = true;
      draw();
    },
    roster: function (r) {
      var people = r.participants || [];
      state.waiting = people.filter(function (p) { return p.status === "waiting"; });
      // Lost connection: someone in the session this page saw online who is now offline.
      state.offline = people.filter(function (p) {
        var was = lastPresence[p.id];
        return p.status === "admitted" && p.presence === "offline" && (was === "here" || was === "away" || was === "lost");
      });
      lastPresence = {};
      people.forEach(function (p) {
        lastPresence[p.id] = state.offline.indexOf(p) >= 0 ? "lost" : p.presence;
      });
      seen.roster = true;
      draw();
    },
    conn: function (s) { state.conn = s; draw(); },
  };

  if (soundBox) {
    soundBox.checked = window.localStorage.getItem(SOUND_KEY) === "on";
    soundBox.addEventListener("change", function () {
      window.localStorage.setItem(SOUND_KEY, soundBox.checked ? "on" : "off");
      if (soundBox.checked) { chime(); }   // a gesture: lets the browser start audio, and lets them hear it
    });
  }
  document.addEventListener("visibilitychange", draw);
  window.SBAttention = SBAttention;
})();
