/* Room display for the partner exercises, registered in window.SBDisplayKinds: pairs (round, big soft
   timer, what each role does, counts, a shown debrief answer) and cards (the openings, counts, the one
   card the facilitator shows). Only what the display view carries; names only when it gives them. */
(function () {
  "use strict";
  var K = window.SBDisplayActivity && window.SBDisplayActivity.kit;
  if (!K) { return; }
  var el = K.el, put = K.put, line = K.line, plural = K.plural;

  function keep(obj, key, data) { var k = JSON.stringify(data); if (obj[key] === k) { return false; } obj[key] = k; return true; }

  function pairs(body) {
    var v = null, seen = {};
    var round = el("p", "d-next dp-round", null, body);
    var time = K.quiet(el("p", "d-timer", null, body));
    var bar = el("div", "d-bar", null, body);
    bar.setAttribute("aria-hidden", "true");
    var fill = el("span", null, null, bar);
    var groups = el("ol", "dp-groups", null, body), groupsHint = el("p", "dp-counts", null, body);
    var roles = el("ul", "dp-roles", null, body);
    var steps = el("ol", "dp-steps", null, body);
    var counts = el("p", "dp-counts", null, body);
    var spot = el("div", "d-spot", null, body);
    var spotQ = el("p", "d-spot-label", null, spot), spotT = el("p", "d-spot-value", null, spot);
    var spotN = el("p", "d-next", null, spot);

    function tick() {
      var on = v && v.phase === "running";
      time.hidden = bar.hidden = !on;
      if (!on) { return; }
      var left = v.paused ? v.remaining : v.deadline - K.now(), total = v.round_minutes * 60;
      put(time, v.paused ? "Paused" : left > 0 ? K.clock(left) : "Time's up — finish your thought");
      time.classList.toggle("is-over", v.paused || left <= 0);
      bar.classList.toggle("is-over", left <= 0);
      fill.style.width = Math.min(100, Math.max(0, 100 * (1 - left / total))) + "%";
    }
    return {
      tick: tick,
      update: function (view) {
        v = view;
        var debrief = v.phase === "debrief";
        put(round, v.phase === "running" ? "Round " + v.round + " of " + v.total_rounds
          : debrief ? "Welcome back" : v.group_count ? "Find your group" : "Getting into groups");
        // Who is with whom (names only when the facilitator shows names; otherwise each phone says it).
        groups.hidden = !v.groups.length;
        if (keep(seen, "groups", v.groups)) {
          groups.textContent = "";
          v.groups.forEach(function (names, i) { el("li", null, "Group " + (i + 1) + ": " + names.join(", "), groups); });
        }
        line(groupsHint, v.group_count && !v.groups.length && v.phase === "forming" ? "Your phone shows who is in your group." : "");
        roles.hidden = debrief;
        if (keep(seen, "roles", v.roles)) {
          roles.textContent = "";
          v.roles.forEach(function (r) {
            var li = el("li", null, null, roles);
            el("strong", null, r.role, li);
            el("span", null, r.does, li);
          });
        }
        steps.hidden = debrief || !v.repair_steps.length;
        if (keep(seen, "steps", v.repair_steps)) {
          steps.textContent = "";
          v.repair_steps.forEach(function (s) { el("li", null, s, steps); });
        }
        var parts = [];
        if (v.group_count) { parts.push(plural(v.group_count, "group", "groups")); }
        if (v.loops_total) {
          parts.push(plural(v.loops_total, "reflection", "reflections"));
          parts.push(v.understood_total + " “yes, that's it”");
        }
        if (v.waiting) { parts.push(plural(v.waiting, "person", "people") + " waiting for a group"); }
        line(counts, parts.join(" · "));
        var s = v.shown_debrief;
        spot.hidden = !s;
        if (s) { put(spotQ, s.question); put(spotT, "“" + s.text + "”"); line(spotN, s.name ? "— " + s.name : ""); }
        tick();
      },
    };
  }

  function cards(body) {
    var seen = {};
    var counts = el("p", "d-count", null, body);
    var openings = el("ul", "dp-openings", null, body);
    var card = el("div", "dp-card", null, body);
    var to = el("p", "dp-to", null, card), opening = el("p", "dp-opening", null, card);
    var text = el("p", "dp-text", null, card), from = el("p", "d-next", null, card);
    return {
      update: function (v) {
        var c = v.counts;
        line(counts, c.sent ? plural(c.sent, "card", "cards") + " written · " + c.released + " shared so far" : "");
        if (keep(seen, "t", v.templates)) {
          openings.textContent = "";
          v.templates.forEach(function (t) { el("li", null, t, openings); });
        }
        var s = v.shown, ist = v.mode === "istatement";
        openings.hidden = !!s;
        card.hidden = !s;
        if (!s) { return; }
        line(to, s.to ? (s.to === "The whole group" ? "For the whole group" : "For " + s.to) : "");
        line(opening, ist ? "" : s.opening);
        put(text, s.text);
        line(from, s.from ? "— " + s.from : "");
      },
    };
  }

  window.SBDisplayKinds = Object.assign(window.SBDisplayKinds || {}, { pairs: pairs, cards: cards });
})();
