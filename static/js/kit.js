/* The shared front-end kit: pure functions every screen uses the same way (the phone, the console and the
   room display), so a clock reads alike everywhere, the pacer's moment is computed once and a phone's
   view is put together from its parts in one way. No DOM here:
   tests/js/kit.test.js runs it under `node --test`. In a page it is window.SBKit. */
(function (root) {
  "use strict";

  /* 75 -> "1:15"; rounds up so a countdown never shows 0:00 while time is left. */
  function clock(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  /* Time gone by: 7 -> "0:07", 61.9 -> "1:01" (rounds down, as a stopwatch does). */
  function elapsed(seconds) {
    var s = Math.max(0, Math.floor(seconds || 0));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); }

  /* The pacer: every screen computes the same moment from the view's times and the server clock.
     A stopped or paused pacer shows the moment it stopped (the view says which). */
  function ease(x) { return (1 - Math.cos(Math.PI * x)) / 2; }

  function pacerNow(v, t) {
    if (v.paused && v.paused_at != null) { return v.paused_at; }
    return v.running ? t : (v.stopped_at || t);
  }

  /* Where the breath is: label (in/hold/out/rest), seconds left in it, which breath, the circle's size 0..1. */
  function breathAt(v, t) {
    var e = Math.max(0, pacerNow(v, t) - v.started_at);
    if (e >= v.total_seconds) { return { done: true, size: 0 }; }
    var cyc = Math.floor(e / v.cycle_seconds), within = e - cyc * v.cycle_seconds, level = 0, acc = 0;
    for (var i = 0; i < v.pattern.length; i++) {
      var p = v.pattern[i], target = p.label === "in" ? 1 : p.label === "out" ? 0 : level;
      if (within < acc + p.seconds) {
        return { label: p.label, left: Math.ceil(acc + p.seconds - within), breath: cyc + 1,
          size: level + (target - level) * ease((within - acc) / p.seconds) };
      }
      level = target;
      acc += p.seconds;
    }
    return { done: true, size: 0 };
  }

  /* Where a grounding (senses) walk is: the step, seconds left in it, whether it is over. */
  function senseAt(v, t) {
    var end = pacerNow(v, t), n = v.senses.length;
    var idx = Math.min(n - 1, v.step + Math.floor(Math.max(0, end - v.step_started_at) / v.step_seconds));
    var start = v.step_started_at + (idx - v.step) * v.step_seconds;
    return { index: idx, of: n, left: v.step_seconds - (end - start), done: end >= v.ends_at };
  }

  /* A card is its opening and then the text: a typed copy of the opening is dropped once (as the
     engine does, activities/kinds/cards.py), so the preview never says it twice. */
  function withoutOpening(opening, typed) {
    var lead = opening.split("\u2026")[0].split("___")[0].replace(/^[ .]+|[ .]+$/g, "");
    if (!lead || typed.toLowerCase().indexOf(lead.toLowerCase()) !== 0) { return typed; }
    if (/[\p{L}\p{N}]/u.test(typed.charAt(lead.length))) { return typed; }
    return typed.slice(lead.length).replace(/^[ .,:;\u2026]+/, "");
  }

  /* A phone's view arrives in two parts (core/live/fanout.py): the room's "shared" part and its own
     "mine". The whole view is the shared part with mine laid over it (as activities/split.py compose). */
  function composeView(shared, mine) {
    var view = {}, m = mine || {}, key;
    for (key in shared) { if (key !== "frame" && key !== "activity") { view[key] = shared[key]; } }
    view.version = Math.max(shared.version || 0, m.version || 0);
    view.frame = Object.assign({}, shared.frame || {}, m.frame || {});
    view.activity = shared.activity ? { item: shared.activity.item,
      view: Object.assign({}, shared.activity.view, m.activity || {}) } : null;
    return view;
  }

  /* What a phone holds of its parts. Each method takes a part and returns the whole view to draw, or
     null when there is nothing new to draw: an older part arriving late, or a "mine" sent together with
     a shared part (with_shared) that has not arrived yet, held until it does (waiting() says so).
     The activity's item (its title, intro and prompts) comes once per activity: a shared part whose
     activity has only the "item_key" reuses the item held under that key; one this phone never got
     makes it stale() (the page then asks for the whole view again). */
  function viewParts() {
    var shared = null, mine = null, pending = null, item = null, stale = false;
    function newer(part, held) { return part && typeof part.version === "number" && (!held || part.version >= held.version); }
    function whole() { return shared ? composeView(shared, mine) : null; }
    function withItem(s) {  // the shared part with its item: the one it carries (kept), or the one held
      var a = s && s.activity;
      if (!a) { return s; }
      if (a.item) { item = { key: a.item_key, item: a.item }; return s; }
      if (!item || item.key !== a.item_key) { return null; }
      return Object.assign({}, s, { activity: Object.assign({}, a, { item: item.item }) });
    }
    return {
      reset: function (s, m) { shared = withItem(s); mine = m; pending = null; stale = !shared; return whole(); },
      shared: function (s) {
        if (!newer(s, shared)) { return null; }
        var full = withItem(s);
        if (!full) { stale = true; return null; }
        shared = full; stale = false;
        if (pending && s.version >= pending.version) { mine = pending; pending = null; }
        return whole();
      },
      mine: function (m) {
        if (!newer(m, mine)) { return null; }
        if (pending && pending.version <= m.version) { pending = null; }
        if (m.with_shared && (!shared || shared.version < m.version)) { pending = m; return null; }
        mine = m;
        return whole();
      },
      waiting: function () { return pending !== null; },
      stale: function () { return stale; },
    };
  }

  /* The vocabulary's words a page was given (core/vocabulary.py, in its <script type="application/json"
     id="sb-words"> block): pass the block (or null); {} when there is none or it does not parse. */
  function words(block) {
    try { return JSON.parse((block && block.textContent) || "{}") || {}; } catch (e) { return {}; }
  }

  /* A breath phase as the pacer says it (the page's words), capitalised; the phase's own name without them. */
  function breathWord(label, given) {
    var w = ((given && given.breath) || {})[label] || label || "";
    return w.charAt(0).toUpperCase() + w.slice(1);
  }

  var kit = { clock: clock, elapsed: elapsed, plural: plural, ease: ease, breathAt: breathAt, senseAt: senseAt,
              withoutOpening: withoutOpening, composeView: composeView, viewParts: viewParts, words: words,
              breathWord: breathWord };
  if (typeof module === "object" && module.exports) { module.exports = kit; } else { root.SBKit = kit; }
})(this);
