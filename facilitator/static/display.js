/* Room display. The server draws the screen (core/templates/live/display/, from the display view only)
   and sends it with each view; this page morphs it into place and ticks what moves between updates: a
   turn's or a pair round's clock and the breathing pacer (the same maths as the phones, static/js/kit.js). */
(function () {
  "use strict";
  var app = document.getElementById("app"), screen = document.getElementById("screen");
  var K = window.SBKit, offset = 0, v = null, timer = 0, raf = 0, closed = false;
  var motion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };
  var WORDS = window.SBKit.words(document.getElementById("sb-words"));  /* core/vocabulary.py, from the page */

  function now() { return Date.now() / 1000 + offset; }
  function find(sel) { return screen.querySelector(sel); }
  function put(n, text) { if (n && n.textContent !== text) { n.textContent = text; } }

  /* A countdown and its bar: `left` seconds of `total`; `over` is what the clock says once time is up. */
  function countdown(left, total, paused, over) {
    var time = find(".d-timer"), bar = find(".d-bar");
    if (!time || time.hidden) { return; }
    put(time, paused ? (left > 0 && paused !== "plain" ? "Paused · " + K.clock(left) : "Paused") : left > 0 ? K.clock(left) : over);
    time.classList.toggle("is-over", left <= 0 || paused === "plain");
    if (bar) {
      bar.classList.toggle("is-over", left <= 0);
      bar.firstElementChild.style.width = Math.min(100, Math.max(0, 100 * (1 - left / total))) + "%";
    }
  }

  var TICKS = {
    turn: function (a) {
      countdown(a.deadline - (a.paused ? a.paused_at : now()), a.deadline - a.turn_started_at, a.paused, "Take the time you need");
    },
    pairs: function (a) {
      countdown(a.paused ? a.remaining : a.deadline - now(), a.round_minutes * 60, a.paused ? "plain" : false,
        "Time's up — finish your thought");
    },
    pacer: function (a) {
      var t = a.paused ? a.paused_at : now(), held = !a.running || a.paused;  /* paused: the moment it stopped */
      var word = find(".d-word"), sub = find(".d-word + .d-next");
      if (a.mode === "senses") {
        var s = K.senseAt(a, t), step = a.senses[s.index];
        put(find(".d-sense-count"), s.done ? "" : String(step.count));
        put(word, s.done ? "Take a moment before we move on" : step.prompt);
        put(sub, held ? "Paused" : s.done ? "" : "Step " + (s.index + 1) + " of " + s.of + " · " + K.clock(s.left));
        return;
      }
      var b = K.breathAt(a, t), stage = find(".d-stage"), circle = find(".d-circle");
      if (stage) { stage.hidden = motion.matches; }
      if (circle) {
        circle.style.transform = "scale(" + (0.4 + 0.6 * b.size).toFixed(3) + ")";
        circle.classList.toggle("is-paused", held);
      }
      put(word, held ? "Paused" : b.done ? "Well done" : K.breathWord(b.label, WORDS) + "… " + b.left);
      put(sub, b.done || held ? "" : "Breath " + b.breath + " of " + a.cycles);
    },
  };

  function activity() { return v && v.activity ? v.activity.view : null; }
  function ticker() {
    var n = find("[data-tick]:not([data-tick=bar])");
    return n && TICKS[n.getAttribute("data-tick")];
  }
  function tick() { var a = activity(), f = ticker(); if (a && f) { f(a); } }
  function stop() {
    if (timer) { clearInterval(timer); timer = 0; }
    if (raf) { cancelAnimationFrame(raf); raf = 0; }
  }
  function loop() {
    stop();
    var a = activity();
    if (!a || !ticker()) { return; }
    tick();
    if (a.kind === "pacer" && a.mode === "breathing" && a.running && !a.paused && !motion.matches) {
      var frame = function () { tick(); raf = requestAnimationFrame(frame); };
      raf = requestAnimationFrame(frame);
    } else {
      timer = setInterval(tick, 250);
    }
  }

  function render(view) {
    if (typeof view.server_time === "number") { offset = view.server_time - Date.now() / 1000; }
    v = view;
    window.Idiomorph.morph(screen, view.html, { morphStyle: "innerHTML" });
    screen.querySelectorAll(".d-bar-fill[data-fill]").forEach(function (n) { n.style.width = n.getAttribute("data-fill") + "%"; });
    document.body.classList.toggle("has-activity", !!view.activity);  /* display-activity.css */
    document.body.classList.toggle("is-paused", view.frame.phase === "paused");
    loop();
  }

  /* The link was replaced or turned off (or never worked): nothing of the session stays on screen. */
  function close() {
    closed = true;
    stop();
    v = null;
    screen.textContent = "";
    document.body.classList.remove("has-activity", "is-paused");
    var h = document.createElement("h1"), p = document.createElement("p");
    h.id = "title";
    h.textContent = "Room display";
    p.id = "phase-text";
    p.className = "display-phase";
    p.textContent = "This display link no longer works. Ask the facilitator for the new one.";
    screen.append(h, p);
    put(document.getElementById("conn"), "");
  }

  if (motion.addEventListener) { motion.addEventListener("change", loop); }
  SB.connect({
    session: app.dataset.session, as: "display", display: app.dataset.display,
    onView: function (view) { if (!closed) { render(view); } },
    onStatus: function (s) { if (s === "display_off" || s === "refused") { close(); } },
    onConn: function (s) { if (!closed) { put(document.getElementById("conn"), s === "connected" ? "" : "Reconnecting…"); } },
  });
})();
