/* The console's "Now" panel as the server draws it (core/templates/live/console/, sent as the
   facilitator view's html). This file morphs it into place with idiomorph, keeping what the
   facilitator is doing (focus, text typed but not yet saved, a <details> they opened or closed), sends
   what a button's data says (data-act / data-args / data-ask / data-done; see _controls.html), and
   ticks what moves between updates: a turn's clock, the airtime bars and the pacer (static/js/kit.js). */
(function () {
  "use strict";
  var K = window.SBKit;
  var typed = new WeakSet();  // controls the facilitator changed since the last save: the morph leaves them
  var body = null, view = null, offset = 0, send = null;

  function now() { return Date.now() / 1000 + offset; }
  function put(node, text) { if (node && node.textContent !== text) { node.textContent = text; } }
  function activity() { return view && view.activity ? view.activity.view : null; }

  function kept(node) {
    if (node.tagName === "OPTION") { node = node.closest("select") || node; }
    return typed.has(node);
  }

  var MORPH = {
    morphStyle: "innerHTML", ignoreActiveValue: true,
    callbacks: {
      beforeAttributeUpdated: function (name, node) {
        if (name === "open" && node.tagName === "DETAILS") { return false; }  // the facilitator's to open
        if ((name === "value" || name === "checked" || name === "selected") && kept(node)) { return false; }
        return true;
      }
    }
  };

  /* ---- ticks ------------------------------------------------------------------------------ */

  var TICKS = {
    turn: function (node, a) {
      var t = a.paused ? a.paused_at : now(), left = a.deadline - t, over = left < 0;  // a pause holds the clock
      put(node.firstElementChild, (a.paused ? "Paused · " : "") +
        (over ? "+" + K.elapsed(-left) + " over" : K.elapsed(Math.ceil(left)) + " left"));
      put(node.lastElementChild, "turn " + K.elapsed(t - a.turn_started_at) + " of " + K.elapsed(a.deadline - a.turn_started_at) +
        (a.paused ? " (held while the session is paused)" : " (soft: nobody is cut off)"));
      node.classList.toggle("is-over", over);
      node.classList.toggle("is-paused", !!a.paused);
    },
    airtime: function (node, a) {
      var speaking = a.speaker && a.turn_started_at ? a.speaker.id : null;
      var live = speaking ? Math.max(0, (a.paused ? a.paused_at : now()) - a.turn_started_at) : 0;
      var rows = Array.prototype.slice.call(node.querySelectorAll("tr[data-member]"));
      var values = rows.map(function (r) { return Number(r.dataset.airtime) + (r.dataset.member === speaking ? live : 0); });
      var longest = Math.max.apply(null, [1].concat(values));
      rows.forEach(function (r, i) {
        r.querySelector(".ca-bar-fill").style.width = Math.round(100 * values[i] / longest) + "%";
        put(r.querySelector(".ca-bar-text"), K.elapsed(values[i]) + (r.dataset.member === speaking ? " (speaking)" : ""));
      });
    },
    pacer: function (node, a) {
      var t = a.paused ? a.paused_at : now(), finished = a.running && t >= a.ends_at;
      var senses = a.mode === "senses", step = senses ? K.senseAt(a, t) : null;
      var text;
      if (!a.running) { text = "Stopped after " + K.elapsed(a.stopped_at - a.started_at) + "."; }
      else if (finished) { text = "Finished. Restart for another round, or move on."; }
      else if (a.paused) {
        text = "Paused with the session at " + K.elapsed(t - a.started_at) + " of " + K.elapsed(a.total_seconds) +
          ". It carries on from there when you resume.";
      } else if (senses) {
        text = "Running · step " + (step.index + 1) + " of " + a.senses.length + " · next in " + K.elapsed(step.left);
      } else {
        var b = K.breathAt(a, t);
        text = "Running · " + K.elapsed(t - a.started_at) + " of " + K.elapsed(a.total_seconds) + " · breath " +
          b.breath + " of " + a.cycles + " · " + (JSON.parse(node.getAttribute("data-words") || "{}")[b.label] || "");
      }
      put(node, text);
      node.classList.toggle("is-running", a.running && !finished && !a.paused);
      body.querySelectorAll(".ca-senses > li").forEach(function (li, i) {
        var on = senses && a.running && !finished && i === step.index;
        li.classList.toggle("is-current", on);
        if (on) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
      });
    }
  };

  function tick() {
    var a = activity();
    if (!body || !a || !view.html) { return; }
    body.querySelectorAll("[data-tick]").forEach(function (node) {
      var f = TICKS[node.getAttribute("data-tick")];
      if (f) { f(node, a); }
    });
  }

  /* ---- what the markup leaves to the page ---------------------------------------------------- */

  function finish() {
    body.querySelectorAll("time[data-at]").forEach(function (node) {  // the facilitator's own time zone
      var d = new Date((Number(node.getAttribute("data-at")) - offset) * 1000);
      put(node, ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2));
    });
    body.querySelectorAll("[data-height]").forEach(function (node) { node.style.height = node.getAttribute("data-height") + "%"; });
    var a = document.activeElement;
    if (a && body.contains(a) && a.disabled && a.getAttribute("data-fallback")) {  // the button it pressed is spent
      var next = document.getElementById(a.getAttribute("data-fallback"));
      if (next && !next.disabled) { next.focus(); }
    }
  }

  /* ---- sending what a control says -------------------------------------------------------- */

  function args(node) { return JSON.parse(node.getAttribute("data-args") || "{}"); }

  function readForm(form) {
    var answers = {};
    form.querySelectorAll("[data-field]").forEach(function (input) {
      var id = input.getAttribute("data-field"), as = input.getAttribute("data-as"), value = input.value;
      if (as === "emotion") {
        var own = form.querySelector("[data-own='" + id + "']"), word = own ? own.value.trim() : "";
        if (word) { answers[id] = { word: word, family: null }; }
        else if (value) { answers[id] = { word: value.split("|").slice(1).join("|"), family: value.split("|")[0] }; }
      } else if (as === "int") {
        if (value !== "") { answers[id] = parseInt(value, 10); }
      } else if (as === "lines") {
        var items = value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
        if (items.length) { answers[id] = items; }
      } else if (value.trim()) {
        answers[id] = value;
      }
    });
    return answers;
  }

  function onClick(ev) {
    var b = ev.target.closest("button[data-act]");
    if (!b || !body.contains(b) || b.disabled) { return; }
    var ask = b.getAttribute("data-ask");
    if (ask && !window.confirm(ask)) { return; }
    var a = args(b), pick = b.getAttribute("data-pick");
    if (pick) {  // a word picker: the ticked boxes beside the button
      a[pick] = Array.prototype.map.call(b.parentNode.querySelectorAll("input[data-pick='" + pick + "']:checked"),
                                         function (t) { return t.value; });
    }
    send(b.getAttribute("data-act"), a, b.getAttribute("data-done") || "").then(function (ack) {
      if (ack && ack.ok && pick) { b.parentNode.querySelectorAll("input").forEach(function (t) { typed.delete(t); }); }
    });
  }

  function onSubmit(ev) {
    var form = ev.target.closest("form[data-act]");
    if (!form || !body.contains(form)) { return; }
    ev.preventDefault();
    var a = args(form);
    a.answers = readForm(form);
    send(form.getAttribute("data-act"), a, form.getAttribute("data-done") || "").then(function (ack) {
      if (!ack || !ack.ok) { return; }  // a refusal keeps it open, as typed
      form.querySelectorAll("input, select, textarea").forEach(function (n) { typed.delete(n); });
      var details = form.closest("details");
      if (details) {  // done: fold it away, focus back on its summary
        details.open = false;
        details.querySelector("summary").focus();
      }
    });
  }

  function onEdit(ev) {
    if (body.contains(ev.target) && /^(INPUT|SELECT|TEXTAREA)$/.test(ev.target.tagName)) { typed.add(ev.target); }
  }

  /* Draws the panel: `sendAction(action, args, done)` sends an activity action and says how it went. */
  function draw(panelBody, v, sendAction) {
    if (!body) {
      body = panelBody;
      body.addEventListener("click", onClick);
      body.addEventListener("submit", onSubmit);
      body.addEventListener("input", onEdit);
      body.addEventListener("change", onEdit);
    }
    send = sendAction;
    view = v;
    if (typeof v.server_time === "number") { offset = v.server_time - Date.now() / 1000; }
    window.Idiomorph.morph(body, v.html, MORPH);
    finish();
    tick();
  }

  window.SBConsoleScreen = { draw: draw, tick: tick };
})();
