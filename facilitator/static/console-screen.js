/* The console's plan and "Now" panels as the server draws them (core/templates/live/console/, sent as
   the facilitator view's plan_html and html). This file morphs them into place with idiomorph, keeping
   what the facilitator is doing (focus, text typed but not yet saved, a <details> they opened or
   closed), sends what a control's data says (data-act or data-command, data-args, data-ask, data-done;
   see _controls.html) and says how it went in the status line, and ticks what moves between updates:
   the plan item's time, a turn's clock, the airtime bars, a pair round's timer and the pacer
   (static/js/kit.js). console.js calls SBConsoleScreen.draw(view, live) on every facilitator view. */
(function () {
  "use strict";
  var K = window.SBKit;
  var typed = new WeakSet();  // controls the facilitator changed since the last save: the morph leaves them
  var $ = function (id) { return document.getElementById(id); };
  var body = null, view = null, offset = 0, live = null, runKey = null;

  function now() { return Date.now() / 1000 + offset; }
  function put(node, text) { if (node && node.textContent !== text) { node.textContent = text; } }
  function activity() { return view && view.activity ? view.activity.view : null; }

  function kept(node) {
    if (node.tagName === "OPTION") { node = node.closest("select") || node; }
    return typed.has(node);
  }

  var MORPH = {
    /* not ignoreActiveValue: it also leaves the children of a focused element alone, and a focused
       button would keep its old label ("Pause" after it paused) */
    morphStyle: "innerHTML",
    callbacks: {
      beforeAttributeUpdated: function (name, node) {
        if (name === "open" && node.tagName === "DETAILS") { return false; }  // the facilitator's to open
        if ((name === "value" || name === "checked" || name === "selected") && (kept(node) || node === document.activeElement)) {
          return false;  // what they are typing, or typed and have not saved
        }
        return true;
      }
    }
  };

  /* ---- ticks ------------------------------------------------------------------------------ */

  var TICKS = {
    plan: function (node) {
      var p = view.plan, took = Number(node.getAttribute("data-took")), minutes = Number(node.getAttribute("data-minutes"));
      var spent = took + Math.max(0, (p.paused_at || now()) - p.item_started_at);  // a pause does not count
      put(node, K.elapsed(spent) + " of " + minutes + ":00");
      node.classList.toggle("is-over", spent > minutes * 60);
    },
    turn: function (node, a) {
      var t = a.paused ? a.paused_at : now(), left = a.deadline - t, over = left < 0;  // a pause holds the clock
      put(node.firstElementChild, (a.paused ? "Paused · " : "") +
        (over ? "+" + K.elapsed(-left) + " over" : K.elapsed(Math.ceil(left)) + " left"));
      put(node.lastElementChild, "turn " + K.elapsed(t - a.turn_started_at) + " of " + K.elapsed(a.deadline - a.turn_started_at) +
        (a.paused ? " (held while the session is paused)" : " (soft: nobody is cut off)"));
      node.classList.toggle("is-over", over);
      node.classList.toggle("is-paused", !!a.paused);
    },
    pairs: function (node, a) {
      var left = a.paused ? a.remaining : a.deadline - now(), over = left < 0;  // a pair round's soft timer
      put(node.children[1], (a.paused ? "Paused · " : "") + (over ? "+" + K.elapsed(-left) + " over" : K.elapsed(Math.ceil(left)) + " left"));
      put(node.children[2], a.paused_at != null ? "held while the session is paused"
        : a.paused ? "the timer is paused · soft: nobody is cut off" : "soft timer: nobody is cut off");
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
    if (!body || !view) { return; }
    var a = activity() || {};
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

  /* A form's arguments: each named control (dotted names nest: parts.feel), and the answers of a
     fill-in form (data-field / data-as). */
  function readForm(form) {
    var out = args(form), answers = {};
    form.querySelectorAll("[name]").forEach(function (input) {
      if (input.type === "radio" && !input.checked) { return; }
      var value = input.type === "checkbox" ? input.checked : input.getAttribute("data-as") === "int" ? parseInt(input.value, 10) : input.value;
      if (input.hasAttribute("data-optional") && typeof value === "string" && !value.trim()) { return; }
      var path = input.name.split("."), at = out;
      path.slice(0, -1).forEach(function (key) { at = at[key] = at[key] || {}; });
      at[path[path.length - 1]] = value;
    });
    form.querySelectorAll("[data-field]").forEach(function (input) {
      var id = input.getAttribute("data-field"), as = input.getAttribute("data-as"), value = input.value;
      if (as === "emotion") {
        var own = form.querySelector("[data-own='" + id + "']"), word = own ? own.value.trim() : "";
        if (word) { answers[id] = { word: word, family: null }; }
        else if (value) { answers[id] = { word: value.split("|").slice(1).join("|"), family: value.split("|")[0] }; }
      } else if (as === "int") {
        if (value !== "") { answers[id] = parseInt(value, 10); }
      } else if (as === "lines") {
        var items = value.split("\n").map(function (t) { return t.trim(); }).filter(Boolean);
        if (items.length) { answers[id] = items; }
      } else if (value.trim()) {
        answers[id] = value;
      }
    });
    if (form.querySelector("[data-field]")) { out.answers = answers; }
    return out;
  }

  /* Once the change has been drawn, focus goes to the first of data-then's ids that is there (a
     control that went away with its own command: Release, Place, Call everyone back). */
  var focusNext = null;
  function then(node) {
    var ids = (node.getAttribute("data-then") || "").split(" ").filter(Boolean);
    focusNext = ids.length ? { ids: ids, until: Date.now() + 8000 } : null;
  }
  function moveFocus() {
    if (!focusNext || Date.now() > focusNext.until) { focusNext = null; return; }
    var a = document.activeElement;
    if (a && a !== document.body && document.contains(a) && !a.disabled) { return; }  // focus was not lost
    for (var i = 0; i < focusNext.ids.length; i += 1) {
      var target = document.getElementById(focusNext.ids[i]);
      if (target && !target.disabled) { target.focus(); focusNext = null; return; }
    }
  }

  /* Results go to a polite status line near the controls; a success note fades after 6 s, an error
     after 20 s (or when the next result arrives). */
  function say(target, text, isError) {
    window.clearTimeout(target._caTimer);
    target.textContent = text || "";
    target.className = "ca-status" + (isError ? " is-error" : "");
    if (text) { target._caTimer = window.setTimeout(function () { target.textContent = ""; }, isError ? 20000 : 6000); }
  }

  function run(node, a) {
    var ask = node.getAttribute("data-ask");
    if (ask && !window.confirm(ask)) { return null; }
    then(node);
    var command = node.getAttribute("data-command");
    var where = $(node.closest("#plan-panel") ? "plan-status" : "activity-status");
    return live.command(command || "activity", command ? a : { action: node.getAttribute("data-act"), args: a }).then(function (ack) {
      if (ack && ack.ok) { say(where, node.getAttribute("data-done") || ""); moveFocus(); }
      else { focusNext = null; say(where, (ack && ack.error) || "That did not work. Please try again.", true); }
      return ack;
    });
  }

  function onClick(ev) {
    var b = ev.target.closest("button[data-act], button[data-command], button[data-from]");
    if (!b || !body.contains(b) || b.disabled) { return; }
    if (b.hasAttribute("data-from")) {  // a menu of commands: the chosen <option> says what to send
      var menu = document.getElementById(b.getAttribute("data-from"));
      var choice = menu && menu.options[menu.selectedIndex];
      if (choice && (choice.hasAttribute("data-act") || choice.hasAttribute("data-command"))) { run(choice, args(choice)); }
      return;
    }
    var a = args(b), pick = b.getAttribute("data-pick");
    if (pick) {  // a word picker: the ticked boxes beside the button
      a[pick] = Array.prototype.map.call(b.parentNode.querySelectorAll("input[data-pick='" + pick + "']:checked"),
                                         function (t) { return t.value; });
    }
    var sent = run(b, a);
    if (sent && pick) {
      sent.then(function (ack) { if (ack && ack.ok) { b.parentNode.querySelectorAll("input").forEach(function (t) { typed.delete(t); }); } });
    }
  }

  function onSubmit(ev) {
    var form = ev.target.closest("form[data-act]");
    if (!form || !body.contains(form)) { return; }
    ev.preventDefault();
    var sent = run(form, readForm(form));
    if (!sent) { return; }
    sent.then(function (ack) {
      if (!ack || !ack.ok) { return; }  // a refusal keeps it open, as typed
      form.querySelectorAll("input, select, textarea").forEach(function (n) { typed.delete(n); });
      if (form.hasAttribute("data-reset")) { form.reset(); }
      var details = form.closest("details");
      if (details) {  // done: fold it away, focus back on its summary
        details.open = false;
        details.querySelector("summary").focus();
      }
    });
  }

  /* A checkbox that is a command (open to cards): sends its state as data-arg; a refusal puts it back. */
  function onChange(ev) {
    var box = ev.target;
    if (!body.contains(box) || box.type !== "checkbox" || !box.hasAttribute("data-act")) { onEdit(ev); return; }
    var a = args(box), want = box.checked;
    a[box.getAttribute("data-arg")] = want;
    box.setAttribute("data-done", box.getAttribute(want ? "data-done-on" : "data-done-off") || "");
    var sent = run(box, a);
    if (sent) { sent.then(function (ack) { if (!ack || !ack.ok) { box.checked = !want; } }); }
  }

  function onEdit(ev) {
    if (body.contains(ev.target) && /^(INPUT|SELECT|TEXTAREA)$/.test(ev.target.tagName)) { typed.add(ev.target); }
  }

  /* A control that waits while a <details> is open (Release while the card is being edited). */
  function waiting() {
    body.querySelectorAll("[data-closed]").forEach(function (node) {
      var d = document.getElementById(node.getAttribute("data-closed"));
      node.hidden = !!(d && d.open);
    });
  }

  /* The "Now" panel's markup with its rows in their slots (core/live/console_rows.py): each slot's row
     from the view's rows, or from the rows of the view drawn before; null when one is missing. */
  var rows = {};
  function withRows(v) {
    if (!v.html || v.html.indexOf("data-row=") < 0) { rows = {}; return v.html || ""; }
    var t = document.createElement("template"), given = v.rows || {}, kept = {}, missing = false;
    t.innerHTML = v.html;
    t.content.querySelectorAll("template[data-row]").forEach(function (slot) {
      var key = slot.getAttribute("data-row"), markup = given[key] != null ? given[key] : rows[key];
      if (markup == null) { missing = true; return; }
      kept[key] = markup;
      var row = document.createElement("template");
      row.innerHTML = markup;
      slot.replaceWith(row.content);
    });
    if (missing) { return null; }
    rows = kept;
    return t.innerHTML;
  }

  /* Draws the plan and the "Now" panel for this facilitator view. */
  function draw(v, connection) {
    if (!body) {
      body = document.querySelector(".console-live");
      body.addEventListener("click", onClick);
      body.addEventListener("submit", onSubmit);
      body.addEventListener("input", onEdit);
      body.addEventListener("change", onChange);
      body.addEventListener("toggle", waiting, true);
      window.setInterval(tick, 1000);
    }
    live = connection;
    var html = withRows(v);
    if (html === null) { live.resync(); return; }  // a row this page does not have: ask for all of them
    view = v;
    if (typeof v.server_time === "number") { offset = v.server_time - Date.now() / 1000; }
    var run_ = v.plan ? v.plan.current + "@" + v.plan.item_started_at : null;
    if (runKey !== null && run_ !== runKey) { say($("activity-status"), ""); }  // a new activity: an old result no longer applies
    runKey = run_;
    $("plan-empty").hidden = !!(v.plan && v.plan.items.length);
    window.Idiomorph.morph($("plan-body"), v.plan_html || "", MORPH);
    $("activity-panel").hidden = !v.html;
    window.Idiomorph.morph($("activity-body"), html, MORPH);
    finish();
    waiting();
    moveFocus();
    tick();
  }

  window.SBConsoleScreen = { draw: draw };
})();
