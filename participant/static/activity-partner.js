/* Partner exercises (window.SBActivityKinds): pairs and cards. Built once, updated in place (typed text
   survives views). Shows only what the engine's view carries. */
(function () {
  "use strict";
  var K = window.SBActivity && window.SBActivity.kit;
  if (!K) { return; }
  var el = K.el, put = K.put, line = K.line, button = K.button, send = K.send, uid = 0;
  var UNSAVED = "You have changes that aren't saved yet.";
  var WORDS = window.SBKit.words(document.getElementById("sb-words"));  /* core/vocabulary.py, from the page */

  function and(a) { return a.length < 2 ? a.join("") : a.slice(0, -1).join(", ") + " and " + a[a.length - 1]; }
  function q(t) { return "“" + t + "”"; }
  function box(parent, heading, tag) {
    var b = el(tag || "section", "pp-box", parent);
    if (heading) { el("h3", null, b, heading); }
    return b;
  }
  function status(parent, tag, cls) { var p = el(tag || "p", cls || "pp-status", parent); p.setAttribute("role", "status"); return p; }
  function field(parent, label, max, rows, hint) {
    var id = "pp-" + (uid += 1), wrap = el("div", "field", parent), i;
    el("label", null, wrap, label).htmlFor = id;
    if (hint) { el("p", "hint", wrap, hint).id = id + "h"; }
    i = el(rows ? "textarea" : "input", null, wrap);
    if (rows) { i.rows = rows; } else { i.type = "text"; i.autocomplete = "off"; }
    i.id = id; i.maxLength = max;
    if (hint) { i.setAttribute("aria-describedby", id + "h"); }
    return i;
  }
  function check(parent, text) {
    var l = el("label", "check", parent), i = el("input", null, l);
    i.type = "checkbox";
    el("span", null, l, text);
    return i;
  }
  /* radio chips, styled by activity.css */
  function chips(parent, name, options, picked, onPick) {
    parent.textContent = "";
    options.forEach(function (o) {
      var l = el("label", "chip", parent), r = el("input", null, l);
      r.type = "radio"; r.name = name; r.value = o[0]; r.checked = o[0] === picked;
      r.addEventListener("change", function () { if (r.checked) { onPick(o[0]); } });
      el("span", null, l, o[1]);
    });
  }
  function changed(seen, key, data) { var k = JSON.stringify(data); if (seen[key] === k) { return false; } seen[key] = k; return true; }
  /* a form with Save and a saved/unsaved note */
  function saver(parent, heading, action, collect) {
    var f = box(parent, heading, "form"), s = { form: f, dirty: false };
    f.noValidate = true;
    s.fields = el("div", null, f);
    var row = el("div", "act-buttons", f), save = el("button", "primary", row, "Save");
    var st = status(row, "span", "saved"), err = K.errorLine(f);
    s.paint = function (saved) { put(st, !saved ? "" : s.dirty ? UNSAVED : "Saved"); s.saved = saved; };
    f.addEventListener("input", function () { s.dirty = true; s.paint(s.saved); });
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      send(action, collect(), err, save).then(function (ack) { if (ack.ok) { s.dirty = false; s.paint(true); } });
    });
    return s;
  }

  /* ---- pairs ------------------------------------------------------------------------------- */
  var SCENE = { listening: "An idea to talk about, if you'd like one", roleplay: "The scene", repair: "The situation" };

  function pairs(body, item) {
    var v = null, labels = (item.settings || {}).observer_checklist || [];
    var seen = {}, last = null, checkRound = null, boxes = [];
    var intro = body.parentNode.querySelector(".intro"), about = null;
    var note = el("p", "notice", body), withP = el("p", "pp-with", body), people = el("ul", "pp-people", body);
    var role = el("div", "pp-role", body);
    role.setAttribute("aria-live", "polite");
    role.setAttribute("aria-atomic", "true");
    var roleLabel = el("p", "pp-role-label", role), roleName = el("p", "pp-role-name", role), roleDoes = el("p", null, role);
    var time = el("p", "turn-time pp-time", body), bar = el("div", "turn-bar", body), fill = el("span", null, bar);
    bar.setAttribute("aria-hidden", "true");
    var scene = el("div", "pp-scene", body), sceneH = el("h3", null, scene), sceneP = el("p", null, scene);
    var loops = el("p", "pp-loops", body);

    // the one who reflects back
    var refl = box(body, "When you reflect back"), prompts = el("ul", "pp-prompts", refl);
    var reflBtn = button("I've reflected back", "primary", el("div", "act-buttons", refl), function () {
      send("reflected", {}, reflErr, reflBtn);
    });
    var reflSt = status(refl), reflErr = K.errorLine(refl);

    // the one whose words are reflected
    var conf = box(body, "Did the reflection fit?"), confSt = status(conf), confRow = el("div", "act-buttons", conf);
    function answer(result, b) {
      var args = { result: result };
      if (result === "not_quite" && word.value.trim()) { args.word = word.value.trim(); }
      send("confirm", args, confErr, b).then(function (ack) { if (ack.ok) { word.value = ""; } });
    }
    var yes = button("Yes, that's it", "primary", confRow, function () { answer("yes", yes); });
    var nq = button("Not quite", "", confRow, function () { answer("not_quite", nq); });
    var word = field(conf, "Not quite? Add a word about what was missed (optional)", 60), confErr = K.errorLine(conf);

    // the observer
    var obs = saver(body, "What you notice", "checklist", function () {
      var items = {}, args = { items: items };
      boxes.forEach(function (b, i) { items[i] = b.checked; });
      if (obsNote.value.trim()) { args.note = obsNote.value.trim(); }
      return args;
    });
    el("p", "hint", obs.fields, "Tick what you saw. Your group sees this after the round.");
    var ticks = el("div", "pp-ticks", obs.fields), obsNote = field(obs.fields, "A short note (optional)", 300, 3);

    // a repair's two sides: the one who was hurt asks for repair (first), the other offers it
    var asking = stepList("Asking for repair", "ask_steps", "steps_asked", "ask_step");
    var offering = stepList("Offering a repair", "repair_steps", "steps_done", "repair_step");

    /* The steps of one side of a repair: everyone in the group follows them, the one whose side it is
       marks them as they go (``can[command]``). */
    function stepList(title, stepsKey, doneKey, command) {
      var wrap = box(body, title), list = el("ol", "pp-steps", wrap), err = K.errorLine(wrap), buttons = [];
      return function draw(hide) {
        var all = v[stepsKey] || [], done = v[doneKey] || [];
        wrap.hidden = !all.length || hide;
        if (!buttons.length && all.length) {
          body.insertBefore(wrap, refl);  // in a repair, the steps lead
          buttons = all.map(function (s, i) {
            var li = el("li", null, list);
            el("span", null, li, s);
            var b = button("Mark as done", "small", li, function () {
              send(command, { index: i, done: b.getAttribute("aria-pressed") !== "true" }, err, b);
            });
            return b;
          });
        }
        buttons.forEach(function (b, i) {
          var on = done.indexOf(i) >= 0;
          b.hidden = !v.can[command];
          b.setAttribute("aria-pressed", String(on));
          put(b, on ? "Done ✓" : "Mark as done");
          b.parentNode.classList.toggle("is-done", on);
        });
      };
    }

    var deb = saver(body, "Looking back", "debrief", function () {
      return { helped: helped.value.trim(), adjust: adjust.value.trim() };
    });
    var helped = field(deb.fields, "What helped", 300, 3), adjust = field(deb.fields, "What I'd adjust", 300, 3);
    var debWho = el("p", "audience", deb.fields);  /* who sees this: the view's words (activities/privacy.py) */
    var shown = box(body, "On the room screen now");
    var shownQ = el("p", "shared-label", shown), shownT = el("p", "shared-value", shown);
    var heard = box(body, "The observer's notes");  // not "your observer": the view doesn't say whose

    // Who reflects back and who confirms comes with the view (activities/kinds/pairs_views._turns).
    function turns() { return v.turns || { reflector: null, confirmer: null, mine: null }; }

    function update(view) {
      v = view;
      var run = v.phase === "running", debrief = v.phase === "debrief", placed = v.placement === "placed";
      var others = (v.group || []).filter(function (m) { return !m.me; }), loop = v.loop || {};
      var t = turns(), them = t.confirmer || "your partner", can = v.can;
      line(note, debrief ? "Welcome back. The rounds are over." : v.waiting_note);
      if (placed && intro && !about && !intro.closest("details")) {  // in a group, the role comes first
        about = document.createElement("details");
        about.className = "pp-about";
        el("summary", null, about, "About this exercise");
        intro.parentNode.insertBefore(about, intro).appendChild(intro);
      }
      line(withP, placed && !debrief ? "You're with " + and(others.map(function (m) { return m.name; })) : "");
      people.hidden = !placed || debrief;
      if (changed(seen, "people", others)) {
        people.textContent = "";
        others.forEach(function (m) { el("li", null, people, m.name + ": " + m.role.toLowerCase()); });
      }
      role.hidden = !placed || debrief || !v.my_role;
      put(roleLabel, run ? "Round " + v.round + " of " + v.total_rounds + ". Your role:" : "Your first role:");
      put(roleName, v.my_role);
      put(roleDoes, v.my_role_does);
      put(sceneH, SCENE[v.exercise]);
      line(sceneP, !debrief && v.scenario ? v.scenario : "");
      scene.hidden = !sceneP.textContent;
      line(loops, run && placed && loop.reflections ? "This round: " + loop.reflections +
        (loop.reflections === 1 ? " reflection" : " reflections") + " · " + loop.yes + " “yes, that's it”" +
        (loop.not_quite ? " · " + loop.not_quite + " “not quite”" : "") : "");

      // reflecting; the speaker's answer is said once (role=status) when it arrives
      refl.hidden = !can.reflect;
      if (changed(seen, "prompts", v.prompts)) {
        prompts.textContent = "";
        v.prompts.forEach(function (p) { el("li", null, prompts, p); });
      }
      prompts.hidden = !v.prompts.length;
      var words = loop.words || [], said = loop.waiting_for_answer ? "Waiting for " + them + " to say whether it fits." : "";
      if (!said && last && last.round === v.round) {
        said = loop.yes > last.yes ? them + " said “yes, that's it”."
          : loop.not_quite > last.nq ? them + " said “not quite”" +
            (words.length > last.words ? " and added: " + q(words[words.length - 1]) + "." : ".") : reflSt.textContent;
      }
      last = { round: v.round, yes: loop.yes, nq: loop.not_quite, words: words.length };
      line(reflSt, run ? said : "");

      // confirming
      conf.hidden = !(run && placed && t.mine === "confirm");
      confRow.hidden = word.parentNode.hidden = !can.confirm;
      var partner = t.reflector || "your partner";
      line(confSt, can.confirm ? partner.charAt(0).toUpperCase() + partner.slice(1) + " has reflected back."
        : loop.yes || loop.not_quite ? "Thank you. When " + partner + " reflects back again, you can answer here."
        : "When " + partner + " has reflected back, you can say here whether it fits.");

      // observing: a fresh checklist each round
      obs.form.hidden = !can.checklist;
      if (!boxes.length) { boxes = v.checklist.map(function (c) { return check(ticks, c); }); }
      if (v.round !== checkRound) { obs.dirty = false; }
      if (!obs.dirty && changed(seen, "mine", [v.round, v.my_checklist])) {
        var mine = v.my_checklist || { items: {} };
        boxes.forEach(function (b, i) { b.checked = !!mine.items[i]; });
        obsNote.value = mine.note || "";
      }
      checkRound = v.round;
      obs.paint(!!v.my_checklist);

      asking(debrief || !placed);
      offering(debrief || !placed);

      heard.hidden = !v.observer_notes.length;
      if (changed(seen, "heard", v.observer_notes)) {
        while (heard.children.length > 1) { heard.removeChild(heard.lastChild); }
        v.observer_notes.forEach(function (n) {
          el("p", "shared-label", heard, "Round " + n.round);
          var ul = el("ul", "pp-noted", heard);
          Object.keys(n.items).forEach(function (k) { if (n.items[k] && labels[k]) { el("li", null, ul, labels[k]); } });
          if (n.note) { el("li", null, ul, q(n.note)); }
        });
      }

      deb.form.hidden = !can.debrief;
      put(debWho, v.debrief_who_sees ? "Who sees this: " + v.debrief_who_sees : "");
      if (!deb.dirty && changed(seen, "deb", v.my_debrief)) {
        helped.value = v.my_debrief ? v.my_debrief.helped : "";
        adjust.value = v.my_debrief ? v.my_debrief.adjust : "";
      }
      deb.paint(!!v.my_debrief);
      var sd = v.shown_debrief;
      shown.hidden = !sd;
      if (sd) { put(shownQ, sd.question); put(shownT, q(sd.text) + (sd.mine ? " (yours)" : "")); }
      tick();
    }

    function tick() {
      var on = v && v.phase === "running" && v.placement === "placed";
      time.hidden = bar.hidden = !on;
      if (!on) { return; }
      var left = v.paused ? v.remaining : v.deadline - K.now();
      put(time, v.paused ? "Paused" : left > 0 ? K.clock(left) + " left in this round" : "Time's up — finish your thought");
      time.classList.toggle("is-over", !v.paused && left <= 0);
      bar.classList.toggle("is-over", left <= 0);
      fill.style.width = Math.min(100, Math.max(0, 100 - 100 * left / (v.round_minutes * 60))) + "%";
    }
    return { update: update, tick: tick };
  }

  /* ---- cards ------------------------------------------------------------------------------- */
  function cap(t) { return t.charAt(0).toUpperCase() + t.slice(1); }
  function statusWord(s) { return cap((WORDS.card_statuses || {})[s] || s); }
  /* the I-statement's parts, each label trailing off with an ellipsis (before any "(optional)") */
  var PARTS = (WORDS.statement_parts || []).map(function (p) { return [p[0], p[1].replace(/^(.*?)( \(optional\))?$/, "$1…$2")]; });

  function cards(body) {
    var v = null, ist = false, to = null, tpl = 0, seen = {}, name = "pp-c" + (uid += 1), text = null, parts = {};
    var openBox = el("div", "pp-open", body), openIn = check(openBox, ""), openText = openIn.nextSibling;
    el("p", "hint", openBox, "It's your choice whether to receive cards, and you can change it at any time. No reason needed.");
    var openErr = K.errorLine(openBox);
    openIn.addEventListener("change", function () {
      var want = openIn.checked;
      openIn.disabled = true;
      send("set_open", { open: want }, openErr, null).then(function (ack) {
        openIn.disabled = false;
        if (!ack.ok) { openIn.checked = !want; }
      });
    });

    var form = box(body, null, "form"), formH = el("h3", null, form);
    form.noValidate = true;
    function set(legend, hint) {
      var f = el("fieldset", "pp-set", form);
      el("legend", null, f, legend);
      var c = el("div", "chips", f);
      if (hint) { el("p", "hint", f, hint); }
      return c;
    }
    // Everyone here is listed (listing only those who receive cards would tell who opted out), so the hint says what happens.
    var whoChips = set("Who is it for?", "Everyone here is listed. A card reaches only someone who has chosen to " +
                       "receive cards; otherwise the facilitator gives it back to you.");
    var tplChips = set("Start with");
    var count = el("p", "pp-count", form), preview = el("p", "pp-preview", form);
    var example = el("details", "pp-more", form);
    el("summary", null, example, "See an example");
    var exampleP = el("p", null, example);
    el("p", "hint", form, "The facilitators read every card before it's passed on.");
    var anon = el("p", "hint", form);
    var nudge = status(form, "div", "pp-nudge"), nudgeP = el("p", null, nudge), nudgeRow = el("div", "act-buttons", nudge);
    var asIs = button("Send as written", "", nudgeRow, function () { submit(true, asIs); });
    button("I'll change it", "", nudgeRow, function () { nudge.hidden = true; (parts.feel || text).focus(); });
    nudge.hidden = true;
    var draft = el("p", "hint", form, "Your draft stays on your screen. Nothing is shared until you tap Share it.");
    var sendBtn = el("button", "primary", el("div", "act-buttons", form));
    var sentSt = status(form), err = K.errorLine(form);
    form.addEventListener("input", draw);
    form.addEventListener("submit", function (e) { e.preventDefault(); submit(false, sendBtn); });

    function list(heading) { var b = box(body, heading); b.list = el("ul", "pp-cards", b); return b; }
    var mine = list("Your cards"), got = list("Cards for you"), group = list("Cards to the whole group");
    var gotEmpty = got.insertBefore(el("p", "hint", got), got.list);
    var shownBox = box(body, "On the room screen now"), shownP = el("p", "pp-card", shownBox);

    function values() {
      var p = {};
      PARTS.forEach(function (k) { p[k[0]] = parts[k[0]].value; });
      return p;
    }
    function composed() {  // the same sentence the engine builds
      var p = values();
      Object.keys(p).forEach(function (k) { p[k] = p[k].trim().replace(/\.+$/, "").trim() || (k === "because" ? "" : "___"); });
      return "I feel " + p.feel + " when " + p.when + (p.because ? ", because " + p.because : "") + ". What I'd like is " + p.like + ".";
    }
    function draw() {
      var t = ist ? composed() : text.value.trim();
      put(count, t.length + " of " + v.max_chars + " characters");
      count.classList.toggle("is-over", t.length > v.max_chars);
      line(preview, ist ? t : t ? v.templates[tpl] + " " + withoutOpening(v.templates[tpl], t) : "");
      nudge.hidden = true;
    }
    var withoutOpening = SBKit.withoutOpening;  // as the engine does (activities/kinds/cards.py)
    function pickTo(val) { to = val; }
    function submit(keepWording, btn) {
      line(sentSt, "");
      if (!to) { line(err, "Please choose who the card is for."); return; }
      var args = { to: to, template: tpl };
      if (ist) { args.parts = values(); } else { args.text = text.value; }
      if (keepWording) { args.keep_wording = true; }
      send("send", args, err, btn).then(function (ack) {
        if (!ack.ok && ist && !keepWording && /\b(always|never)\b/i.test(composed())) {  // the engine's gentle nudge
          line(err, "");
          put(nudgeP, ack.error);
          nudge.hidden = false;
          return;
        }
        if (!ack.ok) { return; }
        (ist ? PARTS.map(function (k) { return parts[k[0]]; }) : [text]).forEach(function (i) { i.value = ""; });
        to = null;
        chips(whoChips, name + "w", JSON.parse(seen.who), null, pickTo);
        draw();
        line(sentSt, "Sent. It waits for the facilitator to read it first.");
      });
    }
    function cardText(c) { return ist ? c.text : c.opening + " " + c.text; }
    function fill(b, cards, meta) {
      b.hidden = !cards.length && b !== got;
      if (!changed(seen, b.firstChild.textContent, cards)) { return; }
      b.list.textContent = "";
      cards.forEach(function (c) {
        var li = el("li", null, b.list);
        el("p", "pp-card", li, cardText(c));
        meta(li, c);
      });
    }

    function build() {
      ist = v.mode === "istatement";
      put(formH, ist ? "Build your I-statement" : "Write a card");
      put(sendBtn, ist ? "Share it" : "Send card");
      draft.hidden = !ist;
      example.open = ist;
      tplChips.classList.toggle("pp-long", v.templates.some(function (t) { return t.length > 24; }));
      if (ist) {
        PARTS.forEach(function (k) { parts[k[0]] = field(form, k[1], v.max_chars); form.insertBefore(parts[k[0]].parentNode, count); });
      } else {
        text = field(form, "Your card", v.max_chars, 4, "Keep to what you saw and what you felt. Be kind.");
        form.insertBefore(text.parentNode, count);
      }
      chips(tplChips, name + "t", v.templates.map(function (t, i) { return [String(i), t]; }), "0", function (val) {
        tpl = +val;
        if (ist) { parts.because.parentNode.hidden = v.templates[tpl].indexOf("because") < 0; }
        draw();
      });
      line(exampleP, v.worked_example);
      example.hidden = !v.worked_example;
      put(anon, v.who_sees);  /* who sees a card, by anonymity: the view's words (activities/privacy.py) */
      draw();
    }

    function update(view) {
      if (!v) { v = view; build(); }
      v = view;
      openIn.checked = v.open;
      put(openText, "I'm open to receiving " + ((WORDS.cards_modes || {})[v.mode] || "cards"));
      var options = v.can_send_to.map(function (m) { return [m.id, m.name]; }).concat([["group", "The whole group"]]);
      if (changed(seen, "who", options)) {
        if (!options.some(function (o) { return o[0] === to; })) { to = null; }
        chips(whoChips, name + "w", options, to, pickTo);
      }
      if (!v.sent.some(function (c) { return c.status === "pending"; })) { line(sentSt, ""); }
      fill(mine, v.sent, function (li, c) {
        el("p", "pp-meta", li, (c.to === "group" ? "To the whole group" : "To " + c.to.name) + " · " + (!c.edited ? statusWord(c.status)
          : c.status === "released" ? "Delivered, after the facilitator edited it" : "Edited by the facilitator"));
        if (c.note) { el("p", "pp-note", li, "A note from the facilitator: " + c.note); }
        if (c.edited && c.original) { el("p", "pp-meta", li, "You wrote: " + c.original); }
        if (c.status === "pending") {
          var w = button("Withdraw", "small", li, function () { send("withdraw", { card: c.id }, err, w); });
        }
      });
      fill(got, v.received, function (li, c) { if (c.from) { el("p", "pp-meta", li, "From " + c.from); } });
      line(gotEmpty, v.received.length ? "" : v.open ? "Nothing yet. Cards reach you once a facilitator has read them."
        : "You're not receiving cards at the moment.");
      fill(group, v.group_cards, function (li, c) {
        if (c.mine || c.from) { el("p", "pp-meta", li, c.mine ? "Your card" : "From " + c.from); }
      });
      var s = v.shown;
      shownBox.hidden = !s;
      if (s) { put(shownP, cardText(s) + (s.from_me ? " (your card)" : s.to_me ? " (a card for you)" : "")); }
    }
    return { update: update };
  }

  window.SBActivityKinds = Object.assign(window.SBActivityKinds || {}, { pairs: pairs, cards: cards });
})();
