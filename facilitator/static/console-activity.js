/* Facilitator console: the session plan and the running activity (round, form, pacer, info).
   console.js calls SBConsoleActivity.render(view, live, names) on every facilitator view.
   The DOM is built with createElement/textContent only (strict CSP, no data in innerHTML).
   Re-rendering keeps what the facilitator is doing: sections whose data did not change are kept
   as they are (typed text, open <details>), and focus moves to the same control in a rebuilt one. */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };

  var KIND = { round: "Round", form: "Form", pacer: "Pacer", info: "Information", pairs: "Pairs", cards: "Cards" };
  var STATUS = { waiting: "waiting", speaking: "speaking", done: "done", passed: "passed", later: "later",
                 skipped: "skipped" };
  var ORDER = {
    seating: ["Seating order", "In the order below. Move people up or down to match the room."],
    random: ["Random order", "Shuffled at the start. Move people up or down if you like."],
    volunteers: ["Volunteers first", "Volunteers speak first, then everyone else in the order below."],
    hand: ["Raised hands", "Whoever raises a hand speaks next, in the order hands went up."],
    progressive: ["Least spoken first", "Those who have spoken least this session go first; the order below breaks ties."]
  };
  var BREATH = { "in": "breathe in", hold: "hold", out: "breathe out", rest: "rest" };

  var ctx = { view: null, live: null, names: {}, offset: 0, wired: false };
  var planTickers = [];
  var sections = {};          // activity body: key -> {sig, node, tickers}
  var guideOpen = false;      // remembered across activities
  var planStatus = null;
  var activityStatus = null;

  // ---- small helpers -----------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) { return; }
      node.setAttribute(k, v === true ? "" : String(v));
    });
    if (text !== null && text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function add(parent, child) { parent.appendChild(child); return child; }

  function srOnly(text) { return el("span", { "class": "sr-only" }, text); }

  /* A button whose visible text may be short ("Pass") while its name is complete ("Pass for Ana"):
     `more` is appended for screen readers only. */
  function button(label, opts, onClick) {
    opts = opts || {};
    var b = el("button", { type: opts.submit ? "submit" : "button", id: opts.id, "class": opts.cls,
                           "data-fallback": opts.fallback }, label);
    if (opts.more) { b.appendChild(srOnly(" " + opts.more)); }
    if (opts.disabled) { b.disabled = true; }
    if (onClick) { b.addEventListener("click", onClick); }
    return b;
  }

  function buttons(label) { return el("div", { "class": "buttons ca-buttons", role: "group", "aria-label": label }); }

  var mmss = SBKit.elapsed;  // time gone by, 0:07 (the shared kit, static/js/kit.js)

  function now() { return Date.now() / 1000 + ctx.offset; }

  function clockTime(serverEpoch) {
    var d = new Date((serverEpoch - ctx.offset) * 1000);
    var h = d.getHours(), m = d.getMinutes();
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }

  function quote(text) { return "\u201c" + text + "\u201d"; }

  /* Results go to a polite status line near the controls; a success note fades after 6 s, an error
     after 20 s (or when the next result arrives). */
  function say(target, text, isError) {
    if (!target) { return; }
    window.clearTimeout(target._caTimer);
    target.textContent = text || "";
    target.className = "ca-status" + (isError ? " is-error" : "");
    if (text) {
      target._caTimer = window.setTimeout(function () { target.textContent = ""; }, isError ? 20000 : 6000);
    }
  }

  function send(type, args, done, target) {
    var where = target || activityStatus;
    return ctx.live.command(type, args).then(function (ack) {
      if (ack && ack.ok) { say(where, done || ""); }
      else { say(where, (ack && ack.error) || "That did not work. Please try again.", true); }
      return ack;
    });
  }

  function act(action, args, done) { return send("activity", { action: action, args: args || {} }, done); }

  // ---- keyed sections: rebuild only what changed -------------------------------------------

  function patch(container, list) {
    var seen = {};
    var prev = null;
    list.forEach(function (s) {
      seen[s.key] = true;
      var rec = sections[s.key];
      if (!rec || rec.sig !== s.sig) {
        var tickers = [];
        var node = s.build(function (fn) { tickers.push(fn); });
        if (rec && rec.node.parentNode === container) { container.replaceChild(node, rec.node); }
        rec = sections[s.key] = { sig: s.sig, node: node, tickers: tickers };
      }
      var want = prev ? prev.nextSibling : container.firstChild;
      if (want !== rec.node) { container.insertBefore(rec.node, want); }
      prev = rec.node;
    });
    Object.keys(sections).forEach(function (key) {
      if (!seen[key]) {
        if (sections[key].node.parentNode === container) { container.removeChild(sections[key].node); }
        delete sections[key];
      }
    });
  }

  function focusedIdIn(container) {
    var a = document.activeElement;
    return a && a !== document.body && container.contains(a) && a.id ? a.id : null;
  }

  /* After a rebuild, put focus back on the control with the same id (or its fallback). */
  function restoreFocus(id) {
    if (!id) { return; }
    var a = document.activeElement;
    if (a && a !== document.body && document.contains(a)) { return; }  // focus was not lost
    var target = $(id);
    if (target && target.disabled && target.getAttribute("data-fallback")) {
      target = $(target.getAttribute("data-fallback"));
    }
    if (target && !target.disabled) { target.focus(); }
  }

  function tick() {
    planTickers.forEach(function (fn) { fn(); });
    Object.keys(sections).forEach(function (key) { sections[key].tickers.forEach(function (fn) { fn(); }); });
  }

  // ---- plan panel --------------------------------------------------------------------------

  function running() { return !!(ctx.view && ctx.view.activity); }

  function currentTitle() {
    var v = ctx.view;
    return v && v.activity ? v.activity.item.title : "";
  }

  function goTo(index) {
    var items = ctx.view.plan.items;
    var question = index === ctx.view.plan.current
      ? "Start " + quote(items[index].title) + " again from the beginning? What happened so far is kept in the session record."
      : "Stop " + quote(currentTitle()) + " and start " + quote(items[index].title) + "?";
    if (running() && !window.confirm(question)) { return; }
    send("plan_go", { index: index }, "Started " + items[index].title + ".", planStatus);
  }

  function wire() {
    if (ctx.wired) { return; }
    ctx.wired = true;
    // The live regions exist in the page from the start (announced more reliably than added ones).
    planStatus = $("plan-status");
    activityStatus = $("activity-status");

    $("plan-next").addEventListener("click", function () {
      // Leaving a go-around while turns are still going needs a yes (Back and Jump ask too).
      var a = ctx.view && ctx.view.activity;
      if (a && a.item.kind === "round" && a.view.phase === "running" &&
          !window.confirm("Leave " + quote(a.item.title) + " while people are still to speak? Who spoke and who passed is kept.")) {
        return;
      }
      send("plan_next", {}, "", planStatus);
    });
    $("plan-back").addEventListener("click", function () {
      var plan = ctx.view.plan;
      var prev = plan.items[plan.current - 1];
      if (running() && prev && !window.confirm("Stop " + quote(currentTitle()) + " and go back to " + quote(prev.title) + "?")) {
        return;
      }
      send("plan_back", {}, "", planStatus);
    });
    $("plan-stop").addEventListener("click", function () {
      if (!window.confirm("Stop " + quote(currentTitle()) + " for everyone?")) { return; }
      send("plan_stop", {}, "Stopped " + currentTitle() + ".", planStatus);
    });
    window.setInterval(tick, 1000);
  }

  function renderPlan(view) {
    var plan = view.plan || { items: [], current: null, item_started_at: null, elapsed: {} };
    var items = plan.items || [];
    var live = running() && plan.current !== null;
    var list = $("plan-items");
    var focusId = focusedIdIn(list);
    $("plan-empty").hidden = items.length > 0;
    list.hidden = !items.length;
    list.textContent = "";
    planTickers = [];
    items.forEach(function (item, i) {
      var isCurrent = live && i === plan.current;
      var took = (plan.elapsed || {})[String(i)] || 0;
      var li = add(list, el("li", { "class": "ca-plan-item" + (isCurrent ? " is-current" : took ? " is-past" : ""),
                                    "aria-current": isCurrent ? "step" : null }));
      var text = add(li, el("div", { "class": "ca-plan-text" }));
      add(text, el("span", { "class": "ca-plan-title" }, item.title));
      var meta = add(text, el("span", { "class": "ca-plan-meta" }, (KIND[item.kind] || item.kind) + " \u00b7 " + item.minutes + " min"));
      if (isCurrent) {
        meta.appendChild(document.createTextNode(" "));
        add(meta, el("span", { "class": "ca-badge ca-badge-now" }, "now"));
        var time = add(meta, el("span", { "class": "ca-plan-time" }));
        var started = plan.item_started_at;
        planTickers.push(function () {
          var spent = took + Math.max(0, (plan.paused_at || now()) - started);  // a pause does not count
          time.textContent = mmss(spent) + " of " + item.minutes + ":00";
          time.classList.toggle("is-over", spent > item.minutes * 60);
        });
      } else if (took) {
        add(meta, el("span", { "class": "ca-plan-time" }, "took " + mmss(took)));
      }
      li.appendChild(button(isCurrent ? "Restart" : "Start",
                            { id: "plan-go-" + i, cls: "small", more: item.title },
                            function () { goTo(i); }));
    });
    planTickers.forEach(function (fn) { fn(); });

    var cur = plan.current;
    var next = cur === null || cur === undefined ? 0 : cur + 1;
    var nextBtn = $("plan-next");
    var lobby = ctx.view.frame && ctx.view.frame.phase === "lobby";
    // One Start: in the lobby, the first activity starts the session too (core/state.py).
    nextBtn.textContent = !items.length || cur === null || cur === undefined
      ? (lobby && items.length ? "Start the session: " + items[0].title : "Start first activity")
      : next < items.length ? "Next: " + items[next].title : "End of plan";
    nextBtn.disabled = !items.length || next >= items.length;
    var back = $("plan-back");
    var hasPrev = cur !== null && cur !== undefined && cur > 0 && cur - 1 < items.length;
    back.textContent = "Back";
    if (hasPrev) { back.appendChild(srOnly(" to " + items[cur - 1].title)); }
    back.disabled = !hasPrev;
    $("plan-stop").disabled = !running();
    restoreFocus(focusId);
  }

  // ---- activity panel: header and guide ------------------------------------------------------

  function headerSection(item, runKey) {
    return {
      key: "head", sig: JSON.stringify([runKey, item.title, item.kind, item.content_note]),
      build: function () {
        var box = el("div", { "class": "ca-head" });
        var h = add(box, el("h3", { "class": "ca-title" }, item.title + " "));
        add(h, el("span", { "class": "ca-badge" }, KIND[item.kind] || item.kind));
        if (item.content_note) {
          var note = add(box, el("p", { "class": "ca-content-note" }));
          add(note, el("strong", {}, "Content note: "));
          note.appendChild(document.createTextNode(item.content_note));
        }
        return box;
      }
    };
  }

  function listBlock(parent, heading, lines, ordered) {
    if (!lines || !lines.length) { return; }
    add(parent, el("h4", {}, heading));
    var list = add(parent, el(ordered ? "ol" : "ul", { "class": "ca-guide-list" }));
    lines.forEach(function (line) { add(list, el("li", {}, line)); });
  }

  function guideSection(item, runKey) {
    var guide = item.guide || {};
    return {
      key: "guide", sig: JSON.stringify([runKey, guide, item.intro]),
      build: function () {
        var details = el("details", { id: "ca-guide", "class": "ca-guide", open: guideOpen });
        details.addEventListener("toggle", function () { guideOpen = details.open; });
        add(details, el("summary", {}, "Facilitator guide: script, safety notes, debrief"));
        var inner = add(details, el("div", { "class": "ca-guide-body", tabindex: "0", role: "region",
                                              "aria-label": "Facilitator guide for " + item.title }));
        if (guide.purpose) {
          add(inner, el("h4", {}, "Purpose"));
          add(inner, el("p", {}, guide.purpose));
        }
        if (guide.steps && guide.steps.length) {
          add(inner, el("h4", {}, "Steps"));
          var steps = add(inner, el("ol", { "class": "ca-steps" }));
          guide.steps.forEach(function (step) {
            var li = add(steps, el("li", {}));
            var line = add(li, el("p", { "class": "ca-step-text" }));
            add(line, el("span", { "class": "ca-step-min" }, step.minutes + " min"));
            line.appendChild(document.createTextNode(" " + step.text));
            if (step.say) {
              var s = add(li, el("p", { "class": "ca-say" }));
              add(s, el("span", { "class": "ca-say-label" }, "Say: "));
              s.appendChild(document.createTextNode(quote(step.say)));
            }
          });
        }
        listBlock(inner, "Safety notes", guide.safety_notes);
        listBlock(inner, "Debrief questions", guide.debrief);
        listBlock(inner, "Hybrid and in-room notes", guide.hybrid_notes);
        if (item.intro) {
          add(inner, el("h4", {}, "What the group reads"));
          add(inner, el("p", {}, item.intro));
        }
        return details;
      }
    };
  }

  // ---- round ---------------------------------------------------------------------------------

  function memberName(v, id) {
    var m = (v.members || []).filter(function (x) { return x.id === id; })[0];
    return m ? m.name : (ctx.names[id] || "someone");
  }

  function roundSections(v, runKey) {
    var out = [];
    var open = v.phase !== "finished";
    var byId = {};
    v.members.forEach(function (m) { byId[m.id] = m; });

    out.push({
      key: "round-top", sig: JSON.stringify([runKey, v.phase, v.mode, v.prompt, v.turn_seconds, v.resumed]),
      build: function () {
        var box = el("div", { "class": "ca-block" });
        var p = add(box, el("p", { "class": "ca-prompt" }));
        add(p, el("span", { "class": "ca-label" }, "Prompt: "));
        p.appendChild(document.createTextNode(v.prompt));
        var mode = ORDER[v.mode] || [v.mode, ""];
        add(box, el("p", { "class": "ca-meta" }, mode[0] + " \u00b7 soft turn timer " + mmss(v.turn_seconds) +
                                              (v.phase === "ready" ? " \u00b7 not started" : v.phase === "finished" ? " \u00b7 finished" : "")));
        if (v.resumed && open) {  /* Back carried the go-around on instead of starting it again */
          var r = v.resumed;
          add(box, el("p", { "class": "ca-hint ca-resumed", role: "status" }, "Resumed: " + r.spoken + " of " + r.of +
            (r.spoken === 1 ? " has" : " have") + " spoken" + (r.passed ? ", " + r.passed + " passed" : "") + "." +
            (r.reopened ? " " + r.reopened.name + "'s turn starts again." : "")));
        }
        if (v.phase === "ready") {
          var b = add(box, buttons("Round"));
          b.appendChild(button("Start round", { id: "round-start", cls: "primary" },
                               function () { act("start", {}, "The round has started."); }));
        } else if (v.phase === "finished") {
          add(box, el("p", { "class": "ca-done" }, "The round has finished. Thank everyone, then move on in the plan."));
        }
        return box;
      }
    });

    if (v.phase === "running") {
      var speaker = v.speaker ? byId[v.speaker.id] : null;
      out.push({
        key: "round-speaker",
        sig: JSON.stringify([runKey, v.speaker, v.deadline, v.turn_started_at, v.paused_at, v.upcoming, v.mode,
                             speaker && [speaker.asked_later, speaker.in_room], v.members.map(function (m) { return m.name; })]),
        build: function (ticker) {
          var box = el("div", { "class": "ca-block ca-speaker", role: "region", "aria-labelledby": "round-speaker-h" });
          add(box, el("h4", { id: "round-speaker-h" }, speaker ? "Speaking now" : "The floor"));
          var row = add(box, el("div", { "class": "ca-speaker-row" }));
          if (speaker) {
            add(row, el("p", { "class": "ca-speaker-name" }, speaker.name));
            var timer = add(row, el("p", { "class": "ca-timer" }));
            var big = add(timer, el("span", { "class": "ca-timer-big" }));
            var small = add(timer, el("span", { "class": "ca-timer-small" }));
            ticker(function () {
              var t = v.paused ? v.paused_at : now();  /* the session's pause holds the turn's clock */
              var left = v.deadline - t;
              var over = left < 0;
              big.textContent = (v.paused ? "Paused \u00b7 " : "") + (over ? "+" + mmss(-left) + " over" : mmss(Math.ceil(left)) + " left");
              small.textContent = "turn " + mmss(t - v.turn_started_at) + " of " + mmss(v.deadline - v.turn_started_at) +
                (v.paused ? " (held while the session is paused)" : " (soft: nobody is cut off)");
              timer.classList.toggle("is-over", over);
              timer.classList.toggle("is-paused", !!v.paused);
            });
          } else {
            add(row, el("p", { "class": "ca-speaker-none" },
                        v.upcoming.length ? "The floor is open." :
                        v.mode === "hand" ? "The floor is open. Waiting for a raised hand." : "Everyone has had a turn."));
          }
          var upcoming = v.upcoming.map(function (id) { return memberName(v, id); });
          add(box, el("p", { "class": "ca-upnext" }, upcoming.length ? "Up next: " + upcoming.join(", ") : "Nobody is waiting to speak."));
          var canNext = !!speaker || v.upcoming.length > 0;
          var b = add(box, buttons("Turn"));
          b.appendChild(button("Next speaker", { id: "round-next", cls: canNext ? "primary" : "", disabled: !canNext,
                                                 fallback: "round-finish" },
                               function () { act("next", {}, ""); }));
          if (speaker) {
            b.appendChild(button("+30 s", { id: "round-ext30", more: "extend " + speaker.name + "'s turn by 30 seconds" },
                                 function () { act("extend", { seconds: 30 }, "Added 30 seconds."); }));
            b.appendChild(button("+60 s", { id: "round-ext60", more: "extend " + speaker.name + "'s turn by 60 seconds" },
                                 function () { act("extend", { seconds: 60 }, "Added 60 seconds."); }));
            var forSpeaker = add(box, buttons("For " + speaker.name));
            forSpeaker.appendChild(button("Pass", { id: "round-pass-speaker", cls: "small", more: "for " + speaker.name, fallback: "round-next" },
                                          function () { act("pass", { member: speaker.id }, speaker.name + " passed."); }));
            if (v.mode !== "hand" && !speaker.asked_later) {
              forSpeaker.appendChild(button("Come back later", { id: "round-later-speaker", cls: "small", more: "to " + speaker.name,
                                                                 fallback: "round-next", disabled: !v.upcoming.length },
                                            function () { act("later", { member: speaker.id }, "We will come back to " + speaker.name + "."); }));
            }
            forSpeaker.appendChild(button("Skip", { id: "round-skip-speaker", cls: "small", more: speaker.name, fallback: "round-next" },
                                          function () { act("skip", { member: speaker.id }, speaker.name + " was skipped."); }));
          }
          b.appendChild(button("Finish round", { id: "round-finish", cls: canNext ? "ca-push" : "primary ca-push" }, function () {
            act("finish", {}, "The round has finished.");
          }));
          return box;
        }
      });
    }

    var present = v.members.filter(function (m) { return m.present; });
    var gone = v.members.filter(function (m) { return !m.present; });
    out.push({
      key: "round-order",
      sig: JSON.stringify([runKey, v.phase, v.mode, v.order, v.upcoming, v.members.map(function (m) {
        return [m.id, m.name, m.in_room, m.present, m.status, m.hand_raised, m.volunteered, m.asked_later];
      })]),
      build: function () {
        var box = el("div", { "class": "ca-block" });
        add(box, el("h4", { id: "round-order-h" }, "Order and status"));
        add(box, el("p", { "class": "ca-hint" }, (ORDER[v.mode] || ["", ""])[1]));
        var list = add(box, el("ol", { "class": "ca-members", "aria-labelledby": "round-order-h" }));
        present.forEach(function (m, i) { list.appendChild(roundRow(v, m, i, present.length, open)); });
        if (gone.length) {
          add(box, el("p", { "class": "ca-hint" }, "Left the session: " + gone.map(function (m) {
            return m.name + " (" + STATUS[m.status] + ")";
          }).join(", ")));
        }
        return box;
      }
    });

    out.push(fairnessSection(v, runKey));
    return out;
  }

  function marker(text, cls) { return el("span", { "class": "ca-marker " + (cls || "") }, text); }

  function roundRow(v, m, index, count, open) {
    var li = el("li", { "class": "ca-member ca-st-" + m.status });
    var who = add(li, el("div", { "class": "ca-member-who" }));
    add(who, el("span", { "class": "ca-member-name" }, m.name));
    add(who, el("span", { "class": "ca-status-badge ca-st-badge-" + m.status }, STATUS[m.status] || m.status));
    if (v.upcoming[0] === m.id && m.status !== "speaking") { who.appendChild(marker("up next", "ca-mk-next")); }
    if (m.in_room) { who.appendChild(marker("in the room", "ca-mk-room")); }
    if (m.hand_raised) { who.appendChild(marker("hand raised", "ca-mk-hand")); }
    if (m.volunteered) { who.appendChild(marker("volunteered", "ca-mk-vol")); }
    if (!open) { return li; }

    var acts = add(li, el("div", { "class": "ca-member-actions", role: "group", "aria-label": "Actions for " + m.name }));
    var upId = "ro-up-" + m.id, downId = "ro-down-" + m.id;
    acts.appendChild(button("Move up", { id: upId, cls: "small", more: m.name, fallback: downId, disabled: index === 0 },
                            function () { move(v, m.id, -1); }));
    acts.appendChild(button("Move down", { id: downId, cls: "small", more: m.name, fallback: upId, disabled: index === count - 1 },
                            function () { move(v, m.id, 1); }));
    var waitingish = m.status === "waiting" || m.status === "later";
    if (v.phase === "running" && (waitingish || m.status === "skipped")) {
      var handOn = !!v.speaker;
      acts.appendChild(button(handOn ? "Hand on to" : "Give turn to", { id: "ro-hand-on-" + m.id, cls: "small", more: m.name },
                              function () { act("hand_on", { to: m.id }, m.name + " has the turn."); }));
    }
    if (waitingish) {
      acts.appendChild(button("Pass", { id: "ro-pass-" + m.id, cls: "small", more: "for " + m.name },
                              function () { act("pass", { member: m.id }, m.name + " passed."); }));
    }
    if (m.status === "waiting" && v.mode !== "hand" && !m.asked_later) {
      acts.appendChild(button("Later", { id: "ro-later-" + m.id, cls: "small", more: "come back to " + m.name + " later" },
                              function () { act("later", { member: m.id }, "We will come back to " + m.name + " later."); }));
    }
    if (waitingish) {
      acts.appendChild(button("Skip", { id: "ro-skip-" + m.id, cls: "small", more: m.name },
                              function () { act("skip", { member: m.id }, m.name + " was skipped."); }));
    }
    if (m.in_room && m.hand_raised) {
      acts.appendChild(button("Lower hand", { id: "ro-lower-" + m.id, cls: "small", more: "for " + m.name },
                              function () { act("lower_hand", { member: m.id }, m.name + "'s hand is down."); }));
    } else if (m.in_room && waitingish) {
      acts.appendChild(button("Raise hand", { id: "ro-raise-" + m.id, cls: "small", more: "for " + m.name },
                              function () { act("raise_hand", { member: m.id }, m.name + "'s hand is up."); }));
    }
    if (v.mode === "volunteers" && m.in_room && m.status === "waiting" && !m.volunteered) {
      acts.appendChild(button("Volunteer", { id: "ro-vol-" + m.id, cls: "small", more: m.name },
                              function () { act("volunteer", { member: m.id }, m.name + " volunteered."); }));
    }
    return li;
  }

  function move(v, id, step) {
    var order = v.order.slice();
    var i = order.indexOf(id);
    var j = i + step;
    if (i < 0 || j < 0 || j >= order.length) { return; }
    order[i] = order[j];
    order[j] = id;
    act("reorder", { order: order }, memberName(v, id) + " moved to place " + (j + 1) + ".");
  }

  function fairnessSection(v, runKey) {
    var rows = v.members.filter(function (m) { return m.present || m.airtime > 0; });
    return {
      key: "round-fair",
      sig: JSON.stringify([runKey, v.speaker, v.turn_started_at, v.paused_at, rows.map(function (m) {
        return [m.id, m.name, m.airtime, m.spoken_before, m.present];
      })]),
      build: function (ticker) {
        var box = el("div", { "class": "ca-block ca-fair" });
        add(box, el("h4", { id: "round-fair-h" }, "Fairness: airtime"));
        add(box, el("p", { "class": "ca-hint" }, "For facilitators only. Never shown to the group."));
        var table = add(box, el("table", { "class": "ca-fair-table", "aria-labelledby": "round-fair-h" }));
        var head = add(add(table, el("thead")), el("tr"));
        add(head, el("th", { scope: "col" }, "Member"));
        add(head, el("th", { scope: "col" }, "This round"));
        add(head, el("th", { scope: "col" }, "Earlier this session"));
        var tbody = add(table, el("tbody"));
        var cells = rows.map(function (m) {
          var tr = add(tbody, el("tr"));
          add(tr, el("th", { scope: "row" }, m.name + (m.present ? "" : " (left)")));
          var td = add(tr, el("td"));
          var wrap = add(td, el("div", { "class": "ca-bar-wrap" }));
          var bar = add(add(wrap, el("div", { "class": "ca-bar", "aria-hidden": "true" })), el("div", { "class": "ca-bar-fill" }));
          var text = add(wrap, el("span", { "class": "ca-bar-text" }));
          add(tr, el("td", { "class": "ca-muted-cell" }, m.spoken_before > 0 ? mmss(m.spoken_before) : "\u2014"));
          return { m: m, bar: bar, text: text };
        });
        ticker(function () {
          var live = v.speaker && v.turn_started_at ? Math.max(0, (v.paused ? v.paused_at : now()) - v.turn_started_at) : 0;
          var values = cells.map(function (c) { return c.m.airtime + (v.speaker && c.m.id === v.speaker.id ? live : 0); });
          var longest = Math.max.apply(null, [1].concat(values));
          cells.forEach(function (c, i) {
            c.bar.style.width = Math.round(100 * values[i] / longest) + "%";
            c.text.textContent = mmss(values[i]) + (v.speaker && c.m.id === v.speaker.id ? " (speaking)" : "");
          });
        });
        return box;
      }
    };
  }

  // ---- form ----------------------------------------------------------------------------------

  function familyLabel(item, id) {
    if (!id || id === "other") { return "Own words"; }
    var f = (item.emotions || []).filter(function (x) { return x.id === id; })[0];
    return f ? f.label : id;
  }

  function formatAnswer(item, field, value) {
    if (value === null || value === undefined) { return "\u2014"; }
    if (field.type === "emotion") { return value.word + (value.family ? " (" + familyLabel(item, value.family) + ")" : ""); }
    if (field.type === "scale") { return value + " of 10"; }
    if (field.type === "list") { return value.join("; "); }
    return String(value);
  }

  function fieldById(v, id) { return v.fields.filter(function (f) { return f.id === id; })[0]; }

  function formSections(v, item, runKey) {
    var out = [];
    var open = v.phase === "open";
    var byId = {};
    v.members.forEach(function (m) { byId[m.id] = m; });

    out.push({
      key: "form-top", sig: JSON.stringify([runKey, v.phase, v.answered, v.present, v.distress_threshold]),
      build: function () {
        var box = el("div", { "class": "ca-block ca-form-top" });
        var p = add(box, el("p", { "class": "ca-count" }));
        add(p, el("strong", {}, "Answered " + v.answered + " of " + v.present));
        p.appendChild(document.createTextNode(open ? " \u00b7 the form is open" : " \u00b7 the form is closed"));
        var b = add(box, buttons("Form"));
        if (open) {
          b.appendChild(button("Close the form", { id: "form-close" }, function () {
            if (!window.confirm("Close the form? Nobody can change their answers after this.")) { return; }
            act("close", {}, "The form is closed.");
          }));
        }
        return box;
      }
    });

    if (v.distress.length) {
      out.push({
        key: "form-distress", sig: JSON.stringify([runKey, v.distress, v.distress_threshold]),
        build: function () {
          var box = el("div", { "class": "ca-distress", role: "region", "aria-labelledby": "form-distress-h" });
          add(box, el("h4", { id: "form-distress-h" }, "Check in privately"));
          var list = add(box, el("ul", {}));
          v.distress.forEach(function (d) {
            var m = byId[d.member];
            var f = fieldById(v, d.field);
            var name = m ? m.name : memberName(v, d.member);
            var label = f ? quote(f.label) : "a question";
            add(list, el("li", {}, d.value === null || d.value === undefined
              ? name + " answered " + label + " at " + v.distress_threshold + " or higher (private). Consider checking in privately."
              : name + " rated " + d.value + " on " + label + ". Consider checking in privately."));
          });
          return box;
        }
      });
    }

    out.push({
      key: "form-answers", sig: JSON.stringify([runKey, v.members, v.shared, v.spotlight, v.distress, v.fields]),
      build: function () {
        var box = el("div", { "class": "ca-block" });
        add(box, el("h4", { id: "form-answers-h" }, "Answers"));
        var list = add(box, el("ul", { "class": "ca-answers", "aria-labelledby": "form-answers-h" }));
        var members = v.members.filter(function (m) { return m.present; })
          .concat(v.members.filter(function (m) { return !m.present && m.submitted_at; }));
        members.forEach(function (m) { list.appendChild(answerCard(v, item, m)); });
        if (!members.length) { add(box, el("p", { "class": "ca-hint" }, "Nobody is here yet.")); }
        return box;
      }
    });

    var inRoom = open ? v.members.filter(function (m) { return m.present && m.in_room; }) : [];
    if (inRoom.length) {
      out.push({
        key: "form-fill-h", sig: "fill-heading",
        build: function () {
          var box = el("div", { "class": "ca-block ca-fill-head" });
          add(box, el("h4", {}, "Fill in for people in the room"));
          add(box, el("p", { "class": "ca-hint" }, "Only with their agreement. Saving again replaces all of that person's answers."));
          return box;
        }
      });
    }
    inRoom.forEach(function (m) {
      out.push({
        key: "form-fill-" + m.id, sig: JSON.stringify([runKey, m.id, m.name, v.fields, item.emotions ? item.emotions.length : 0]),
        build: function () { return fillForm(v, item, m); }
      });
    });

    out.push({
      key: "form-summary", sig: JSON.stringify([runKey, v.summaries, v.spotlight, v.present, wordAnswers(v)]),
      build: function () { return summaryBlock(v, item); }
    });
    return out;
  }

  function answerCard(v, item, m) {
    var flagged = v.distress.some(function (d) { return d.member === m.id; });
    var li = el("li", { "class": "ca-answer" + (flagged ? " is-flagged" : "") + (m.submitted_at ? "" : " is-empty") });
    var who = add(li, el("div", { "class": "ca-member-who" }));
    add(who, el("span", { "class": "ca-member-name" }, m.name));
    if (m.in_room) { who.appendChild(marker("in the room", "ca-mk-room")); }
    if (!m.present) { who.appendChild(marker("left", "ca-mk-left")); }
    if (flagged) { who.appendChild(marker("check in", "ca-mk-flag")); }
    add(who, el("span", { "class": "ca-answer-time" }, m.submitted_at ? "answered at " + clockTime(m.submitted_at) : "not answered yet"));
    if (!m.submitted_at) { return li; }
    if (m.in_room && m.present) {
      who.appendChild(button("Delete answers", { id: "delete-" + m.id, cls: "small danger", more: "of " + m.name }, function () {
        if (!window.confirm("Delete " + m.name + "'s answers?")) { return; }
        act("delete_answers", { member: m.id }, m.name + "'s answers were deleted.");
      }));
    }
    var dl = add(li, el("dl", { "class": "ca-answer-list" }));
    v.fields.forEach(function (f) {
      add(dl, el("dt", {}, f.label));
      var dd = add(dl, el("dd", {}));
      if (f.audience === "private") {
        dd.textContent = m.private_answered.indexOf(f.id) >= 0 ? "answered privately" : "\u2014";
        dd.className = "ca-private";
        return;
      }
      var value = m.answers[f.id];
      add(dd, el("span", {}, formatAnswer(item, f, value)));
      if (f.audience === "group" && value !== undefined && m.present) {
        var spot = !!(v.spotlight && !v.spotlight.summary && v.spotlight.field === f.id && v.spotlight.name === m.name);
        var shared = v.shared.some(function (s) { return s.member === m.id && s.field === f.id; });
        if (spot) { dd.appendChild(marker("on the display now", "ca-mk-spot")); }
        else if (shared) { dd.appendChild(marker("shared with the group", "ca-mk-shared")); }
        if (!spot) {
          dd.appendChild(button(shared ? "Show again" : "Share with group",
                                { id: "share-" + m.id + "-" + f.id, cls: "small", more: m.name + "'s answer to " + quote(f.label) },
                                function () { act("reveal", { field: f.id, member: m.id }, m.name + "'s answer is shown to the group."); }));
        }
      }
    });
    return li;
  }

  function summaryBlock(v, item) {
    var box = el("div", { "class": "ca-block" });
    add(box, el("h4", { id: "form-summary-h" }, "Summary and room display"));
    var spot = v.spotlight;
    var now_ = add(box, el("div", { "class": "ca-spotlight" + (spot ? " is-on" : "") }));
    if (spot) {
      var p = add(now_, el("p", {}));
      add(p, el("strong", {}, "On the display now: "));
      p.appendChild(document.createTextNode(spot.summary ? "summary of " + quote(spot.label)
        : (spot.name || "an") + "'s answer to " + quote(spot.label)));
      now_.appendChild(button("Clear the display", { id: "form-hide", cls: "small", fallback: "form-summary-first" },
                              function () { act("hide", {}, "The display is clear."); }));
    } else {
      add(now_, el("p", {}, "Nothing from this form is on the display."));
    }
    if (v.present > 0 && v.present < 5) {
      add(box, el("p", { "class": "ca-hint" }, "With " + v.present + (v.present === 1 ? " person" : " people") + " present, even a summary says a lot about each person. The room sees one only from 3 answers, never a bar that stands for one person."));
    }
    var list = add(box, el("ul", { "class": "ca-summaries", "aria-labelledby": "form-summary-h" }));
    var first = true;
    v.fields.forEach(function (f) {
      var s = v.summaries[f.id];
      if (!s) { return; }
      var li = add(list, el("li", { "class": "ca-summary" }));
      add(li, el("span", { "class": "ca-summary-label" }, f.label));
      var detail = add(li, el("div", { "class": "ca-summary-detail" }));
      var words = add(detail, el("span", {}, s.answered + " answered"));
      if (f.type === "emotion" && s.families) {
        var fams = Object.keys(s.families).map(function (k) { return familyLabel(item, k) + " " + s.families[k]; });
        if (fams.length) { words.textContent += " \u00b7 " + fams.join(", "); }
      } else if (f.type === "scale" && s.mean !== null && s.mean !== undefined) {
        words.textContent += " \u00b7 average " + s.mean + " of 10";
        detail.appendChild(histogram(s.histogram));
      }
      var isOn = spot && spot.summary && spot.field === f.id;
      if (s.held_back && !(f.show_as === "words" && s.can_show)) { add(detail, el("p", { "class": "ca-hint" }, s.held_back)); }
      if (f.show_as === "words" && s.can_show) { li.appendChild(wordPicker(v, f, s, isOn)); first = false; return; }
      li.appendChild(button(isOn ? "On the display" : "Show summary",
                            { id: first ? "form-summary-first" : "summary-" + f.id, cls: "small",
                              more: "of " + quote(f.label) + " to the group", disabled: isOn || !s.can_show },
                            function () { act("reveal", { field: f.id }, "The summary of " + quote(f.label) + " is shown."); }));
      first = false;
    });
    return box;
  }

  /* show_as: words: the room sees only the words a facilitator ticked here (moderation, as for cards) */
  function wordAnswers(v) {
    return v.fields.filter(function (f) { return f.show_as === "words"; }).map(function (f) {
      return v.members.filter(function (m) { return m.present && m.answers[f.id] !== undefined; })
        .map(function (m) { return [m.id, m.answers[f.id]]; });
    });
  }

  function wordPicker(v, f, s, isOn) {
    var box = el("fieldset", { "class": "ca-words" });
    add(box, el("legend", {}, "Tick the words the room may see (without names; at least 3 people's)"));
    var ticks = [];
    v.members.forEach(function (m) {
      if (!m.present || m.answers[f.id] === undefined) { return; }
      var label = add(box, el("label", { "class": "check" }));
      var input = add(label, el("input", { type: "checkbox", value: m.id }));
      input.checked = s.approved.indexOf(m.id) >= 0;
      add(label, el("span", {}, m.answers[f.id] + " — " + m.name));
      ticks.push(input);
    });
    if (s.held_back) { add(box, el("p", { "class": "ca-hint" }, s.held_back)); }
    box.appendChild(button(isOn ? "Show the ticked words again" : "Show the ticked words",
                           { id: "summary-" + f.id, cls: "small", more: "of " + quote(f.label) + " on the room display" },
                           function () {
                             var chosen = ticks.filter(function (t) { return t.checked; }).map(function (t) { return t.value; });
                             act("reveal", { field: f.id, members: chosen }, "The ticked words of " + quote(f.label) + " are shown.");
                           }));
    return box;
  }

  function histogram(counts) {
    var wrap = el("div", { "class": "ca-histo", "aria-hidden": "true" });
    var most = Math.max.apply(null, [1].concat(counts || []));
    (counts || []).forEach(function (n, i) {
      var col = add(wrap, el("span", { "class": "ca-histo-col" }));
      var bar = add(col, el("span", { "class": "ca-histo-bar" }));
      bar.style.height = Math.round(100 * n / most) + "%";
      add(col, el("span", { "class": "ca-histo-x" }, String(i)));
    });
    return wrap;
  }

  function fillForm(v, item, m) {
    var details = el("details", { "class": "ca-fill", id: "fill-" + m.id });
    add(details, el("summary", {}, "Fill in for " + m.name));
    var form = add(details, el("form", { "class": "ca-fill-form", novalidate: true }));
    var readers = [];
    var saved = m.answers || {};
    v.fields.forEach(function (f) {
      var base = "fill-" + m.id + "-" + f.id;
      var field = add(form, el("div", { "class": "field" }));
      var label = add(field, el("label", { "for": base }, f.label));
      if (f.required) { label.appendChild(el("span", { "class": "ca-required" }, " (required)")); }
      if (f.audience === "private") { label.appendChild(el("span", { "class": "ca-required" }, " (private to them)")); }
      var hintId = null;
      if (f.help) {
        hintId = base + "-hint";
        add(field, el("p", { "class": "hint", id: hintId }, f.help));
      }
      var existing = saved[f.id];
      if (f.type === "emotion") {
        var select = add(field, el("select", { id: base, "aria-describedby": hintId }));
        add(select, el("option", { value: "" }, "Choose a word\u2026"));
        (item.emotions || []).forEach(function (fam) {
          var group = add(select, el("optgroup", { label: fam.label }));
          fam.words.forEach(function (w) {
            var o = add(group, el("option", { value: fam.id + "|" + w }, w));
            if (existing && existing.family === fam.id && existing.word === w) { o.selected = true; }
          });
        });
        add(field, el("label", { "for": base + "-own", "class": "ca-sub-label" }, "or their own word"));
        var own = add(field, el("input", { id: base + "-own", type: "text", maxlength: "40", autocomplete: "off" }));
        if (existing && !select.value) { own.value = existing.word; }
        readers.push(function (answers) {
          var word = own.value.trim();
          if (word) { answers[f.id] = { word: word, family: null }; return; }
          if (select.value) {
            var parts = select.value.split("|");
            answers[f.id] = { word: parts.slice(1).join("|"), family: parts[0] };
          }
        });
      } else if (f.type === "scale") {
        var scale = add(field, el("select", { id: base, "aria-describedby": hintId }));
        add(scale, el("option", { value: "" }, "No answer"));
        for (var n = 0; n <= 10; n += 1) {
          var text = String(n) + (n === 0 && f.min_label ? " \u2013 " + f.min_label : n === 10 && f.max_label ? " \u2013 " + f.max_label : "");
          var opt = add(scale, el("option", { value: String(n) }, text));
          if (existing === n) { opt.selected = true; }
        }
        readers.push(function (answers) { if (scale.value !== "") { answers[f.id] = parseInt(scale.value, 10); } });
      } else if (f.type === "list") {
        var hint2 = base + "-lines";
        add(field, el("p", { "class": "hint", id: hint2 }, "One per line, up to " + f.max_items + "."));
        var area = add(field, el("textarea", { id: base, rows: "3", "aria-describedby": (hintId ? hintId + " " : "") + hint2 }));
        if (existing) { area.value = existing.join("\n"); }
        readers.push(function (answers) {
          var items = area.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
          if (items.length) { answers[f.id] = items; }
        });
      } else {
        var input = f.type === "long_text"
          ? add(field, el("textarea", { id: base, rows: "3", maxlength: "2000", "aria-describedby": hintId }))
          : add(field, el("input", { id: base, type: "text", maxlength: "200", autocomplete: "off", "aria-describedby": hintId }));
        if (typeof existing === "string") { input.value = existing; }
        readers.push(function (answers) { if (input.value.trim()) { answers[f.id] = input.value; } });
      }
    });
    var b = add(form, buttons("Answers for " + m.name));
    b.appendChild(button("Save answers", { id: "fill-save-" + m.id, cls: "primary", submit: true, more: "for " + m.name }));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var answers = {};
      readers.forEach(function (read) { read(answers); });
      act("submit", { member: m.id, answers: answers }, "Saved " + m.name + "'s answers.").then(function (ack) {
        if (ack && ack.ok) {  // done: fold it away, focus back on its summary (a refusal keeps it open as typed)
          details.open = false;
          details.querySelector("summary").focus();
        }
      });
    });
    return details;
  }

  // ---- pacer ---------------------------------------------------------------------------------

  function pacerSections(v, runKey) {
    return [{
      key: "pacer", sig: JSON.stringify([runKey, v]),
      build: function (ticker) {
        var box = el("div", { "class": "ca-block ca-pacer" });
        var senses = v.mode === "senses";
        add(box, el("p", { "class": "ca-meta" }, senses
          ? v.senses.length + " steps, " + mmss(v.step_seconds) + " each (" + mmss(v.total_seconds) + " in all)"
          : "Pattern: " + v.pattern.map(function (p) { return BREATH[p.label] + " " + p.seconds + " s"; }).join(", ") +
            " \u00b7 " + v.cycles + " breaths \u00b7 " + mmss(v.total_seconds) + " in all"));
        var state = add(box, el("p", { "class": "ca-pacer-state" }));
        var stepItems = [];
        if (senses) {
          add(box, el("h4", { id: "pacer-steps-h" }, "Steps"));
          var ol = add(box, el("ol", { "class": "ca-senses", "aria-labelledby": "pacer-steps-h" }));
          v.senses.forEach(function (s) {
            var li = add(ol, el("li", {}));
            add(li, el("span", { "class": "ca-sense-count" }, String(s.count)));
            li.appendChild(document.createTextNode(" " + s.prompt));
            stepItems.push(li);
          });
        }
        ticker(function () {
          var t = v.paused ? v.paused_at : now();  /* the session's pause holds the pacer where it was */
          var finished = v.running && t >= v.ends_at;
          var step = senses ? SBKit.senseAt(v, t) : null, stepNow = step ? step.index : -1;  // the kit's pacer maths
          if (!v.running) {
            state.textContent = "Stopped after " + mmss(v.stopped_at - v.started_at) + ".";
          } else if (finished) {
            state.textContent = "Finished. Restart for another round, or move on.";
          } else if (v.paused) {
            state.textContent = "Paused with the session at " + mmss(t - v.started_at) + " of " + mmss(v.total_seconds) +
              ". It carries on from there when you resume.";
          } else if (senses) {
            state.textContent = "Running \u00b7 step " + (stepNow + 1) + " of " + v.senses.length + " \u00b7 next in " + mmss(step.left);
          } else {
            var breath = SBKit.breathAt(v, t);
            state.textContent = "Running \u00b7 " + mmss(t - v.started_at) + " of " + mmss(v.total_seconds) + " \u00b7 breath " +
              breath.breath + " of " + v.cycles + " \u00b7 " + (BREATH[breath.label] || "");
          }
          state.classList.toggle("is-running", v.running && !finished && !v.paused);
          stepItems.forEach(function (li, i) {
            var on = v.running && !finished && i === stepNow;
            li.classList.toggle("is-current", on);
            if (on) { li.setAttribute("aria-current", "step"); } else { li.removeAttribute("aria-current"); }
          });
        });
        var b = add(box, buttons("Pacer"));
        b.appendChild(button(v.running ? "Restart" : "Start again", { id: "pacer-restart", cls: v.running ? "" : "primary" },
                             function () { act("restart", {}, "Started from the beginning."); }));
        b.appendChild(button("Stop", { id: "pacer-stop", disabled: !v.running, fallback: "pacer-restart" },
                             function () { act("stop", {}, "Stopped."); }));
        if (senses) {
          b.appendChild(button("Next step", { id: "pacer-next", cls: "primary", disabled: !v.running, fallback: "pacer-restart" },
                               function () { act("next_step", {}, ""); }));
        }
        return box;
      }
    }];
  }

  // ---- info ----------------------------------------------------------------------------------

  function infoSections(v, runKey) {
    return [{
      key: "info", sig: JSON.stringify([runKey, v]),
      build: function () {
        var box = el("div", { "class": "ca-block" });
        add(box, el("h4", { id: "info-h" }, "Sections"));
        add(box, el("p", { "class": "ca-hint" }, "Everyone's screen and the room display highlight the section you show."));
        var ol = add(box, el("ol", { "class": "ca-sections", "aria-labelledby": "info-h" }));
        v.sections.forEach(function (s, i) {
          var on = i === v.current;
          var li = add(ol, el("li", { "class": "ca-section" + (on ? " is-current" : ""), "aria-current": on ? "true" : null }));
          var head = add(li, el("div", { "class": "ca-section-head" }));
          add(head, el("span", { "class": "ca-section-title" }, s.heading));
          if (on) {
            head.appendChild(marker("on screens now", "ca-mk-spot"));
            /* stays in place (disabled) so focus can move on to the next section's button */
            head.appendChild(button("Show this section", { id: "info-show-" + i, cls: "small ca-hidden-button", disabled: true,
                                                          fallback: "info-show-" + (i + 1 < v.sections.length ? i + 1 : i - 1) }));
            add(li, el("p", { "class": "ca-section-body" }, s.body));
          } else {
            head.appendChild(button("Show this section", { id: "info-show-" + i, cls: "small", more: quote(s.heading) },
                                    function () { act("show_section", { index: i }, "Showing " + quote(s.heading) + "."); }));
            var d = add(li, el("details", { "class": "ca-section-more" }));
            add(d, el("summary", {}, "Read"));
            add(d, el("p", { "class": "ca-section-body" }, s.body));
          }
        });
        if (v.reflection && v.reflection.length) {
          add(box, el("h4", {}, "Questions to think about"));
          var ul = add(box, el("ul", {}));
          v.reflection.forEach(function (q) { add(ul, el("li", {}, q)); });
        }
        return box;
      }
    }];
  }

  // ---- not yet live (pairs, cards) -----------------------------------------------------------

  function plainSections(item, runKey) {
    return [{
      key: "plain", sig: JSON.stringify([runKey, item.intro]),
      build: function () {
        var box = el("div", { "class": "ca-block" });
        add(box, el("p", {}, item.intro));
        add(box, el("p", { "class": "ca-hint" }, "This activity has no live controls yet. Guide it in the room, using the guide above."));
        return box;
      }
    }];
  }

  // ---- render --------------------------------------------------------------------------------

  function kindHelpers() {
    return { el: el, add: add, button: button, buttons: buttons, marker: marker, srOnly: srOnly, mmss: mmss,
             now: now, clockTime: clockTime, quote: quote, act: act, say: say, status: activityStatus,
             names: ctx.names, view: ctx.view,
             refresh: function () { if (ctx.view) { renderActivity(ctx.view); tick(); } } };
  }

  function renderActivity(view) {
    var panel = $("activity-panel");
    var body = $("activity-body");
    var a = view.activity;
    var focusId = focusedIdIn(body);
    panel.hidden = !a;
    if (!a) { patch(body, []); say(activityStatus, ""); return; }
    var item = a.item;
    var v = a.view || {};
    var runKey = String(view.plan && view.plan.current) + "@" + String(view.plan && view.plan.item_started_at);
    var list = [headerSection(item, runKey), guideSection(item, runKey)];
    if (v.kind === "round") { list = list.concat(roundSections(v, runKey)); }
    else if (v.kind === "form") { list = list.concat(formSections(v, item, runKey)); }
    else if (v.kind === "pacer") { list = list.concat(pacerSections(v, runKey)); }
    else if (v.kind === "info") { list = list.concat(infoSections(v, runKey)); }
    else if (window.SBConsoleKinds && window.SBConsoleKinds[v.kind]) {
      /* other kinds (console-partner.js: pairs, cards) build their sections with the same helpers */
      list = list.concat(window.SBConsoleKinds[v.kind](v, item, runKey, kindHelpers()));
    }
    else { list = list.concat(plainSections(item, runKey)); }
    patch(body, list);
    restoreFocus(focusId);
  }

  function render(view, live, names) {
    if (!view || !$("plan-items") || !$("activity-body")) { return; }
    var wasRunKey = ctx.view && ctx.view.plan ? String(ctx.view.plan.current) + "@" + String(ctx.view.plan.item_started_at) : null;
    ctx.view = view;
    ctx.live = live;
    ctx.names = names || {};
    if (typeof view.server_time === "number") { ctx.offset = view.server_time - Date.now() / 1000; }
    wire();
    var runKey = view.plan ? String(view.plan.current) + "@" + String(view.plan.item_started_at) : null;
    if (wasRunKey !== null && runKey !== wasRunKey) { say(activityStatus, ""); }
    renderPlan(view);
    renderActivity(view);
    tick();
  }

  window.SBConsoleActivity = { render: render };
})();
