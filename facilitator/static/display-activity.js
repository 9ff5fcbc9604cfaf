/* Room display activity: large, readable from the back of the room. Shows only what the display
   view carries (names only when the facilitator turned them on), in sync with the server clock. */
(function () {
  "use strict";
  var root = document.getElementById("activity");
  var offset = 0, cur = null, timer = 0, raf = 0;
  var motion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };
  var BREATH = { "in": "Breathe in", hold: "Hold", out: "Breathe out", rest: "Rest" };
  var FAMILY = { other: "Other feelings", tired: "Tired or numb", unsure: "Unsure or mixed" };

  function now() { return Date.now() / 1000 + offset; }
  function el(tag, cls, text, parent) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text != null) { n.textContent = text; }
    if (parent) { parent.appendChild(n); }
    return n;
  }
  function put(n, text) { text = text == null ? "" : String(text); if (n.textContent !== text) { n.textContent = text; } }
  function line(n, text) { put(n, text); n.hidden = !text; }
  function quiet(n) { n.setAttribute("aria-live", "off"); return n; }
  var clock = SBKit.clock, plural = SBKit.plural;  // the shared kit (static/js/kit.js), as on the phones
  function familyName(id) { return FAMILY[id] || id.charAt(0).toUpperCase() + id.slice(1); }

  /* ---- round ------------------------------------------------------------------------------- */
  function round(body) {
    var v = null, names = false;
    var prompt = el("p", "d-prompt", null, body);
    var speaker = el("p", "d-speaker", null, body);
    var time = quiet(el("p", "d-timer", null, body));
    var bar = el("div", "d-bar", null, body);
    var fill = el("span", null, null, bar);
    var next = el("p", "d-next", null, body);
    var left = el("p", "d-count", null, body);

    function tick() {
      var on = v && v.phase === "running" && v.deadline != null;
      time.hidden = bar.hidden = !on;
      if (!on) { return; }
      var rest = v.deadline - (v.paused ? v.paused_at : now()), total = v.deadline - v.turn_started_at;
      put(time, v.paused ? (rest > 0 ? "Paused · " + clock(rest) : "Paused") : rest > 0 ? clock(rest) : "Take the time you need");
      time.classList.toggle("is-over", rest <= 0);
      bar.classList.toggle("is-over", rest <= 0);
      fill.style.width = Math.min(100, Math.max(0, 100 * (1 - rest / total))) + "%";
    }
    return {
      tick: tick,
      update: function (view, frame) {
        v = view; names = !!(frame && frame.show_names);
        var open = v.phase !== "finished";
        put(prompt, v.prompt);
        put(speaker, v.phase === "ready" ? "The round will begin soon"
          : !open ? "Thank you, everyone"
          : v.speaker || (v.mode === "hand" ? "Raise a hand when you'd like to speak" : "A moment between turns"));
        line(next, open && names && v.up_next ? "Up next: " + v.up_next : "");
        line(left, !open ? "" : v.mode === "hand" ? plural(v.hands_raised, "hand raised", "hands raised")
          : v.still_to_speak ? plural(v.still_to_speak, "person", "people") + " still to speak" : "Everyone has had a turn");
        tick();
      },
    };
  }

  /* ---- form -------------------------------------------------------------------------------- */
  function form(body) {
    var shown = null;
    var count = el("p", "d-count", null, body);
    var spot = el("div", "d-spot", null, body);

    function bars(parent, rows, max) {
      var list = el("ul", "d-bars", null, parent);
      rows.forEach(function (r) {
        var li = el("li", null, null, list);
        el("span", "d-bar-label", r[0], li);
        var track = el("span", "d-bar-track", null, li);
        el("span", "d-bar-fill", null, track).style.width = (max ? 100 * r[1] / max : 0) + "%";
        el("span", "d-bar-num", String(r[1]), li);
      });
    }
    /* a scale in bands (0-3, 4-6, 7-10; merged so that no band is one person's): never point by point */
    function bands(parent, list) {
      var max = 0;
      list.forEach(function (b) { max = Math.max(max, b.count); });
      bars(parent, list.map(function (b) { return [b.from + "–" + b.to, b.count]; }), max);
    }
    function words(parent, list) {
      var ul = el("ul", "d-words", null, parent);
      list.forEach(function (w) { el("li", null, w.word + (w.count > 1 ? " ×" + w.count : ""), ul); });
    }
    return {
      update: function (v) {
        put(count, v.answered == null ? v.held_back  /* 1 or 2 so far: no count for the room (privacy.py) */
          : v.phase === "closed" ? plural(v.answered, "person", "people") + " answered. Thank you."
          : v.answered + " of " + v.present + " have answered");
        var key = JSON.stringify(v.spotlight);
        if (key === shown) { return; }
        shown = key;
        spot.textContent = "";
        var s = v.spotlight;
        if (!s) { return; }
        el("p", "d-spot-label", s.label, spot);
        if (!s.summary) {
          var val = s.value;
          val = Array.isArray(val) ? val.join(" · ") : val && typeof val === "object" ? val.word : String(val);
          el("p", "d-spot-value", val, spot);
          if (s.name) { el("p", "d-next", "— " + s.name, spot); }
          return;
        }
        var sum = s.summary;
        if (sum.too_few) { el("p", "d-next", sum.held_back, spot); return; }
        el("p", "d-next", plural(sum.answered, "answer", "answers"), spot);
        if (sum.families) {
          var keys = Object.keys(sum.families), max = 0;
          keys.forEach(function (k) { max = Math.max(max, sum.families[k]); });
          bars(spot, keys.map(function (k) { return [familyName(k), sum.families[k]]; }), max);
        }
        if (sum.bands) {
          el("p", "d-spot-value", sum.mean == null ? "No answers yet" : "Average " + sum.mean, spot);
          bands(spot, sum.bands);
        }
        if (sum.words) { words(spot, sum.words); }
      },
    };
  }

  /* ---- pacer (same clock math as the participant screen) ----------------------------------- */
  var breathAt = SBKit.breathAt, senseAt = SBKit.senseAt;

  function pacer(body) {
    var v = null;
    var stage = el("div", "d-stage", null, body);
    stage.setAttribute("aria-hidden", "true");
    var circle = el("div", "d-circle", null, stage);
    var count = el("p", "d-sense-count", null, body);
    var word = quiet(el("p", "d-word", null, body));
    var sub = quiet(el("p", "d-next", null, body));

    function tick() {
      if (!v) { return; }
      var t = v.paused ? v.paused_at : now(), held = !v.running || v.paused;  /* paused: the moment it stopped */
      if (v.mode === "senses") {
        var s = senseAt(v, t), step = v.senses[s.index];
        body.classList.add("senses");
        stage.hidden = true;
        line(count, s.done ? "" : String(step.count));
        put(word, s.done ? "Take a moment before we move on" : step.prompt);
        put(sub, held ? "Paused" : s.done ? "" : "Step " + (s.index + 1) + " of " + s.of + " · " + clock(s.left));
        return;
      }
      var b = breathAt(v, t);
      count.hidden = true;
      stage.hidden = motion.matches;
      circle.style.transform = "scale(" + (0.4 + 0.6 * b.size).toFixed(3) + ")";
      circle.classList.toggle("is-paused", held);
      put(word, held ? "Paused" : b.done ? "Well done" : BREATH[b.label] + "… " + b.left);
      put(sub, b.done || held ? "" : "Breath " + b.breath + " of " + v.cycles);
    }
    return { update: function (view) { v = view; tick(); }, tick: tick,
      animate: function () { return v && v.mode === "breathing" && v.running && !v.paused && !motion.matches; } };
  }

  /* ---- info -------------------------------------------------------------------------------- */
  function info(body) {
    var part = el("p", "d-next", null, body);
    var card = el("div", "d-section", null, body);
    var heading = el("h3", null, null, card);
    var text = el("p", null, null, card);
    return {
      update: function (v) {
        var s = v.sections[v.current] || v.sections[0];
        put(part, "Part " + (v.current + 1) + " of " + v.sections.length);
        put(heading, s.heading);
        put(text, s.body);
      },
    };
  }

  /* ---- measure: a questionnaire; the room sees how many have answered, never who or what ---- */
  function measure(body) {
    var count = el("p", "d-next d-measure-count", null, body);
    count.setAttribute("role", "status");
    el("p", "d-intro", "Answers go to the facilitators only.", body);
    return {
      update: function (v) {
        put(count, v.answered == null ? (v.phase === "closed" ? "Closed · " : "") + v.held_back
          : v.phase === "closed" ? "Closed · " + v.answered + " of " + v.present + " answered"
          : v.answered + " of " + v.present + " have answered");
      },
    };
  }

  /* ---- frame ------------------------------------------------------------------------------- */
  var KINDS = { round: round, form: form, pacer: pacer, info: info, measure: measure };

  function stop() {
    if (timer) { clearInterval(timer); timer = 0; }
    if (raf) { cancelAnimationFrame(raf); raf = 0; }
  }
  function loop() {
    stop();
    if (!cur || !cur.tick) { return; }
    if (cur.animate && cur.animate()) {
      var frame = function () { cur.tick(); raf = requestAnimationFrame(frame); };
      raf = requestAnimationFrame(frame);
    } else {
      timer = setInterval(cur.tick, 250);
    }
  }

  function build(a, key) {
    root.textContent = "";
    var h = el("h2", "d-title", a.item.title, root);
    h.id = "activity-title";
    var body = el("div", "d-body d-" + a.view.kind, null, root);
    var make = KINDS[a.view.kind] || (window.SBDisplayKinds || {})[a.view.kind];
    if (!make) { el("p", "d-intro", a.item.intro, body); }
    cur = make ? make(body, a.item) : { update: function () {} };
    cur.key = key;
  }

  function render(view) {
    if (!root) { return; }
    if (typeof view.server_time === "number") { offset = view.server_time - Date.now() / 1000; }
    var a = view.activity;
    document.body.classList.toggle("has-activity", !!a);
    document.body.classList.toggle("is-paused", !!(view.frame && view.frame.phase === "paused"));  /* display-activity.css */
    if (!a) { stop(); cur = null; root.textContent = ""; root.hidden = true; return; }
    var key = a.item.slug + "|" + a.view.kind;
    if (!cur || cur.key !== key) { stop(); build(a, key); }
    root.hidden = false;
    cur.update(a.view, view.frame);
    loop();
  }

  if (motion.addEventListener) { motion.addEventListener("change", loop); }
  /* helpers for kinds registered in window.SBDisplayKinds (display-partner.js) */
  window.SBDisplayActivity = { render: render,
    kit: { el: el, put: put, line: line, quiet: quiet, clock: clock, plural: plural, now: now } };
})();
