/* Facilitator console: the session plan and the running activity. Rounds, forms, pacers and
   information are drawn on the server (the view's html, console-screen.js); pairs, cards and
   questionnaires are still built here (console-partner.js, console-measure.js) with these helpers.
   console.js calls SBConsoleActivity.render(view, live, names) on every facilitator view.
   The DOM is built with createElement/textContent only (strict CSP, no data in innerHTML).
   Re-rendering keeps what the facilitator is doing: sections whose data did not change are kept
   as they are (typed text, open <details>), and focus moves to the same control in a rebuilt one. */
(function () {
  "use strict";

  var $ = function (id) { return document.getElementById(id); };

  var KIND = { round: "Round", form: "Form", pacer: "Pacer", info: "Information", pairs: "Pairs", cards: "Cards" };
  var ctx = { view: null, live: null, names: {}, offset: 0, wired: false };
  var planTickers = [];
  var sections = {};          // activity body: key -> {sig, node, tickers}
  var guideOpen = false;      // remembered across activities
  var drawnBy = null;         // who drew the activity body: "server" (view.html) or "page" (the kinds below)
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

  function marker(text, cls) { return el("span", { "class": "ca-marker " + (cls || "") }, text); }

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
    window.SBConsoleScreen.tick();
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
    if (view.html) {  /* drawn on the server (core/templates/live/console/): console-screen.js morphs it in */
      if (drawnBy !== "server") { patch(body, []); body.textContent = ""; drawnBy = "server"; }
      window.SBConsoleScreen.draw(body, view, act);
      restoreFocus(focusId);
      return;
    }
    if (drawnBy !== "page") { body.textContent = ""; drawnBy = "page"; }
    var list = [headerSection(item, runKey), guideSection(item, runKey)];
    if (window.SBConsoleKinds && window.SBConsoleKinds[v.kind]) {
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
