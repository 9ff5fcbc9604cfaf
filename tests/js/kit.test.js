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
