/* Facilitator console: live controls for the partner exercises (pairs: empathic listening, role-play
   rehearsal, repair script) and for cards (compassionate feedback, appreciations, I-statements).
   console-activity.js calls SBConsoleKinds[kind](view, item, runKey, helpers) and patches the keyed
   sections returned here, exactly as for its own kinds: a section is rebuilt only when its signature
   changes, and focus returns to the control with the same id. Text typed into a rebuilt section is
   kept (drafts, below). DOM from createElement/textContent only: no innerHTML, no inline styles. */
(function () {
  "use strict";

  var h = null;            // helpers from console-activity.js (el, add, button, act, now, ...)
  var lastRun = null;      // the run the drafts and UI state below belong to
  var drafts = {};         // element id -> {value | checked, start, end}: what was typed, kept across rebuilds
  var reselect = {};       // ids rebuilt with a draft: put the caret back after the rebuild
  var ui = { editing: {}, open: {}, focusNext: null };   // cards being edited, <details> left open, focus to move

  var SUGGESTED_NOTE = "Thank you. Could you say this about one moment, in your own experience?";
  var EXERCISE = { listening: "Empathic listening", roleplay: "Role-play rehearsal", repair: "Repair script" };
  var PHASES = [["forming", "Forming groups"], ["running", "Rounds"], ["debrief", "Debrief"]];
  // who offers the reflection and who answers it (role positions), as in pairs_rules.LOOP_ROLES
  var LOOP = { listening: [1, 0], roleplay: [1, 0], repair: [0, 1] };
  var MODE = { feedback: "Compassionate feedback", appreciations: "Appreciations", istatement: "I-statements" };
  var ANONYMITY = {
    named: "Named: the addressee and the group see who wrote each card.",
    facilitators: "Anonymous to the group: only facilitators see who wrote a card.",
    anonymous: "Fully anonymous: nobody sees who wrote a card, not even facilitators."
  };
  var PARTS = [["feel", "I feel"], ["when", "when"], ["because", "because (optional)"], ["like", "What I'd like is"]];

  function begin(runKey, helpers) {
    h = helpers;
    if (runKey !== lastRun) {
      lastRun = runKey;
      drafts = {};
      reselect = {};
      ui = { editing: {}, open: {}, focusNext: null };
    }
    // after console-activity.js has patched the sections and restored focus: the caret too
    window.setTimeout(restoreCaret, 0);
  }

  /* A control that goes away when its command succeeds (Start round 1, Release): once the new view
     has replaced it, focus moves to the first of `ids` that exists (headings have tabindex -1). */
  function focusAfter(ids) { ui.focusNext = { ids: ids, until: Date.now() + 8000 }; }

  function moveFocus() {
    var next = ui.focusNext;
    if (!next) { return; }
    if (Date.now() > next.until) { ui.focusNext = null; return; }
    var a = document.activeElement;
    if (a && a !== document.body && document.contains(a)) { return; }  // focus was not lost
    for (var i = 0; i < next.ids.length; i += 1) {
      var target = next.ids[i] && document.getElementById(next.ids[i]);
      if (target && !target.disabled) {
        target.focus();
        if (document.activeElement === target) { ui.focusNext = null; return; }
      }
    }
  }

  function restoreCaret() {
    moveFocus();
    var a = document.activeElement;
    var ids = Object.keys(reselect);
    reselect = {};
    if (!a || !a.id || ids.indexOf(a.id) < 0 || !drafts[a.id] || typeof a.setSelectionRange !== "function") { return; }
    var d = drafts[a.id];
    if (typeof d.start === "number") {
      try { a.setSelectionRange(d.start, d.end); } catch (e) { /* not a text field */ }
    }
  }

  // ---- small builders -------------------------------------------------------------------------

  function el(tag, attrs, text) { return h.el(tag, attrs, text); }
  function add(parent, child) { return h.add(parent, child); }
  function text(parent, s) { parent.appendChild(document.createTextNode(s)); }

  function block(cls, labelledBy) {
    return el("div", { "class": "ca-block cp-block" + (cls ? " " + cls : ""), role: labelledBy ? "region" : null,
                       "aria-labelledby": labelledBy || null });
  }

  function keep(node, id, key) {
    function save() {
      var d = { start: null, end: null };
      d[key] = node[key];
      if (key === "value" && typeof node.selectionStart === "number") {
        d.start = node.selectionStart;
        d.end = node.selectionEnd;
      }
      drafts[id] = d;
    }
    ["input", "change", "keyup", "mouseup", "select"].forEach(function (ev) { node.addEventListener(ev, save); });
  }

  /* A labelled text input or textarea that keeps its draft across rebuilds. */
  function textField(parent, id, label, opts) {
    opts = opts || {};
    var wrap = add(parent, el("div", { "class": "cp-field" + (opts.cls ? " " + opts.cls : "") }));
    add(wrap, el("label", { "for": id, "class": opts.hiddenLabel ? "sr-only" : null }, label));
    var hintId = null;
    if (opts.hint) {
      hintId = id + "-hint";
      add(wrap, el("p", { "class": "hint", id: hintId }, opts.hint));
    }
    var input = add(wrap, el(opts.multi ? "textarea" : "input", {
      id: id, type: opts.multi ? null : "text", rows: opts.multi ? String(opts.rows || 3) : null,
      maxlength: opts.max ? String(opts.max) : null, autocomplete: "off", "aria-describedby": hintId,
      placeholder: opts.placeholder || null
    }));
    var d = drafts[id];
    input.value = d && typeof d.value === "string" ? d.value : (opts.value || "");
    if (d) { reselect[id] = true; }
    keep(input, id, "value");
    return input;
  }

  /* A labelled select (options: [value, label, disabled]) that keeps its choice across rebuilds. */
  function selectField(parent, id, label, options, opts) {
    opts = opts || {};
    var wrap = add(parent, el("div", { "class": "cp-field" + (opts.cls ? " " + opts.cls : "") }));
    add(wrap, el("label", { "for": id, "class": opts.hiddenLabel ? "sr-only" : null }, label));
    var select = add(wrap, el("select", { id: id }));
    options.forEach(function (o) { add(select, el("option", { value: o[0], disabled: !!o[2] }, o[1])); });
    var d = drafts[id];
    var wanted = d && typeof d.value === "string" ? d.value : opts.value;
    if (wanted !== undefined && options.some(function (o) { return o[0] === wanted && !o[2]; })) { select.value = wanted; }
    else {
      var first = options.filter(function (o) { return !o[2]; })[0];
      if (first) { select.value = first[0]; }
    }
    keep(select, id, "value");
    return select;
  }

  function checkField(parent, id, label, checked) {
    var wrap = add(parent, el("div", { "class": "check cp-check" }));
    var box = add(wrap, el("input", { type: "checkbox", id: id }));
    var d = drafts[id];
    box.checked = d && typeof d.checked === "boolean" ? d.checked : !!checked;
    keep(box, id, "checked");
    add(wrap, el("label", { "for": id }, label));
    return box;
  }

  /* Clear what was typed once the server accepted it (the section may already show the draft). */
  function forget(ids) {
    ids.forEach(function (id) {
      delete drafts[id];
      var node = document.getElementById(id);
      if (node && (node.tagName === "TEXTAREA" || (node.tagName === "INPUT" && node.type === "text"))) { node.value = ""; }
    });
  }

  /* <details> whose open state survives a rebuild. */
  function details(id, summary, cls) {
    var d = el("details", { id: id, "class": "cp-details" + (cls ? " " + cls : ""), open: !!ui.open[id] });
    d.addEventListener("toggle", function () { ui.open[id] = d.open; });
    add(d, el("summary", {}, summary));
    return d;
  }

  function act(action, args, done) {
    return h.act(action, args, done).then(function (ack) {
      if (!ok(ack)) { ui.focusNext = null; }  // the control is still there
      return ack;
    });
  }

  function ok(ack) { return !!(ack && ack.ok); }

  var plural = SBKit.plural;

  function short(line) {
    var i = line.indexOf(":");
    return i > 0 && i <= 32 ? line.slice(0, i) : line;
  }

  // ---- pairs ------------------------------------------------------------------------------------

  function position(v, g, seat) {
    var n = g.members.length;
    return (((seat - Math.max(v.round - 1, 0)) % n) + n) % n;
  }

  function groupLabel(g) { return "Group " + (g.index + 1); }

  function locationMarker(m) {
    return m.in_room ? h.marker("in the room", "ca-mk-room") : h.marker("remote", "cp-mk-remote");
  }

  function pairsSections(v, item, runKey) {
    var out = [pairsTop(v, runKey)];
    if (v.phase !== "debrief" && ((v.groups.length && v.unplaced.length) || v.notes.length)) { out.push(pairsWaiting(v, runKey)); }
    if (v.groups.length && v.phase !== "debrief") {
      out.push(pairsGroupsHead(v, runKey));
      v.groups.forEach(function (g) { out.push(pairsGroup(v, g, runKey)); });
    }
    if (v.phase === "debrief") {
      out.push(pairsDebrief(v, runKey));
      out.push(pairsResults(v, runKey));
    }
    out.push(pairsGuide(v, runKey));
    return out;
  }

  function pairsTop(v, runKey) {
    return {
      key: "pairs-top",
      sig: JSON.stringify([runKey, v.exercise, v.phase, v.round, v.total_rounds, v.deadline, v.paused, v.remaining,
                           v.groups.length, v.round_minutes, v.group_setting, v.scenario,
                           v.present.map(function (m) { return [m.name, m.in_room]; })]),
      build: function (ticker) {
        var box = block("cp-pairs-top");
        var steps = add(box, el("ol", { "class": "cp-phases", "aria-label": "Phases of the exercise" }));
        PHASES.forEach(function (p) {
          var on = p[0] === v.phase;
          add(steps, el("li", { "class": on ? "is-current" : null, "aria-current": on ? "step" : null }, p[1]));
        });
        var groupWord = v.group_setting === "pairs" ? "Pairs (one triad if the numbers are odd)" : "Triads (pairs where the numbers need it)";
        var meta = (EXERCISE[v.exercise] || v.exercise) + " \u00b7 " + groupWord + " \u00b7 " + v.round_minutes + "-minute rounds";
        if (v.phase === "debrief") { meta += " \u00b7 " + plural(v.round, "round") + " done"; }
        add(box, el("p", { "class": "ca-meta" }, meta));
        if (v.scenario && v.phase !== "debrief") {
          var sc = add(box, el("p", { "class": "cp-scenario" }));
          add(sc, el("span", { "class": "ca-label" }, v.phase === "forming" ? "Scenario for round 1: " : "Scenario this round: "));
          text(sc, v.scenario);
        }

        if (v.phase === "forming") {
          add(box, el("h4", { id: "pairs-form-h" }, v.groups.length ? "Form the groups again" : "Form the groups"));
          var remote = v.present.filter(function (m) { return !m.in_room; }).map(function (m) { return m.name; });
          var room = v.present.filter(function (m) { return m.in_room; }).map(function (m) { return m.name; });
          add(box, el("p", { "class": "cp-here" }, v.present.length + " here" +
            (remote.length ? " \u00b7 remote: " + remote.join(", ") : "") + (room.length ? " \u00b7 in the room: " + room.join(", ") : "")));
          if (v.present.length < 2) {
            add(box, el("p", { "class": "ca-hint" }, "At least two people are needed to form groups."));
          }
          var f = add(box, h.buttons("Form the groups"));
          f.appendChild(h.button("Random", { id: "pairs-form-random", cls: v.groups.length ? "" : "primary",
                                             more: "groups", disabled: v.present.length < 2 },
                                 function () { act("form_groups", { how: "random" }, "Groups formed at random."); }));
          f.appendChild(h.button("Keep in-room with in-room, remote with remote", { id: "pairs-form-location",
                                                                                   disabled: v.present.length < 2 },
                                 function () { act("form_groups", { how: "by_location" }, "Groups formed: in-room with in-room, remote with remote."); }));
          var s = add(box, h.buttons("Rounds"));
          s.appendChild(h.button("Start round 1", { id: "pairs-start", cls: v.groups.length ? "primary" : "",
                                                    disabled: !v.groups.length, fallback: "pairs-form-random" },
                                 function () { focusAfter(["pairs-next"]); act("start_round", {}, "Round 1 has started."); }));
          if (!v.groups.length) { add(box, el("p", { "class": "ca-hint" }, "Form the groups first. You can move people between groups before you start.")); }
        } else if (v.phase === "running") {
          var timer = add(box, el("div", { "class": "cp-timer", role: "group", "aria-label": "Round timer" }));
          add(timer, el("span", { "class": "cp-round" }, "Round " + v.round + " of " + v.total_rounds));
          var big = add(timer, el("span", { "class": "ca-timer-big" }));
          var small = add(timer, el("span", { "class": "ca-timer-small" }));
          ticker(function () {
            var left = v.paused ? v.remaining : v.deadline - h.now();
            var over = left < 0;
            var words = over ? "+" + h.mmss(-left) + " over" : h.mmss(Math.ceil(left)) + " left";
            big.textContent = (v.paused ? "Paused \u00b7 " : "") + words;
            small.textContent = v.paused_at != null ? "held while the session is paused"
              : v.paused ? "the timer is paused \u00b7 soft: nobody is cut off" : "soft timer: nobody is cut off";
            timer.classList.toggle("is-over", over);
            timer.classList.toggle("is-paused", !!v.paused);
          });
          var last = v.round >= v.total_rounds;
          var b = add(box, h.buttons("Rounds"));
          b.appendChild(h.button(last ? "Every role done" : "Next round", {
            id: "pairs-next", cls: last ? "" : "primary", disabled: last, fallback: "pairs-callback",
            more: last ? "" : "(rotate roles)"
          }, function () { act("next_round", {}, "Round " + (v.round + 1) + ": roles have rotated."); }));
          b.appendChild(h.button("+1 min", { id: "pairs-ext1", more: "extend the round by one minute" },
                                 function () { act("extend", { seconds: 60 }, "Added one minute."); }));
          b.appendChild(h.button("+2 min", { id: "pairs-ext2", more: "extend the round by two minutes" },
                                 function () { act("extend", { seconds: 120 }, "Added two minutes."); }));
          if (v.paused_at != null) {
            /* the session's pause holds the timer; resuming the session lets it run on */
          } else if (v.paused) {
            b.appendChild(h.button("Resume", { id: "pairs-pause", more: "the timer" },
                                   function () { act("resume", {}, "The timer is running again."); }));
          } else {
            b.appendChild(h.button("Pause", { id: "pairs-pause", more: "the timer" },
                                   function () { act("pause", {}, "The timer is paused."); }));
          }
          b.appendChild(h.button("Call everyone back", { id: "pairs-callback", cls: last ? "primary ca-push" : "ca-push" }, function () {
            if (!window.confirm("Call everyone back to the group for the debrief? The rounds end for every group.")) { return; }
            focusAfter(["pairs-debrief-h"]);
            act("call_back", {}, "Everyone is called back for the debrief.");
          }));
        } else {
          add(box, el("p", { "class": "ca-done" }, "Everyone is back together. Invite what helped and what to adjust, not what was shared."));
        }
        return box;
      }
    };
  }

  function roomFor(v, g) { return g.members.length < 3; }

  function pairsWaiting(v, runKey) {
    return {
      key: "pairs-waiting",
      sig: JSON.stringify([runKey, v.phase, v.notes, v.unplaced, v.groups.map(function (g) {
        return g.members.map(function (m) { return [m.id, m.name]; });
      })]),
      build: function () {
        var box = block("cp-waiting", "pairs-waiting-h");
        if (!v.groups.length && !v.notes.length) { return box; }
        add(box, el("h4", { id: "pairs-waiting-h" }, v.unplaced.length ? "Waiting to be placed" : "Notes on the groups"));
        if (v.notes.length) {
          var notes = add(box, el("ul", { "class": "cp-notes" }));
          v.notes.forEach(function (n) { add(notes, el("li", {}, n)); });
        }
        if (!v.unplaced.length) { return box; }
        var open = v.groups.filter(function (g) { return roomFor(v, g); });
        if (v.groups.length && !open.length) {
          add(box, el("p", { "class": "ca-hint" }, v.unplaced.length === 1
            ? "Every group has three people: pair " + v.unplaced[0].name + " with someone from a triad."
            : "Every group has three people."));
        }
        var list = add(box, el("ul", { "class": "cp-people" }));
        v.unplaced.forEach(function (m) {
          var li = add(list, el("li", { "class": "cp-person" }));
          var who = add(li, el("div", { "class": "ca-member-who" }));
          add(who, el("span", { "class": "ca-member-name" }, m.name));
          who.appendChild(locationMarker(m));
          if (!v.groups.length) { return; }
          if (!open.length) {
            if (v.unplaced.length === 1) { li.appendChild(newPair(v, m)); }
            return;
          }
          var row = add(li, el("div", { "class": "cp-move" }));
          var id = "pairs-place-" + m.id;
          var select = selectField(row, id, "Place " + m.name + " in", open.map(function (g) {
            return [String(g.index), groupLabel(g) + " (" + g.members.map(function (x) { return x.name; }).join(", ") + ")"];
          }), { cls: "cp-inline-field" });
          row.appendChild(h.button("Place", { id: id + "-go", cls: "small", more: m.name + " in the chosen group" }, function () {
            var to = parseInt(select.value, 10);
            focusAfter(["pairs-move-" + m.id, "pairs-g-" + (v.groups[to] || {}).id + "-h", "pairs-groups-h"]);
            act("move", { member: m.id, to: to }, m.name + " is now in group " + (to + 1) + ".");
          }));
        });
        if (v.groups.length && !open.length && v.unplaced.length > 1) { waitingTogether(v, box); }
        return box;
      }
    };
  }

  var REFORM = "This re-forms the groups by hand. The counts for this round start again in every group. Continue?";

  /* Everyone is in a triad and one person waits: take someone out of a triad to make a new pair. The
     engine has no "new group" command, so this re-forms every group by hand (how: manual). */
  function newPair(v, m) {
    var candidates = [];
    v.groups.forEach(function (g) {
      if (g.members.length < 3) { return; }
      g.members.forEach(function (x) { candidates.push([x.id, x.name + " (" + groupLabel(g) + ")"]); });
    });
    var row = el("div", { "class": "cp-move" });
    var id = "pairs-pair-" + m.id;
    var select = selectField(row, id, "Pair " + m.name + " with", candidates, { cls: "cp-inline-field" });
    row.appendChild(h.button("Make a pair", { id: id + "-go", cls: "small", more: "with " + m.name }, function () {
      var partner = select.value;
      var groups = v.groups.map(function (g) {
        return g.members.map(function (x) { return x.id; }).filter(function (x) { return x !== partner; });
      }).concat([[partner, m.id]]);
      if (v.phase === "running" && !window.confirm(REFORM)) { return; }
      focusAfter(["pairs-move-" + m.id, "pairs-groups-h"]);
      act("form_groups", { how: "manual", groups: groups }, m.name + " has a new partner.");
    }));
    return row;
  }

  /* Several people wait and no group has room: put them together, or form every group again. */
  function waitingTogether(v, box) {
    var names = v.unplaced.map(function (m) { return m.name; }).join(" and ");
    var b = add(box, h.buttons("Place the people waiting"));
    if (v.unplaced.length <= 3) {
      b.appendChild(h.button("Put " + names + " together", { id: "pairs-together", cls: "primary" }, function () {
        var groups = v.groups.map(function (g) { return g.members.map(function (x) { return x.id; }); })
          .concat([v.unplaced.map(function (m) { return m.id; })]);
        if (v.phase === "running" && !window.confirm(REFORM)) { return; }
        focusAfter(["pairs-groups-h"]);
        act("form_groups", { how: "manual", groups: groups }, names + " are a new group.");
      }));
    }
    if (v.phase === "running") {
      b.appendChild(h.button("Form again at random", { id: "pairs-reform-random", more: "(every group)" }, function () {
        if (!window.confirm(REFORM)) { return; }
        act("form_groups", { how: "random" }, "Groups formed again at random.");
      }));
      b.appendChild(h.button("Form again: in-room with in-room", { id: "pairs-reform-location", more: "(every group)" }, function () {
        if (!window.confirm(REFORM)) { return; }
        act("form_groups", { how: "by_location" }, "Groups formed again: in-room with in-room, remote with remote.");
      }));
    }
  }

  function pairsGroupsHead(v, runKey) {
    return {
      key: "pairs-groups-h",
      sig: JSON.stringify([runKey, v.phase, v.groups.length, v.totals, v.round]),
      build: function () {
        var box = block("cp-groups-head");
        add(box, el("h4", { id: "pairs-groups-h", tabindex: "-1" }, "Groups (" + v.groups.length + ")"));
        if (v.phase === "forming") {
          add(box, el("p", { "class": "ca-hint" }, "Roles shown are for round 1. Move people with the menus; a group keeps two or three people."));
        } else {
          var t = v.totals;
          add(box, el("p", { "class": "cp-totals" }, "All groups, all rounds: " + plural(t.loops, "reflection") + " \u00b7 " +
                                                   t.yes + " \u201cyes, that's it\u201d \u00b7 " + t.not_quite + " \u201cnot quite\u201d"));
        }
        return box;
      }
    };
  }

  function pairsGroup(v, g, runKey) {
    var layout = v.groups.map(function (x) { return [x.id, x.members.map(function (m) { return [m.id, m.name]; })]; });
    return {
      key: "pairs-g-" + g.id,
      sig: JSON.stringify([runKey, v.exercise, v.phase, v.round, g, layout, v.unplaced.length,
                           v.observer_checklist, v.repair_steps, v.roles]),
      build: function () {
        var headId = "pairs-g-" + g.id + "-h";
        var box = el("section", { "class": "cp-group", "aria-labelledby": headId });
        var head = add(box, el("div", { "class": "cp-group-head" }));
        add(head, el("h5", { id: headId, tabindex: "-1" }, groupLabel(g)));
        if (g.mixed) { head.appendChild(h.marker("in the room and remote", "cp-mk-mixed")); }
        var list = add(box, el("ul", { "class": "cp-people" }));
        g.members.forEach(function (m, seat) { list.appendChild(groupMember(v, g, m, seat, layout)); });
        var stuck = v.phase !== "debrief" && v.groups.length > 1 && g.members.length <= 2 &&
          !(v.phase === "forming" && !v.unplaced.length);
        if (stuck) {
          add(box, el("p", { "class": "cp-note" }, v.groups.some(function (x) { return x.members.length > 2; })
            ? "A pair stays together: moving one of them would leave the other alone. Move someone in from a triad instead."
            : "A pair stays together: moving one of them would leave the other alone."));
        }
        if (v.phase === "running") { groupProgress(v, g, box); }
        return box;
      }
    };
  }

  function groupMember(v, g, m, seat, layout) {
    var li = el("li", { "class": "cp-person" });
    var who = add(li, el("div", { "class": "ca-member-who" }));
    add(who, el("span", { "class": "ca-member-name" }, m.name));
    add(who, el("span", { "class": "cp-role" }, m.role));
    who.appendChild(locationMarker(m));
    if (!m.present) { who.appendChild(h.marker("left", "ca-mk-left")); }
    var options = [];
    v.groups.forEach(function (other) {
      if (other.id === g.id) { return; }
      var full = other.members.length >= 3;
      options.push(["to:" + other.index, "Move to " + groupLabel(other) + (full ? " (full)" : ""), full || g.members.length <= 2]);
    });
    // Swapping re-forms every group by hand: only before the rounds start, and with nobody waiting.
    if (v.phase === "forming" && !v.unplaced.length) {
      v.groups.forEach(function (other) {
        if (other.id === g.id) { return; }
        other.members.forEach(function (x) { options.push(["swap:" + x.id, "Swap with " + x.name + " (" + groupLabel(other) + ")"]); });
      });
    }
    var usable = options.filter(function (o) { return !o[2]; });
    if (v.phase !== "debrief" && usable.length) {
      var row = add(li, el("div", { "class": "cp-move" }));
      var id = "pairs-move-" + m.id;
      var select = selectField(row, id, "Move or swap " + m.name, options, { hiddenLabel: true });
      row.appendChild(h.button("Move", { id: id + "-go", cls: "small", more: m.name }, function () { moveMember(v, g, m, select.value, layout); }));
    }
    if (v.phase === "running" && m.in_room && m.present) { li.appendChild(actFor(v, g, m, seat)); }
    return li;
  }

  function moveMember(v, g, m, choice, layout) {
    if (!choice) { return; }
    if (choice.indexOf("to:") === 0) {
      var to = parseInt(choice.slice(3), 10);
      act("move", { member: m.id, to: to }, m.name + " moved to group " + (to + 1) + ".");
      return;
    }
    var other = choice.slice(5);
    var otherName = "";
    var groups = layout.map(function (entry) {
      return entry[1].map(function (x) {
        if (x[0] === m.id) { return other; }
        if (x[0] === other) { otherName = x[1]; return m.id; }
        return x[0];
      });
    });
    act("form_groups", { how: "manual", groups: groups }, m.name + " and " + otherName + " swapped groups.");
  }

  /* Buttons to act for an in-room member, by the role they hold this round. */
  function actFor(v, g, m, seat) {
    var pos = position(v, g, seat);
    var loop = LOOP[v.exercise] || [1, 0];
    var box = el("div", { "class": "cp-actfor", role: "group", "aria-label": "For " + m.name + " (in the room)" });
    add(box, el("span", { "class": "cp-actfor-label" }, "For " + m.name + ":"));
    if (pos === loop[0]) {
      box.appendChild(h.button("Reflection offered", { id: "pairs-reflected-" + m.id, cls: "small", more: "by " + m.name },
                               function () { act("reflected", { member: m.id }, "Noted a reflection by " + m.name + "."); }));
    }
    if (pos === loop[1]) {
      var waiting = !!g.loops.waiting_for_answer;
      box.appendChild(h.button("Yes, that's it", { id: "pairs-yes-" + m.id, cls: "small", disabled: !waiting,
                                                   fallback: "pairs-no-" + m.id, more: "(" + m.name + ")" },
                               function () { act("confirm", { member: m.id, result: "yes" }, m.name + ": yes, that's it."); }));
      box.appendChild(h.button("Not quite", { id: "pairs-no-" + m.id, cls: "small", disabled: !waiting, more: "(" + m.name + ")" },
                               function () { act("confirm", { member: m.id, result: "not_quite" }, m.name + ": not quite."); }));
      if (!waiting) { add(box, el("span", { "class": "cp-note" }, "after a reflection")); }
    }
    if (v.exercise === "repair" && pos === 0 && v.repair_steps.length) {
      add(box, el("span", { "class": "cp-note", "aria-hidden": "true" }, "steps done:"));
      v.repair_steps.forEach(function (step, i) {
        var done = g.steps_done.indexOf(i) >= 0;
        var b = h.button("Step " + (i + 1), { id: "pairs-step-" + m.id + "-" + i, cls: "small cp-step-toggle",
                                              more: "(" + short(step) + ", " + m.name + ")" },
                         function () { act("repair_step", { member: m.id, index: i, done: !done },
                                           "Step " + (i + 1) + (done ? " unmarked" : " marked done") + " for " + m.name + "."); });
        b.setAttribute("aria-pressed", done ? "true" : "false");
        box.appendChild(b);
      });
    }
    if (pos >= 2) { box.appendChild(checklistFor(v, g, m)); }
    return box;
  }

  function checklistFor(v, g, m) {
    var mine = g.checklists.filter(function (c) { return c.round === v.round && c.by === m.id; })[0];
    var base = "pairs-cl-" + m.id + "-r" + v.round;
    var d = details(base, "Observer checklist", "cp-inline-details");
    d.querySelector("summary").appendChild(h.srOnly(" for " + m.name));
    var form = add(d, el("form", { "class": "cp-form", novalidate: true }));
    var boxes = v.observer_checklist.map(function (line, i) {
      return checkField(form, base + "-" + i, line, mine ? !!mine.items[String(i)] : false);
    });
    var note = textField(form, base + "-note", "Note from " + m.name, { multi: true, rows: 2, max: 300,
                                                                         value: mine && mine.note ? mine.note : "" });
    var b = add(form, h.buttons("Checklist for " + m.name));
    b.appendChild(h.button("Save checklist", { id: base + "-save", cls: "small primary", submit: true, more: "for " + m.name }));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var items = {};
      boxes.forEach(function (bx, i) { items[String(i)] = bx.checked; });
      var args = { member: m.id, items: items };
      if (note.value.trim()) { args.note = note.value; }
      act("checklist", args, "Saved " + m.name + "'s checklist.").then(function (ack) {
        if (ok(ack)) {
          boxes.forEach(function (bx, i) { delete drafts[base + "-" + i]; });
          delete drafts[base + "-note"];
        }
      });
    });
    return d;
  }

  function groupProgress(v, g, box) {
    var l = g.loops;
    var stats = add(box, el("div", { "class": "cp-stats" }));
    var line = add(stats, el("p", { "class": "cp-stat-line" }));
    add(line, el("strong", {}, "This round: "));
    text(line, plural(l.reflections, "reflection") + " \u00b7 " + l.yes + " \u201cyes, that's it\u201d \u00b7 " + l.not_quite + " \u201cnot quite\u201d");
    if (l.waiting_for_answer) { line.appendChild(document.createTextNode(" ")); line.appendChild(h.marker("waiting for an answer", "ca-mk-next")); }
    if (l.words.length) {
      add(stats, el("p", { "class": "cp-stat-line" }, "Added with \u201cnot quite\u201d: " + l.words.map(h.quote).join(", ")));
    }
    var earlier = g.loops_by_round.filter(function (r) { return r.round !== v.round; });
    if (earlier.length) {
      add(stats, el("p", { "class": "cp-stat-line cp-muted" }, earlier.map(function (r) {
        return "Round " + r.round + ": " + plural(r.reflections, "reflection") + ", " + r.yes + " yes";
      }).join(" \u00b7 ")));
    }
    if (v.exercise === "repair" && v.repair_steps.length) {
      var steps = add(stats, el("p", { "class": "cp-stat-line" }));
      add(steps, el("strong", {}, "Repair steps: "));
      text(steps, g.steps_done.length + " of " + v.repair_steps.length + " done" +
           (g.steps_done.length ? " (" + g.steps_done.map(function (i) { return short(v.repair_steps[i]); }).join(", ") + ")" : ""));
    }
    if (g.reflection_notes.length) {
      var nd = add(stats, el("details", { "class": "cp-details cp-inline-details" }));
      add(nd, el("summary", {}, plural(g.reflection_notes.length, "reflection note") + " (only facilitators see these)"));
      var nl = add(nd, el("ul", { "class": "cp-notes" }));
      g.reflection_notes.forEach(function (n) { add(nl, el("li", {}, n.name + ": " + n.note)); });
    }
    if (g.checklists.length) {
      var cl = add(stats, el("ul", { "class": "cp-checklists", "aria-label": "Observer checklists in " + groupLabel(g) }));
      g.checklists.forEach(function (c) {
        var li = add(cl, el("li", {}));
        add(li, el("strong", {}, "Round " + c.round + ", " + c.name + ": "));
        var ticked = v.observer_checklist.filter(function (line, i) { return c.items[String(i)]; }).map(short);
        text(li, ticked.length ? "\u2713 " + ticked.join(", \u2713 ") : "no items ticked");
        if (c.note) { text(li, " \u00b7 " + h.quote(c.note)); }
      });
    }
  }

  function pairsDebrief(v, runKey) {
    var inRoom = v.present.filter(function (m) { return m.in_room; });
    var showNames = !!(h.view && h.view.frame && h.view.frame.show_names);
    return {
      key: "pairs-debrief",
      sig: JSON.stringify([runKey, v.debriefs, v.shown_debrief, v.present, showNames]),
      build: function () {
        var box = block("cp-debrief", "pairs-debrief-h");
        add(box, el("h4", { id: "pairs-debrief-h", tabindex: "-1" }, "Debrief answers (" + v.debriefs.length + " of " + v.present.length + ")"));
        var spot = add(box, el("div", { "class": "ca-spotlight" + (v.shown_debrief ? " is-on" : "") }));
        if (v.shown_debrief) {
          var p = add(spot, el("p", {}));
          add(p, el("strong", {}, "On the display now: "));
          text(p, h.quote(v.shown_debrief.text) + " (" + v.shown_debrief.name + " \u00b7 " + v.shown_debrief.question + ")");
          var back = "pairs-show-" + v.shown_debrief.member + "-" + v.shown_debrief.answer;
          spot.appendChild(h.button("Clear the display", { id: "pairs-hide", cls: "small" }, function () {
            focusAfter([back, "pairs-debrief-h"]);
            act("hide_debrief", {}, "The display is clear.");
          }));
        } else {
          add(spot, el("p", {}, "No answer is on the display."));
        }
        add(box, el("p", { "class": "ca-hint" }, showNames ? "Shown with the person's first name (names are on for the display)."
                                                          : "Shown without a name."));
        var list = add(box, el("ul", { "class": "cp-debriefs", "aria-labelledby": "pairs-debrief-h" }));
        v.debriefs.forEach(function (d) {
          var li = add(list, el("li", { "class": "cp-debrief-item" }));
          add(li, el("span", { "class": "ca-member-name" }, d.name));
          var dl = add(li, el("dl", { "class": "cp-answers" }));
          [["helped", "What helped"], ["adjust", "What to adjust"]].forEach(function (q) {
            if (!d[q[0]]) { return; }
            add(dl, el("dt", {}, q[1]));
            var dd = add(dl, el("dd", {}));
            add(dd, el("span", {}, d[q[0]]));
            var on = v.shown_debrief && v.shown_debrief.member === d.id && v.shown_debrief.answer === q[0];
            if (on) { dd.appendChild(h.marker("on the display now", "ca-mk-spot")); return; }
            dd.appendChild(h.button("Show on the room display", {
              id: "pairs-show-" + d.id + "-" + q[0], cls: "small",
              more: "(" + d.name + ": " + q[1].toLowerCase() + ")"
            }, function () {
              focusAfter(["pairs-hide"]);
              act("show_debrief", { member: d.id, answer: q[0] }, d.name + "'s answer is on the display.");
            }));
          });
        });
        var missing = v.present.filter(function (m) { return !v.debriefs.some(function (d) { return d.id === m.id; }); });
        if (missing.length) {
          add(box, el("p", { "class": "ca-hint" }, "Not answered yet: " + missing.map(function (m) { return m.name; }).join(", ")));
        }
        inRoom.forEach(function (m) { box.appendChild(debriefFor(v, m)); });
        return box;
      }
    };
  }

  function debriefFor(v, m) {
    var mine = v.debriefs.filter(function (d) { return d.id === m.id; })[0];
    var base = "pairs-db-" + m.id;
    var d = details(base, (mine ? "Change the debrief for " : "Debrief for ") + m.name + " (in the room)", "cp-fill");
    var form = add(d, el("form", { "class": "cp-form", novalidate: true }));
    var helped = textField(form, base + "-helped", "What helped?", { multi: true, rows: 2, max: 300, value: mine ? mine.helped : "" });
    var adjust = textField(form, base + "-adjust", "What would you adjust?", { multi: true, rows: 2, max: 300, value: mine ? mine.adjust : "" });
    var b = add(form, h.buttons("Debrief for " + m.name));
    b.appendChild(h.button("Save", { id: base + "-save", cls: "small primary", submit: true, more: m.name + "'s debrief" }));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      act("debrief", { member: m.id, helped: helped.value, adjust: adjust.value }, "Saved " + m.name + "'s debrief.").then(function (ack) {
        if (ok(ack)) { delete drafts[base + "-helped"]; delete drafts[base + "-adjust"]; }
      });
    });
    return d;
  }

  function pairsResults(v, runKey) {
    return {
      key: "pairs-results",
      sig: JSON.stringify([runKey, v.totals, v.groups, v.observer_checklist, v.repair_steps]),
      build: function () {
        var box = block("cp-results", "pairs-results-h");
        add(box, el("h4", { id: "pairs-results-h" }, "How the rounds went"));
        var t = v.totals;
        add(box, el("p", { "class": "cp-totals" }, plural(t.loops, "reflection") + " \u00b7 " + t.yes + " \u201cyes, that's it\u201d \u00b7 " +
                                                 t.not_quite + " \u201cnot quite\u201d, over " + plural(v.round, "round")));
        var list = add(box, el("ul", { "class": "cp-results-list" }));
        v.groups.forEach(function (g) {
          var li = add(list, el("li", {}));
          add(li, el("strong", {}, groupLabel(g) + " (" + g.members.map(function (m) { return m.name; }).join(", ") + "): "));
          text(li, g.loops_by_round.length ? g.loops_by_round.map(function (r) {
            return "round " + r.round + ": " + plural(r.reflections, "reflection") + ", " + r.yes + " yes";
          }).join(", ") : "no reflections noted");
          if (g.checklists.length) { text(li, " \u00b7 " + plural(g.checklists.length, "observer checklist")); }
        });
        return box;
      }
    };
  }

  function pairsGuide(v, runKey) {
    return {
      key: "pairs-guide",
      sig: JSON.stringify([runKey, v.roles, v.listener_prompts, v.observer_checklist, v.repair_steps]),
      build: function () {
        var d = details("pairs-roles", "Roles, prompts and checklist (what members see)", "ca-guide cp-guide");
        var inner = add(d, el("div", { "class": "ca-guide-body", tabindex: "0", role: "region",
                                        "aria-label": "Roles, prompts and checklist" }));
        add(inner, el("h4", {}, "Roles"));
        var dl = add(inner, el("dl", { "class": "cp-answers" }));
        v.roles.forEach(function (r) { add(dl, el("dt", {}, r.role)); add(dl, el("dd", {}, r.does)); });
        [["Listener prompts", v.listener_prompts, false], ["Observer checklist", v.observer_checklist, false],
         ["Repair steps", v.repair_steps, true]].forEach(function (x) {
          if (!x[1].length) { return; }
          add(inner, el("h4", {}, x[0]));
          var list = add(inner, el(x[2] ? "ol" : "ul", { "class": "ca-guide-list" }));
          x[1].forEach(function (line) { add(list, el("li", {}, line)); });
        });
        return d;
      }
    };
  }

  // ---- cards ------------------------------------------------------------------------------------

  function toName(row) { return row.to === "group" ? "the group" : row.to.name; }

  function fromName(row, anonymity) { return row.from ? row.from.name : (anonymity === "anonymous" ? "anonymous" : "someone"); }

  function cardHeader(parent, row) {
    var p = add(parent, el("p", { "class": "cp-card-head" }));
    add(p, el("span", { "class": "cp-from" }, row.from ? row.from.name : "Anonymous"));
    text(p, " \u2192 ");
    add(p, el("span", { "class": "cp-to" }, row.to === "group" ? "the whole group" : row.to.name));
    if (row.edited) { p.appendChild(document.createTextNode(" ")); p.appendChild(h.marker("edited", "cp-mk-edited")); }
    if (row.sent_at) { add(p, el("span", { "class": "ca-answer-time" }, "sent " + h.clockTime(row.sent_at))); }
    return p;
  }

  /* An I-statement's text is the whole statement (its "opening" is the pattern it follows). */
  function cardBody(parent, row, mode) {
    var q = add(parent, el("blockquote", { "class": "cp-card-text" }));
    if (mode !== "istatement") {
      add(q, el("span", { "class": "cp-opening" }, row.opening));
      text(q, " ");
    }
    text(q, row.text);
    return q;
  }

  var latestCards = null;

  function cardsSections(v, item, runKey) {
    latestCards = v;
    var isOpen = {};
    v.members.forEach(function (m) { isOpen[m.id] = m.open && m.present; });
    var out = [cardsTop(v, runKey)];
    if (v.mode === "appreciations") { out.push(cardsNone(v, runKey)); }
    out.push(cardsQueueHead(v, runKey));
    v.queue.forEach(function (row) { out.push(cardsPending(v, row, isOpen, runKey)); });
    out.push(cardsReleased(v, runKey));
    out.push(cardsPeople(v, runKey));
    if (v.members.some(function (m) { return m.in_room && m.present; })) { out.push(cardsSend(v, runKey)); }
    return out;
  }

  function cardsTop(v, runKey) {
    return {
      key: "cards-top",
      sig: JSON.stringify([runKey, v.mode, v.anonymity, v.counts, v.shown, v.worked_example]),
      build: function () {
        var box = block("cp-cards-top");
        add(box, el("p", { "class": "ca-meta" }, (MODE[v.mode] || v.mode) + " \u00b7 " + ANONYMITY[v.anonymity]));
        var c = v.counts;
        var counts = add(box, el("p", { "class": "ca-count" }));
        add(counts, el("strong", {}, plural(c.pending, "card") + " waiting for you"));
        text(counts, " \u00b7 " + c.released + " released \u00b7 " + c.returned + " returned \u00b7 " + c.sent + " written in all");
        var spot = add(box, el("div", { "class": "ca-spotlight" + (v.shown ? " is-on" : "") }));
        if (v.shown) {
          var p = add(spot, el("p", {}));
          add(p, el("strong", {}, "On the display now: "));
          text(p, (v.mode === "istatement" ? "" : v.shown.opening + " ") + v.shown.text + " (to " + toName(v.shown) + ")");
          var shownId = v.shown.id;
          spot.appendChild(h.button("Hide", { id: "cards-hide", cls: "small", more: "the card from the display" }, function () {
            focusAfter(["cards-show-" + shownId, "cards-released-h"]);
            act("hide", {}, "The display is clear.");
          }));
        } else {
          add(spot, el("p", {}, "No card is on the display."));
        }
        if (v.worked_example) {
          var d = details("cards-example", "Worked example", "cp-inline-details");
          add(d, el("p", { "class": "cp-example" }, v.worked_example));
          box.appendChild(d);
        }
        return box;
      }
    };
  }

  function cardsQueueHead(v, runKey) {
    return {
      key: "cards-queue-h",
      sig: JSON.stringify([runKey, v.queue.length]),
      build: function () {
        var box = block("cp-queue-head");
        add(box, el("h4", { id: "cards-queue-h", tabindex: "-1" }, "Waiting for you (" + v.queue.length + ")"));
        add(box, el("p", { "class": "ca-hint" }, v.queue.length
          ? "Nothing reaches anyone until you release it. Edit (the writer is told) or return a card with a gentle note."
          : "No cards are waiting. New cards appear here first."));
        return box;
      }
    };
  }

  function cardsPending(v, row, isOpen, runKey) {
    var id = row.id;
    var reachable = row.to === "group" || !!isOpen[row.to.id];
    return {
      key: "cards-q-" + id,
      sig: JSON.stringify([runKey, row, !!ui.editing[id], reachable, v.anonymity, v.max_chars]),
      build: function () {
        var label = "Card from " + fromName(row, v.anonymity) + " to " + toName(row);
        var box = el("div", { "class": "cp-card is-pending", role: "group", "aria-label": label });
        cardHeader(box, row);
        var to = toName(row);
        if (ui.editing[id]) {
          var form = add(box, el("form", { "class": "cp-form", novalidate: true }));
          if (v.mode !== "istatement") { add(form, el("p", { "class": "cp-opening-line" }, row.opening)); }
          var area = textField(form, "cards-edit-" + id, "Edit the card to " + to, {
            multi: true, rows: 3, max: v.max_chars, value: row.text, hint: "The writer will see that you edited it."
          });
          var eb = add(form, h.buttons("Edit the card to " + to));
          eb.appendChild(h.button("Save", { id: "cards-edit-save-" + id, cls: "small primary", submit: true, more: "the edited card to " + to }));
          eb.appendChild(h.button("Cancel", { id: "cards-edit-cancel-" + id, cls: "small", more: "editing the card to " + to }, function () {
            delete ui.editing[id];
            delete drafts["cards-edit-" + id];
            rerender("cards-edit-" + id + "-btn");
          }));
          form.addEventListener("submit", function (ev) {
            ev.preventDefault();
            act("edit", { card: id, text: area.value }, "Saved your edit of the card to " + to + ".").then(function (ack) {
              if (ok(ack)) { delete ui.editing[id]; delete drafts["cards-edit-" + id]; rerender("cards-release-" + id); }
            });
          });
        } else {
          cardBody(box, row, v.mode);
          if (row.edited && row.original) {
            add(box, el("p", { "class": "cp-original" }, "Originally: " + row.original));
          }
        }
        if (!reachable) {
          add(box, el("p", { "class": "ca-hint" }, row.to.name + " is not receiving cards right now, so this card cannot be released yet."));
        }
        if (!ui.editing[id]) {  // while editing, Save first: releasing now would send the unedited words
          var b = add(box, h.buttons("Moderate the card to " + to));
          b.appendChild(h.button("Release", { id: "cards-release-" + id, cls: "small primary", disabled: !reachable,
                                              more: "card to " + to, fallback: "cards-edit-" + id + "-btn" },
                                 function () { focusAfter(nextInQueue(v, id)); act("release", { card: id }, "Released the card to " + to + "."); }));
          b.appendChild(h.button("Edit", { id: "cards-edit-" + id + "-btn", cls: "small", more: "card to " + to }, function () {
            ui.editing[id] = true;
            rerender("cards-edit-" + id);
          }));
        }
        var ret = details("cards-return-" + id, "Return with a note", "cp-inline-details");
        ret.querySelector("summary").appendChild(h.srOnly(" (card to " + to + ")"));
        var rform = add(ret, el("form", { "class": "cp-form cp-return", novalidate: true }));
        var note = textField(rform, "cards-note-" + id, "Note to the writer", { max: 200, value: SUGGESTED_NOTE,
                                                                                hint: "The card goes back to its writer and is never delivered." });
        var rb = add(rform, h.buttons("Return the card to " + to));
        rb.appendChild(h.button("Return card", { id: "cards-return-go-" + id, cls: "small", submit: true, more: "to its writer" }));
        rform.addEventListener("submit", function (ev) {
          ev.preventDefault();
          focusAfter(nextInQueue(v, id));
          act("return_card", { card: id, note: note.value }, "Returned the card to its writer with your note.");
        });
        box.appendChild(ret);
        return box;
      }
    };
  }

  /* Local UI state changed (a card opened for editing): render the last view again, then focus. */
  function rerender(focusId) {
    if (h && h.refresh) { h.refresh(); }
    var target = document.getElementById(focusId);
    if (target) { target.focus(); }
  }

  /* Where focus goes once a card leaves the queue: the next card's Release, else the queue heading. */
  function nextInQueue(v, id) {
    var ids = (latestCards || v).queue.map(function (c) { return c.id; });  // a kept section's v may be older
    var at = ids.indexOf(id);
    var rest = ids.slice(at + 1).concat(ids.slice(0, at));
    return rest.map(function (c) { return "cards-release-" + c; }).concat(["cards-queue-h"]);
  }

  function cardsReleased(v, runKey) {
    var released = v.cards.filter(function (c) { return c.status === "released"; });
    var returned = v.cards.filter(function (c) { return c.status === "returned"; });
    return {
      key: "cards-released",
      sig: JSON.stringify([runKey, released, returned, v.shown && v.shown.id, v.anonymity]),
      build: function () {
        var box = block("cp-released", "cards-released-h");
        add(box, el("h4", { id: "cards-released-h", tabindex: "-1" }, "Released (" + released.length + ")"));
        if (!released.length) { add(box, el("p", { "class": "ca-hint" }, "Released cards reach their addressee privately; you can also show one on the room display.")); }
        var list = add(box, el("ul", { "class": "cp-cards" }));
        released.slice().reverse().forEach(function (row) {
          var li = add(list, el("li", { "class": "cp-card" }));
          cardHeader(li, row);
          cardBody(li, row, v.mode);
          var on = v.shown && v.shown.id === row.id;
          var b = add(li, h.buttons("Display for the card to " + toName(row)));
          if (on) {
            b.appendChild(h.marker("on the display now", "ca-mk-spot"));
            b.appendChild(h.button("Hide", { id: "cards-hide-" + row.id, cls: "small", more: "the card to " + toName(row) + " from the display" },
                                   function () {
                                     focusAfter(["cards-show-" + row.id, "cards-released-h"]);
                                     act("hide", {}, "The display is clear.");
                                   }));
          } else {
            b.appendChild(h.button("Show on display", { id: "cards-show-" + row.id, cls: "small", more: "(card to " + toName(row) + ")" },
                                   function () {
                                     focusAfter(["cards-hide-" + row.id]);
                                     act("show", { card: row.id }, "The card to " + toName(row) + " is on the display.");
                                   }));
          }
        });
        if (returned.length) {
          add(box, el("h4", { id: "cards-returned-h" }, "Returned to the writer (" + returned.length + ")"));
          var rl = add(box, el("ul", { "class": "cp-cards", "aria-labelledby": "cards-returned-h" }));
          returned.forEach(function (row) {
            var li = add(rl, el("li", { "class": "cp-card is-returned" }));
            cardHeader(li, row);
            cardBody(li, row, v.mode);
            if (row.note) { add(li, el("p", { "class": "cp-original" }, "Your note: " + row.note)); }
          });
        }
        return box;
      }
    };
  }

  function cardsPeople(v, runKey) {
    var present = v.members.filter(function (m) { return m.present; });
    var received = {};
    v.cards.forEach(function (c) { if (c.status === "released" && c.to !== "group") { received[c.to.id] = (received[c.to.id] || 0) + 1; } });
    return {
      key: "cards-people",
      sig: JSON.stringify([runKey, v.mode, present, received, v.who_has_none]),
      build: function () {
        var box = block("cp-people", "cards-people-h");
        add(box, el("h4", { id: "cards-people-h" }, "Who is open to cards"));
        add(box, el("p", { "class": "ca-hint" }, v.mode === "appreciations"
          ? "Everyone receives appreciations unless they step out. Anyone can write to the whole group."
          : "Members choose whether to receive cards; cards go only to those who are open. Anyone can write to the whole group."));
        var list = add(box, el("ul", { "class": "cp-people cp-open-list" }));
        present.forEach(function (m) {
          var li = add(list, el("li", { "class": "cp-person" }));
          var who = add(li, el("div", { "class": "ca-member-who" }));
          add(who, el("span", { "class": "ca-member-name" }, m.name));
          if (m.in_room) { who.appendChild(h.marker("in the room", "ca-mk-room")); }
          who.appendChild(h.marker(m.open ? "open to cards" : "not receiving", m.open ? "cp-mk-open" : "cp-mk-closed"));
          add(who, el("span", { "class": "cp-note" }, plural(received[m.id] || 0, "card") + " received"));
          if (m.in_room) {
            var id = "cards-open-" + m.id;
            var wrap = add(li, el("div", { "class": "check cp-check" }));
            var box2 = add(wrap, el("input", { type: "checkbox", id: id }));
            box2.checked = !!m.open;
            add(wrap, el("label", { "for": id }, m.name + " is open to cards"));
            box2.addEventListener("change", function () {
              var want = box2.checked;
              act("set_open", { member: m.id, open: want }, want ? m.name + " is open to cards." : m.name + " is not receiving cards.")
                .then(function (ack) { if (!ok(ack)) { box2.checked = !want; } });
            });
          }
        });
        return box;
      }
    };
  }

  /* Appreciations: everyone should receive at least one card. */
  function cardsNone(v, runKey) {
    var waiting = {};
    v.queue.forEach(function (c) { if (c.to !== "group") { waiting[c.to.id] = (waiting[c.to.id] || 0) + 1; } });
    return {
      key: "cards-none",
      sig: JSON.stringify([runKey, v.who_has_none, waiting, v.members.map(function (m) { return m.open; })]),
      build: function () {
        var box = block("cp-none-block", "cards-none-h");
        add(box, el("h4", { id: "cards-none-h" }, "Who has no card yet (" + v.who_has_none.length + ")"));
        if (!v.who_has_none.length) {
          add(box, el("p", { "class": "ca-done" }, "Everyone here has received at least one card."));
          return box;
        }
        var none = add(box, el("ul", { "class": "cp-none", "aria-labelledby": "cards-none-h" }));
        v.who_has_none.forEach(function (m) {
          var closed = v.members.some(function (x) { return x.id === m.id && !x.open; });
          add(none, el("li", { "class": closed ? "is-closed" : null }, m.name +
            (waiting[m.id] ? " \u00b7 " + plural(waiting[m.id], "card") + " in the queue" : "") +
            (closed ? " \u00b7 not receiving" : "")));
        });
        add(box, el("p", { "class": "ca-hint" }, "Released cards addressed to each person count; cards to the whole group do not."));
        return box;
      }
    };
  }

  function cardsSend(v, runKey) {
    var inRoom = v.members.filter(function (m) { return m.in_room && m.present; });
    var targets = v.members.filter(function (m) { return m.present && m.open; });
    return {
      key: "cards-send",
      sig: JSON.stringify([runKey, v.mode, v.templates, v.max_chars, inRoom, targets.map(function (m) { return [m.id, m.name]; })]),
      build: function () {
        var d = details("cards-send", "Write a card for someone in the room", "cp-fill");
        var form = add(d, el("form", { "class": "cp-form cp-send", novalidate: true }));
        add(form, el("p", { "class": "ca-hint" }, "Only with their agreement, in their words. The card waits in the queue like every other."));
        var row = add(form, el("div", { "class": "cp-row" }));
        var from = selectField(row, "cards-send-from", "From", inRoom.map(function (m) { return [m.id, m.name]; }));
        var toWrap = add(row, el("div", { "class": "cp-slot" }));
        var to;
        function fillTo() {
          var keepValue = to ? to.value : (drafts["cards-send-to"] && drafts["cards-send-to"].value);
          toWrap.textContent = "";
          to = selectField(toWrap, "cards-send-to", "To", [["group", "The whole group"]].concat(
            targets.filter(function (m) { return m.id !== from.value; }).map(function (m) { return [m.id, m.name]; })),
            { value: keepValue });
        }
        fillTo();
        from.addEventListener("change", fillTo);
        var template = selectField(row, "cards-send-template", "Opening", v.templates.map(function (t, i) { return [String(i), t]; }));
        var readers = [];
        var ids = [];
        if (v.mode === "istatement") {
          PARTS.forEach(function (p) {
            var input = textField(form, "cards-send-" + p[0], p[1], { max: v.max_chars });
            ids.push(input.id);
            readers.push(function (args) { args.parts = args.parts || {}; args.parts[p[0]] = input.value; });
          });
          var keepWording = checkField(form, "cards-send-keep", "Keep the wording as it is (even with \u201calways\u201d or \u201cnever\u201d)", false);
          readers.push(function (args) { if (keepWording.checked) { args.keep_wording = true; } });
        } else {
          var area = textField(form, "cards-send-text", "Card text", { multi: true, rows: 3, max: v.max_chars,
                                                                       hint: "Up to " + v.max_chars + " characters, after the opening." });
          ids.push(area.id);
          readers.push(function (args) { args.text = area.value; });
        }
        var b = add(form, h.buttons("Send"));
        b.appendChild(h.button("Send card", { id: "cards-send-go", cls: "small primary", submit: true, more: "for the chosen member" }));
        form.addEventListener("submit", function (ev) {
          ev.preventDefault();
          var name = (inRoom.filter(function (m) { return m.id === from.value; })[0] || {}).name || "them";
          var args = { member: from.value, to: to.value, template: parseInt(template.value, 10) };
          readers.forEach(function (read) { read(args); });
          act("send", args, "Card from " + name + " is waiting in the queue.").then(function (ack) {
            if (ok(ack)) { forget(ids); delete drafts["cards-send-keep"]; }
          });
        });
        return d;
      }
    };
  }

  // ---- registration -----------------------------------------------------------------------------

  function wrap(builder) {
    return function (v, item, runKey, helpers) {
      begin(runKey, helpers);
      return builder(v, item, runKey);
    };
  }

  window.SBConsoleKinds = window.SBConsoleKinds || {};
  window.SBConsoleKinds.pairs = wrap(pairsSections);
  window.SBConsoleKinds.cards = wrap(cardsSections);
})();
