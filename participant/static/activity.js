/* Participant activity screen (round, form, pacer, info) in #activity. Built once per activity, then
   updated in place: a view never wipes what someone is typing. Timers follow the server clock. */
(function () {
  "use strict";
  var root = document.getElementById("activity");
  var live = null, offset = 0, cur = null, timer = 0, raf = 0, uid = 0;
  var motion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };
  var INTRO_OPEN_MAX = 160;  // characters: about three lines on a phone
  var WORDS = window.SBKit.words(document.getElementById("sb-words"));  /* core/vocabulary.py, from the page */

  function now() { return Date.now() / 1000 + offset; }
  function el(tag, cls, parent, text) {
    var n = parent.appendChild(document.createElement(tag));
    if (cls) { n.className = cls; }
    if (text != null) { n.textContent = text; }
    return n;
  }
  function put(n, text) { text = text == null ? "" : String(text); if (n.textContent !== text) { n.textContent = text; } }
  function line(n, text) { put(n, text); n.hidden = !text; }
  function button(label, cls, parent, onClick) {
    var b = el("button", cls, parent, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  var clock = SBKit.clock;  // the shared kit (static/js/kit.js): one clock and the pacer maths, shared with the display
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function errorLine(parent) { var p = el("p", "error", parent); p.setAttribute("role", "alert"); p.hidden = true; return p; }

  /* An engine command; the engine's reason shows in err when it says no. */
  function send(action, args, err, btn) {
    if (!live) { return Promise.resolve({ ok: false }); }
    if (btn) { btn.disabled = true; }
    line(err, "");
    return live.command("activity", { action: action, args: args || {} }).then(function (ack) {
      if (btn) { btn.disabled = false; }
      if (!ack.ok) { line(err, ack.error || "That didn't work. Please try again."); }
      return ack;
    });
  }

  /* round */
  function round(body) {
    var v = null, shownNames = null;
    var prompt = el("p", "act-prompt", body);
    var turn = el("p", "turn", body);
    turn.setAttribute("aria-live", "polite");
    var time = el("p", "turn-time", body);
    var bar = el("div", "turn-bar", body);
    bar.setAttribute("aria-hidden", "true");
    var fill = el("span", null, bar);
    var next = el("p", "turn-next", body);
    var mine = el("p", "turn-mine", body);
    var row = el("div", "act-buttons", body);
    var err = errorLine(body);
    function act(label, name) {
      var b = button(label, "", row, function () { send(typeof name === "string" ? name : name(), {}, err, b); });
      return b;
    }
    // Passing is the big Pass button under every screen (SBActivity.pass); here the speaker can
    // say they are done, or ask to come back later.
    var done = act("I'm done", "next"), later = act("Come back to me later", "later");
    var hand = act("Raise hand", function () { return v.hand_raised ? "lower_hand" : "raise_hand"; });
    var vol = act("Volunteer", "volunteer");
    var handOn = el("details", "hand-on", body);
    el("summary", null, handOn, "Hand the turn to…");
    var names = el("div", "act-buttons", handOn);

    /* How many speak before me: the room's queue of place tokens and my own (null: not in the queue;
       further back than the queue shows: at least its length, said as such by status()). */
    function before() {
      var at = v.queue ? v.queue.indexOf(v.me) : -1;
      return at < 0 ? null : at;
    }

    function farBack() { return before() === null && v.queue_more > 0 && (v.my_status === "waiting" || v.my_status === "later"); }

    function status() {
      var n = before(), s = v.my_status, h = v.mode === "hand";
      var ahead = farBack() ? "At least " + v.queue.length + " people before you."
        : n > 0 ? (n === 1 ? "1 person before you." : n + " people before you.") : "";
      if (v.phase === "finished" || !s) { return ""; }
      if (v.phase === "ready" && n === 0) { return "You're first in line."; }
      return {
        done: "You've had your turn. Thank you.",
        passed: "You passed. That's completely fine.",
        skipped: "Your turn was skipped for now.",
        later: "We'll come back to you later. " + ahead,
        waiting: v.volunteered ? "You volunteered. Thank you. " + ahead
          : h && v.hand_raised ? "Your hand is up. " + ahead
          : h ? "Raise your hand when you'd like to speak." : ahead,
      }[s] || "";
    }

    function update(view) {
      v = view;
      var open = v.phase !== "finished", me = v.my_turn, s = v.my_status;
      put(prompt, v.prompt);
      var who = v.phase === "ready" ? "The round will start soon."
        : !open ? "The round has finished. Thank you for listening."
        : me ? "It's your turn"
        : v.speaker ? v.speaker + " is speaking"
        : v.mode === "hand" ? "No one is speaking right now." : "Waiting for the next speaker.";
      if (me && turn.textContent !== who && navigator.vibrate) { navigator.vibrate(150); }
      put(turn, who);  // aria-live: announced when it changes, never on a mere re-render
      turn.classList.toggle("is-me", !!me);
      line(next, !open || v.phase === "ready" ? "" : before() === 0 ? "You're up next."
        : v.up_next ? (me ? "After you: " : "Up next: ") + v.up_next : "");
      line(mine, status().trim());
      done.hidden = !me;
      later.hidden = !v.can_come_back_later;
      hand.hidden = !open || !(v.hand_raised || s === "waiting" || s === "later");
      put(hand, v.hand_raised ? "Lower hand" : "Raise hand");
      hand.setAttribute("aria-pressed", v.hand_raised ? "true" : "false");
      vol.hidden = !open || v.mode !== "volunteers" || s !== "waiting" || v.volunteered;
      handOn.hidden = !me || !v.hand_on_to.length;
      if (!same(shownNames, v.hand_on_to)) {
        shownNames = v.hand_on_to;
        names.textContent = "";
        v.hand_on_to.forEach(function (m) {
          var b = button(m.name, "", names, function () {
            send("hand_on", { to: m.id }, err, b).then(function (ack) { if (ack.ok) { handOn.open = false; } });
          });
        });
      }
      tick();
    }

    function tick() {
      var on = v && v.phase === "running" && v.deadline != null;
      time.hidden = bar.hidden = !on;
      if (!on) { return; }
      var left = v.deadline - (v.paused ? v.paused_at : now()), over = left <= 0;  /* a session pause holds the clock */
      put(time, v.paused ? (over ? "Paused" : "Paused · " + clock(left) + " left") : !over ? clock(left) + " left"
        : v.my_turn ? "Time's up — take the time you need" : "Time's up — there's no rush");
      time.classList.toggle("is-over", over);
      bar.classList.toggle("is-over", over);
      fill.style.width = Math.min(100, Math.max(0, 100 - 100 * left / (v.deadline - v.turn_started_at))) + "%";
    }

    return {
      update: update, tick: tick,
      canPass: function () { return !!(v && v.phase !== "finished" && v.can_pass); },
      pass: function () { send("pass", {}, err, null); },
    };
  }

  /* form */
  function field(f, emotions, box) {
    var name = "act-" + f.id + "-" + (uid += 1), group = /emotion|scale|list/.test(f.type);
    var wrap = el(group ? "fieldset" : "div", "field act-field", box);
    var label = el(group ? "legend" : "label", null, wrap, f.label + (f.required ? " (required)" : ""));
    var described = [];
    if (f.at_home) {  /* answered after the session, when the step has been tried (activities/schema.FormField) */
      el("p", "hint act-later", wrap, "For afterwards: after you try the step, note it on your take-home sheet or in your practice log.")
        .id = name + "-later";
      described.push(name + "-later");
    }
    if (f.help) { el("p", "hint", wrap, f.help).id = name + "-help"; described.push(name + "-help"); }
    el("p", "audience", wrap, "Who sees this: " + f.who_sees).id = name + "-who";  /* the view's words (activities/privacy.py) */
    described.push(name + "-who");
    var radios = [], get, set, inp;

    function radio(parent, value, text, cls) {
      var l = el("label", cls, parent), r = el("input", null, l);
      r.type = "radio"; r.name = name; r.value = value;
      el("span", null, l, text);
      radios.push(r);
    }
    function checked() { return radios.filter(function (r) { return r.checked; })[0] || null; }
    function text(parent, max) { var i = el("input", null, parent); i.type = "text"; i.maxLength = max; return i; }

    if (f.type === "emotion") {
      var fams = el("div", "families", wrap);
      emotions.forEach(function (fam) {
        var d = el("details", "family", fams);
        el("summary", null, d, fam.label);
        if (fam.note) { el("p", "hint", d, fam.note); }
        var words = el("div", "chips", d);
        fam.words.forEach(function (w) { radio(words, fam.id + "|" + w, w, "chip"); });
      });
      el("label", "own-label", wrap, "Or use my own word").htmlFor = name + "-own";
      var own = text(wrap, 40);
      own.id = name + "-own"; own.autocomplete = "off";
      var chosen = el("p", "chosen", wrap);
      var note = function () { var g = get(); line(chosen, g ? "You chose: " + g.word : ""); };
      wrap.addEventListener("change", function (e) { if (e.target.type === "radio") { own.value = ""; } note(); });
      own.addEventListener("input", function () {
        if (own.value.trim()) { radios.forEach(function (r) { r.checked = false; }); }
        note();
      });
      get = function () {
        var c = checked(), p = c && c.value.split("|"), w = own.value.trim();
        return p ? { word: p[1], family: p[0] } : w ? { word: w, family: null } : null;
      };
      set = function (val) {
        radios.forEach(function (r) { r.checked = !!val && r.value === val.family + "|" + val.word; });
        var c = checked();
        own.value = !c && val ? val.word : "";
        if (c) { c.closest("details").open = true; }
        note();
      };
    } else if (f.type === "scale") {
      var scale = el("div", "scale", wrap);
      for (var i = 0; i <= 10; i++) { radio(scale, String(i), String(i), "point"); }
      var ends = el("div", "scale-ends", wrap);
      el("span", null, ends, "0" + (f.min_label ? ": " + f.min_label : ""));
      el("span", null, ends, "10" + (f.max_label ? ": " + f.max_label : ""));
      if (!f.required) {
        button("Clear", "link", wrap, function () { set(null); wrap.dispatchEvent(new Event("input", { bubbles: true })); });
      }
      get = function () { var c = checked(); return c ? parseInt(c.value, 10) : null; };
      set = function (val) { radios.forEach(function (r) { r.checked = val != null && r.value === String(val); }); };
    } else if (f.type === "list") {
      var list = el("ol", "act-list", wrap), items = [];
      var add = function (value) {
        var item = text(el("li", null, list), 200);
        item.setAttribute("aria-label", f.label + ", item " + (items.length + 1));
        item.setAttribute("aria-describedby", described.join(" "));
        item.value = value || "";
        items.push(item);
        more.hidden = items.length >= f.max_items;
        return item;
      };
      var more = button("Add another", "", wrap, function () { add("").focus(); });
      get = function () {
        var out = items.map(function (x) { return x.value.trim(); }).filter(Boolean);
        return out.length ? out : null;
      };
      set = function (val) {
        val = val || [];
        list.textContent = ""; items = [];
        for (var k = 0; k < Math.max(1, val.length); k++) { add(val[k]); }
      };
      set(null);
    } else {
      inp = f.type === "long_text" ? el("textarea", null, wrap) : text(wrap, 200);
      if (f.type === "long_text") { inp.rows = 4; inp.maxLength = 2000; }
      inp.id = label.htmlFor = name;
      get = function () { return inp.value.trim() ? inp.value : null; };
      set = function (val) { inp.value = val || ""; };
    }
    (inp || wrap).setAttribute("aria-describedby", described.join(" "));
    return { id: f.id, get: get, set: set };
  }

  function form(body, item) {
    var v = null, dirty = false, applied = null, fields = [], shown = null, families = {};
    (item.emotions || []).forEach(function (fam) { families[fam.id] = fam.label; });
    var closed = el("p", "notice", body, "This form is closed now. Thank you.");
    var f = el("form", "act-form", body);
    f.noValidate = true;
    var box = el("div", null, f);
    var foot = el("div", "act-buttons", f);
    var save = el("button", "primary", foot, "Save my answers");
    var status = el("span", "saved", foot);
    status.setAttribute("role", "status");
    var err = errorLine(f);
    var del = button("Delete my answers", "danger", body, function () {
      if (!window.confirm("Delete your answers? This can't be undone.")) { return; }
      send("delete_answers", {}, err, del).then(function (ack) {
        if (ack.ok) { dirty = false; applied = {}; fields.forEach(function (x) { x.set(null); }); paint(); }
      });
    });
    var spot = el("div", "shared", body), shared = el("div", "shared", body);

    function touch(e) { if (e.target !== save) { dirty = true; paint(); } }
    f.addEventListener("input", touch);
    f.addEventListener("change", touch);
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var answers = {};
      fields.forEach(function (x) { var val = x.get(); if (val != null) { answers[x.id] = val; } });
      send("submit", { answers: answers }, err, save).then(function (ack) {
        if (ack.ok) { dirty = false; applied = v.my_answers; paint(); }
      });
    });

    function paint() {
      var open = v.phase === "open";
      put(save, v.submitted ? "Save changes" : "Save my answers");
      put(status, !v.submitted ? "" : dirty ? "You have changes that aren't saved yet." : "Saved");
      del.hidden = !v.submitted;
      closed.hidden = open;
      save.hidden = !open;
      Array.prototype.forEach.call(f.elements, function (x) { x.disabled = !open; });
    }
    function show(val, mine) {
      val = Array.isArray(val) ? val.join("; ") : val && typeof val === "object" ? val.word : String(val);
      return val + (mine ? " (yours)" : "");
    }
    function summary(s) {
      if (s.too_few) { return s.held_back; }
      var parts = [s.answered + (s.answered === 1 ? " answer" : " answers")];
      if (s.mean != null) { parts.push("average " + s.mean); }
      (s.bands || []).forEach(function (b) { if (b.count) { parts.push(b.from + "–" + b.to + ": " + b.count); } });
      Object.keys(s.families || {}).forEach(function (k) { parts.push((families[k] || "Other feelings") + ": " + s.families[k]); });
      if (s.words) { parts.push(s.words.map(function (w) { return w.word + (w.count > 1 ? " ×" + w.count : ""); }).join(", ")); }
      return parts.join(" · ");
    }
    function pair(parent, tag, label, value) {
      el(tag, "shared-label", parent, label);
      el(tag, "shared-value", parent, value);
    }

    function update(view) {
      v = view;
      if (!fields.length) { fields = v.fields.map(function (fd) { return field(fd, item.emotions || [], box); }); }
      if (!dirty && !same(applied, v.my_answers)) {  // nothing typed since the last save: follow the server
        applied = v.my_answers;
        fields.forEach(function (x) { x.set(v.my_answers[x.id]); });
      }
      paint();
      var sp = v.spotlight;
      if (same(shown, [sp, v.shared])) { return; }
      shown = [sp, v.shared];
      spot.textContent = shared.textContent = "";
      if (sp) {
        el("h3", null, spot, "On the room screen now");
        pair(spot, "p", sp.label, sp.summary ? summary(sp.summary) : show(sp.value, sp.mine));
      }
      if (v.shared.length) {
        el("h3", null, shared, "Shared with the group");
        var ul = el("ul", "shared-list", shared);
        v.shared.forEach(function (s) { pair(el("li", null, ul), "span", s.label, show(s.value, s.mine)); });
      }
    }
    return { update: update };
  }

  /* pacer: every screen computes the same moment from started_at and the server clock */
  var breathAt = SBKit.breathAt, senseAt = SBKit.senseAt;

  function pacer(body) {
    var v = null;
    var stage = el("div", "pacer-stage", body);
    stage.setAttribute("aria-hidden", "true");
    var circle = el("div", "pacer-circle", stage);
    var count = el("p", "sense-count", body);
    var word = el("p", "pacer-word", body);
    var sub = el("p", "pacer-sub", body);

    function tick() {
      var t = v.paused ? v.paused_at : now(), held = !v.running || v.paused, s, b;  /* paused: the moment it stopped */
      if (v.mode === "senses") {
        s = senseAt(v, t);
        body.classList.add("senses");
        stage.hidden = true;
        line(count, s.done ? "" : v.senses[s.index].count);
        put(word, s.done ? "That was the last step. Take a moment before moving on." : v.senses[s.index].prompt);
        put(sub, held ? "Paused" : s.done ? "" : "Step " + (s.index + 1) + " of " + v.senses.length + " · " + clock(s.left));
        return;
      }
      b = breathAt(v, t);
      count.hidden = true;
      stage.hidden = motion.matches;
      circle.style.transform = "scale(" + (0.4 + 0.6 * b.size).toFixed(3) + ")";
      circle.classList.toggle("is-paused", held);
      put(word, held ? "Paused" : b.done ? "Well done. Breathe at your own pace." : SBKit.breathWord(b.label, WORDS) + "… " + b.left);
      put(sub, b.done || held ? "" : "Breath " + b.breath + " of " + v.cycles);
    }
    return { update: function (view) { v = view; tick(); }, tick: tick,
      animate: function () { return v.mode === "breathing" && v.running && !v.paused && !motion.matches; } };
  }

  /* info */
  function info(body) {
    var current = -1, cards = [], list = el("ol", "info-list", body);
    function update(v) {
      if (!cards.length) {
        cards = v.sections.map(function (s) {
          var li = el("li", "info-card", list);
          el("span", "now-badge", li, "Now");
          el("h3", null, li, s.heading);
          el("p", null, li, s.body);
          return li;
        });
        if (v.reflection.length) {
          var refl = el("div", "reflection", body);
          el("h3", null, refl, "To think about");
          var ul = el("ul", null, refl);
          v.reflection.forEach(function (q) { el("li", null, ul, q); });
        }
      }
      if (v.current === current) { return; }
      var first = current === -1;
      current = v.current;
      cards.forEach(function (c, i) {
        c.classList.toggle("is-current", i === current);
        c.firstChild.hidden = i !== current;
        if (i === current) { c.setAttribute("aria-current", "step"); } else { c.removeAttribute("aria-current"); }
      });
      if (!motion.matches && !(first && current === 0) && cards[current]) {
        cards[current].scrollIntoView({ behavior: "smooth", block: "nearest" });
      }
    }
    return { update: update };
  }

  /* frame */
  var KINDS = { round: round, form: form, pacer: pacer, info: info };

  function stop() {
    clearInterval(timer);
    cancelAnimationFrame(raf);
    timer = raf = 0;
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
    var item = a.item, make = KINDS[a.view.kind] || (window.SBActivityKinds || {})[a.view.kind];
    root.textContent = "";
    el("h2", null, root, item.title).id = "activity-title";
    if (item.content_note) {
      var cn = el("p", "content-note", root);
      el("strong", null, cn, "Content note: ");
      cn.appendChild(document.createTextNode(item.content_note));
    }
    // A long intro folds so the task comes first; a short one stays as a line under the title.
    if (item.intro && item.intro.length > INTRO_OPEN_MAX) {
      var fold = el("details", "intro-fold", root);
      el("summary", null, fold, "What this is and how it works");
      el("p", "intro", fold, item.intro);
    } else if (item.intro) { el("p", "intro", root, item.intro); }
    var body = el("div", "act-body act-" + a.view.kind, root);
    cur = make ? make(body, item) : { update: function () {} };
    cur.key = key;
  }

  function render(view, client) {
    if (!root) { return; }
    if (client) { live = client; }
    if (typeof view.server_time === "number") { offset = view.server_time - Date.now() / 1000; }
    var a = view.activity;
    if (!a) { stop(); cur = null; root.textContent = ""; root.hidden = true; return; }
    var key = a.item.slug + "|" + a.view.kind;
    if (!cur || cur.key !== key) { stop(); build(a, key); }
    root.hidden = false;
    cur.update(a.view);
    loop();
  }

  if (motion.addEventListener) { motion.addEventListener("change", loop); }

  window.SBActivity = {
    render: render,
    /* helpers for kinds registered in window.SBActivityKinds (activity-partner.js) */
    kit: { el: el, put: put, line: line, button: button, send: send, clock: clock, now: now, same: same, errorLine: errorLine },
    handlesPass: function () { return !!(cur && cur.canPass && cur.canPass()); },
    ownsPass: function () { return !!(cur && cur.canPass); },  // a turn to pass (a round), when the view allows
    running: function () { return !!cur; },
    pass: function () { if (cur && cur.pass) { cur.pass(); } },
  };
})();
