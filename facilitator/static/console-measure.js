/* Facilitator console: a scored questionnaire (PHQ-9, GAD-7, session feedback). Per member: answered,
   passed or not yet, how (phone, paper, before the session), total, band, last time and the change,
   risk answers marked clearly, the item answers on demand; and a paper-entry form for in-room members.
   The server scores; nothing here is computed from the answers. Registered for console-activity.js as
   SBConsoleKinds.measure, with its helpers. DOM from createElement/textContent only. */
(function () {
  "use strict";

  var h = null;
  var SOURCE = { phone: "on their phone", paper: "on paper", before: "before the session" };

  function el(tag, attrs, text) { return h.el(tag, attrs, text); }
  function add(parent, child) { return h.add(parent, child); }

  function optionLabel(item, value) {
    var found = item.options.filter(function (o) { return o.value === value; })[0];
    return found ? found.label : String(value);
  }

  function top(v, runKey) {
    return {
      key: "measure-top",
      sig: JSON.stringify([runKey, v.phase, v.answered, v.passed, v.present, v.group_mean, v.instrument.title]),
      build: function () {
        var box = el("div", { "class": "ca-block cm-top" });
        add(box, el("p", { "class": "ca-meta" }, v.instrument.name + " \u00b7 " + v.instrument.about));
        add(box, el("p", {}, v.answered + " of " + v.present + " have answered" +
          (v.passed ? ", " + v.passed + " chose not to today" : "") + "."));
        if (v.group_mean !== null) { add(box, el("p", { "class": "ca-meta" }, "Group mean total: " + v.group_mean)); }
        else { add(box, el("p", { "class": "ca-hint" }, "A group mean shows once at least three people have a total.")); }
        if (v.phase === "open") {
          var b = add(box, h.buttons("Questionnaire"));
          b.appendChild(h.button("Close the questionnaire", { id: "measure-close", cls: "small" }, function () {
            h.act("close", {}, "The questionnaire is closed.");
          }));
        } else { add(box, el("p", { "class": "ca-meta" }, "Closed. Answers can still be deleted.")); }
        return box;
      }
    };
  }

  function memberRow(v, m) {
    var li = el("li", { "class": "ca-member cm-member" + (m.risk.length ? " cm-risk" : "") });
    var who = add(li, el("div", { "class": "ca-member-who" }));
    add(who, el("span", { "class": "ca-member-name" }, m.name));
    if (m.in_room) { who.appendChild(h.marker("in the room", "ca-mk-room")); }
    if (!m.present) { who.appendChild(h.marker("left", "")); }
    var status = m.submitted ? "answered " + (SOURCE[m.source] || "") : (m.passed ? "chose not to answer today" : "not yet");
    add(who, el("span", { "class": "ca-status-badge" }, status));
    if (m.risk.length) {
      m.risk.forEach(function (r) {
        add(li, el("p", { "class": "cm-risk-line" }, "RISK: " + r.say));
      });
    }
    if (m.submitted) {
      var line = m.total === null ? "No total (a question was left out)" : "Total " + m.total + (m.band ? " (" + m.band + ")" : "");
      if (m.previous_total !== null) { line += " \u00b7 last time " + m.previous_total; }
      if (m.change) { line += " \u00b7 " + m.change; }
      add(li, el("p", { "class": "cm-score" }, line));
      m.flags.forEach(function (f) {
        add(li, el("p", { "class": "cm-flag" }, f.why === "drop" ? "Flag: total down from " + f.previous + " to " + f.value
                                                                  : "Flag: low answer (" + f.value + ") to \u201c" + itemText(v, f.item) + "\u201d"));
      });
      var d = add(li, el("details", { "class": "cm-answers" }));
      add(d, el("summary", {}, "Answers"));
      var ol = add(d, el("ol", {}));
      v.instrument.items.forEach(function (item) {
        if (item.id in m.answers) { add(ol, el("li", {}, item.text + ": " + optionLabel(item, m.answers[item.id]))); }
      });
    } else if (m.previous_total !== null) {
      add(li, el("p", { "class": "ca-meta" }, "Last time: " + m.previous_total));
    }
    if (m.submitted && m.in_room && m.present) {
      li.appendChild(h.button("Delete answers", { cls: "small", more: "of " + m.name }, function () {
        if (window.confirm("Delete " + m.name + "'s answers?")) { h.act("delete_answers", { member: m.id }, "Deleted."); }
      }));
    }
    if (!m.submitted && !m.passed && m.in_room && m.present && v.phase === "open") {
      li.appendChild(h.button("Passes today", { cls: "small", more: "for " + m.name }, function () {
        h.act("pass", { member: m.id }, m.name + " chose not to answer today.");
      }));
    }
    return li;
  }

  function itemText(v, id) {
    var found = v.instrument.items.filter(function (i) { return i.id === id; })[0];
    return found ? found.text : id;
  }

  function members(v, runKey) {
    return {
      key: "measure-members",
      sig: JSON.stringify([runKey, v.phase, v.members]),
      build: function () {
        var box = el("div", { "class": "ca-block" });
        add(box, el("h4", {}, "People (facilitators only)"));
        var ul = add(box, el("ul", { "class": "ca-members" }));
        v.members.filter(function (m) { return m.present || m.submitted; }).forEach(function (m) { add(ul, memberRow(v, m)); });
        return box;
      }
    };
  }

  function paper(v, runKey) {
    var inRoom = v.members.filter(function (m) { return m.in_room && m.present; });
    return {
      key: "measure-paper",
      sig: JSON.stringify([runKey, v.phase, inRoom.map(function (m) { return [m.id, m.name]; })]),
      build: function () {
        if (!inRoom.length || v.phase !== "open") { return el("div", { hidden: true }); }
        var d = el("details", { "class": "ca-block cm-paper" });
        add(d, el("summary", {}, "Type in answers from paper"));
        var form = add(d, el("form", { novalidate: true }));
        var label = add(form, el("label", { "for": "measure-paper-who" }, "Whose answers "));
        var who = add(label, el("select", { id: "measure-paper-who" }));
        inRoom.forEach(function (m) { add(who, el("option", { value: m.id }, m.name)); });
        add(form, el("p", { "class": "ca-hint" }, v.instrument.stem));
        v.instrument.items.forEach(function (item, n) {
          var fs = add(form, el("fieldset", { "class": "cm-item" }));
          add(fs, el("legend", {}, (n + 1) + ". " + item.text));
          item.options.forEach(function (o) {
            var id = "measure-paper-" + item.id + "-" + o.value;
            var lab = add(fs, el("label", { "for": id, "class": "cm-option" }));
            add(lab, el("input", { type: "radio", id: id, name: "measure-paper-" + item.id, value: String(o.value) }));
            lab.appendChild(document.createTextNode(" " + o.label));
          });
        });
        var b = add(form, h.buttons("Paper answers"));
        b.appendChild(h.button("Save paper answers", { id: "measure-paper-go", cls: "small primary", submit: true }));
        form.addEventListener("submit", function (ev) {
          ev.preventDefault();
          var answers = {};
          v.instrument.items.forEach(function (item) {
            var checked = form.querySelector("input[name='measure-paper-" + item.id + "']:checked");
            if (checked) { answers[item.id] = parseInt(checked.value, 10); }
          });
          h.act("submit", { member: who.value, answers: answers }, "Paper answers saved.").then(function (ack) {
            if (ack && ack.ok) { form.reset(); }
          });
        });
        return d;
      }
    };
  }

  window.SBConsoleKinds = window.SBConsoleKinds || {};
  window.SBConsoleKinds.measure = function (v, item, runKey, helpers) {
    h = helpers;
    return [top(v, runKey), members(v, runKey), paper(v, runKey)];
  };
})();
