/* A questionnaire on the phone (window.SBActivityKinds.measure): the stem, each question as a radio
   group in its exact wording, Send, "I'd rather not answer today" and "Delete my answers". Shows only
   what the engine's participant view carries: the questions and the member's own answers, never a
   score. Built once per questionnaire; a choice being made survives views. */
(function () {
  "use strict";
  var K = window.SBActivity && window.SBActivity.kit;
  if (!K) { return; }
  var el = K.el, put = K.put, line = K.line, button = K.button, send = K.send;
  var THANKS = "Thank you \u2014 your answers went to the facilitators only.";
  var PASSED = "That's fine. You chose not to answer today; nothing was sent.";

  function measure(body) {
    var form = el("form", "pm-form", body), built = null, dirty = false, view = null;
    form.noValidate = true;
    var stem = el("p", "pm-stem", form);
    var who = el("p", "audience", form);  /* who sees this: the view's words (activities/privacy.py) */
    var items = el("div", "pm-items", form);
    var row = el("div", "act-buttons", form);
    var sendBtn = el("button", "primary", row, "Send");
    var passBtn = button("I'd rather not answer today", "", row, function () {
      send("pass", {}, err, passBtn).then(function (ack) { if (ack.ok) { dirty = false; } });
    });
    var delBtn = button("Delete my answers", "", row, function () {
      if (window.confirm("Delete your answers? The facilitators will no longer see them.")) {
        send("delete_answers", {}, err, delBtn).then(function (ack) { if (ack.ok) { dirty = false; } });
      }
    });
    var done = el("p", "pm-done", form);
    done.setAttribute("role", "status");
    var err = K.errorLine(form);

    function buildItems(v) {
      items.textContent = "";
      v.items.forEach(function (item, n) {
        var fs = el("fieldset", "pm-item", items);
        el("legend", null, fs, (n + 1) + ". " + item.text + (item.required ? "" : " (optional)"));
        var opts = el("div", "pm-options", fs);
        item.options.forEach(function (o) {
          var l = el("label", "chip pm-option", opts), r = el("input", null, l);
          r.type = "radio"; r.name = "pm-" + item.id; r.value = String(o.value);
          el("span", null, l, o.label);
        });
      });
    }
    form.addEventListener("change", function () { dirty = true; put(done, ""); });

    function paint(v) {
      v.items.forEach(function (item) {
        form.querySelectorAll("input[name='pm-" + item.id + "']").forEach(function (r) {
          r.checked = v.mine[item.id] !== undefined && String(v.mine[item.id]) === r.value;
        });
      });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var answers = {};
      view.items.forEach(function (item) {
        var picked = form.querySelector("input[name='pm-" + item.id + "']:checked");
        if (picked) { answers[item.id] = parseInt(picked.value, 10); }
      });
      send("submit", { answers: answers }, err, sendBtn).then(function (ack) { if (ack.ok) { dirty = false; } });
    });

    function update(v) {
      view = v;
      var key = JSON.stringify([v.title, v.stem, v.items]);
      if (built !== key) { built = key; put(stem, v.stem); buildItems(v); }
      line(who, v.who_sees ? "Who sees this: " + v.who_sees : "");
      if (!dirty) { paint(v); }
      var open = v.phase === "open";
      sendBtn.hidden = !open;
      passBtn.hidden = !open || v.passed;
      delBtn.hidden = !v.submitted;
      form.querySelectorAll("input").forEach(function (r) { r.disabled = !open; });
      put(sendBtn, v.submitted ? "Send again" : "Send");
      line(done, v.submitted ? THANKS : v.passed ? PASSED : open ? "" : "This questionnaire is closed.");
    }
    return { update: update };
  }

  window.SBActivityKinds = Object.assign(window.SBActivityKinds || {}, { measure: measure });
})();
