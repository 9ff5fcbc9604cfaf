// The kit's pure functions under `node --test` (make test runs it): clocks, the pacer's moment, card openings.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const kit = require("../../static/js/kit.js");

test("clock rounds up and never goes below 0:00", () => {
  assert.equal(kit.clock(75), "1:15");
  assert.equal(kit.clock(74.2), "1:15");
  assert.equal(kit.clock(0.1), "0:01");
  assert.equal(kit.clock(-3), "0:00");
  assert.equal(kit.clock(600), "10:00");
});

test("elapsed counts up like a stopwatch", () => {
  assert.equal(kit.elapsed(7), "0:07");
  assert.equal(kit.elapsed(61.9), "1:01");
  assert.equal(kit.elapsed(undefined), "0:00");
  assert.equal(kit.elapsed(-2), "0:00");
});

test("plural says one or many", () => {
  assert.equal(kit.plural(1, "card"), "1 card");
  assert.equal(kit.plural(2, "card"), "2 cards");
  assert.equal(kit.plural(3, "person", "people"), "3 people");
});

// in 4, out 6: a 10-second breath, 3 breaths
const BREATH = { running: true, paused: false, started_at: 100, stopped_at: null, total_seconds: 30, cycle_seconds: 10,
                 pattern: [{ label: "in", seconds: 4 }, { label: "out", seconds: 6 }] };

test("breathAt follows the pattern, breath by breath", () => {
  assert.deepEqual(kit.breathAt(BREATH, 100), { label: "in", left: 4, breath: 1, size: 0 });
  const mid = kit.breathAt(BREATH, 102);
  assert.equal(mid.label, "in");
  assert.ok(Math.abs(mid.size - 0.5) < 1e-9);
  assert.equal(kit.breathAt(BREATH, 104).label, "out");
  assert.equal(kit.breathAt(BREATH, 104).size, 1);
  assert.equal(kit.breathAt(BREATH, 115).breath, 2);
  assert.deepEqual(kit.breathAt(BREATH, 130), { done: true, size: 0 });
  assert.deepEqual(kit.breathAt(BREATH, 90), { label: "in", left: 4, breath: 1, size: 0 });  // a clock slightly behind
});

test("a stopped or paused pacer shows the moment it stopped", () => {
  const stopped = { ...BREATH, running: false, stopped_at: 106 };
  assert.deepEqual(kit.breathAt(stopped, 500), kit.breathAt(BREATH, 106));
  const paused = { ...BREATH, paused: true, paused_at: 103 };
  assert.deepEqual(kit.breathAt(paused, 500), kit.breathAt(BREATH, 103));
});

const SENSES = { running: true, paused: false, step: 0, step_started_at: 10, step_seconds: 30, ends_at: 130,
                 senses: [{ count: 5, prompt: "see" }, { count: 4, prompt: "hear" }, { count: 3, prompt: "touch" },
                          { count: 2, prompt: "smell" }] };

test("senseAt walks the steps and ends", () => {
  assert.deepEqual(kit.senseAt(SENSES, 10), { index: 0, of: 4, left: 30, done: false });
  assert.deepEqual(kit.senseAt(SENSES, 45), { index: 1, of: 4, left: 25, done: false });
  assert.equal(kit.senseAt(SENSES, 200).index, 3);
  assert.equal(kit.senseAt(SENSES, 130).done, true);
  assert.equal(kit.senseAt({ ...SENSES, paused: true, paused_at: 45 }, 999).index, 1);
});

test("a typed card opening is dropped once, and only a whole one", () => {
  assert.equal(kit.withoutOpening("I noticed\u2026", "I noticed how you waited"), "how you waited");
  assert.equal(kit.withoutOpening("I noticed\u2026", "i noticed\u2026 you made room"), "you made room");
  assert.equal(kit.withoutOpening("I noticed\u2026", "Thank you"), "Thank you");
  assert.equal(kit.withoutOpening("I noticed\u2026", "I noticedness"), "I noticedness");
  assert.equal(kit.withoutOpening("I noticed you\u2026 and it meant\u2026", "I noticed you listening"), "listening");
  assert.equal(kit.withoutOpening("I appreciate\u2026", "I appreciate I appreciate it"), "I appreciate it");
});

// A phone's two parts (core/live/fanout.py): the room's shared part and its own.
const SHARED = (version, extra) => ({ version, server_time: 1, title: "Group", frame: { phase: "running", message: "" },
  activity: { item: { slug: "go-around" }, item_key: "k1", view: { kind: "round", speaker: "Ana", queue: ["a", "b"], ...extra } } });
const MINE = (version, extra) => ({ version, frame: { passed: false, signal: null },
  activity: { my_status: "waiting", me: "b", ...extra } });

test("composeView lays the own part over the room's part", () => {
  const view = kit.composeView(SHARED(4), MINE(3));
  assert.equal(view.version, 4);
  assert.equal(view.title, "Group");
  assert.deepEqual(view.frame, { phase: "running", message: "", passed: false, signal: null });
  assert.deepEqual(view.activity.view, { kind: "round", speaker: "Ana", queue: ["a", "b"], my_status: "waiting", me: "b" });
  assert.equal(kit.composeView({ ...SHARED(5), activity: null }, MINE(5, {})).activity, null);
});

test("viewParts draws each newer part and ignores a late older one", () => {
  const parts = kit.viewParts();
  assert.equal(parts.mine(MINE(1)), null);  // nothing to draw before the room's part
  assert.equal(parts.reset(SHARED(3), MINE(3)).version, 3);
  assert.equal(parts.shared(SHARED(2, { speaker: "Old" })), null);
  assert.equal(parts.mine(MINE(4, { my_status: "passed" })).activity.view.my_status, "passed");
  const next = parts.shared(SHARED(5, { speaker: "Ben" }));
  assert.equal(next.activity.view.speaker, "Ben");
  assert.equal(next.activity.view.my_status, "passed");  // the own part is kept across shared parts
  assert.equal(next.version, 5);
});

test("viewParts holds an own part sent with a shared part until that part arrives", () => {
  const parts = kit.viewParts();
  parts.reset(SHARED(3), MINE(3));
  assert.equal(parts.mine({ ...MINE(4, { my_status: "speaking" }), with_shared: true }), null);
  assert.ok(parts.waiting());
  const both = parts.shared(SHARED(4, { speaker: "Ben" }));
  assert.equal(both.activity.view.speaker, "Ben");
  assert.equal(both.activity.view.my_status, "speaking");
  assert.ok(!parts.waiting());
  // held while its room part is missing, until a newer own part replaces it
  assert.equal(parts.mine({ ...MINE(6, { my_status: "done" }), with_shared: true }), null);
  assert.equal(parts.mine(MINE(7, { my_status: "passed" })).activity.view.my_status, "passed");
  assert.ok(!parts.waiting());  // a newer own part replaces the one held
});

test("viewParts keeps the activity's item, sent once, for the shared parts that only name it", () => {
  const parts = kit.viewParts();
  parts.reset(SHARED(3), MINE(3));
  const bare = (version, key, extra) => {
    const s = SHARED(version, extra);
    return { ...s, activity: { item_key: key, view: s.activity.view } };
  };
  const next = parts.shared(bare(4, "k1", { speaker: "Ben" }));
  assert.deepEqual(next.activity.item, { slug: "go-around" });
  assert.equal(next.activity.view.speaker, "Ben");
  assert.ok(!parts.stale());
  // a new activity's item arrives with its first shared part, and is the one kept from then on
  const other = { ...SHARED(5), activity: { item: { slug: "check-in" }, item_key: "k2", view: { kind: "form" } } };
  assert.equal(parts.shared(other).activity.item.slug, "check-in");
  assert.equal(parts.shared(bare(6, "k2")).activity.item.slug, "check-in");
  // an item this phone never got: nothing drawn, and stale until a whole view comes
  assert.equal(parts.shared(bare(7, "k3")), null);
  assert.ok(parts.stale());
  assert.equal(parts.reset(SHARED(8), MINE(8)).activity.item.slug, "go-around");
  assert.ok(!parts.stale());
});

test("words reads the page's vocabulary block and breathWord says a phase from it", () => {
  const given = kit.words({ textContent: '{"breath": {"in": "breathe in", "out": "breathe out"}}' });
  assert.equal(kit.breathWord("in", given), "Breathe in");
  assert.equal(kit.breathWord("out", given), "Breathe out");
  assert.deepEqual(kit.words(null), {});
  assert.deepEqual(kit.words({ textContent: "not json" }), {});
  assert.equal(kit.breathWord("hold", {}), "Hold");  // no block: the phase's own name, capitalised
});
