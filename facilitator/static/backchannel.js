/* Console: "Between facilitators", short notes between the co-facilitators of this session. The notes
   come in the facilitator view (view.frame.backchannel: a snapshot on every connect and reconnect, then
   every view), so nothing is missed while offline. They never reach participants or the room display.
   Loaded before console.js: it wraps SB.connect to see the console's views and to send on its socket
   (console.js is unchanged). DOM from createElement/textContent only. */
(function () {
  "use strict";
  var box = document.getElementById("backchannel");
  if (!box || !window.SB) { return; }
  var me = box.getAttribute("data-me");
  var live = null;
  var list, empty, form, text, send, status, heard;
  var shown = {};     // note id -> true
  var first = true;   // the first view after the page opened: nothing to announce yet

  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content != null) { node.textContent = content; }
    return node;
  }

  function clock(at) {
    var d = new Date(at * 1000);
    return el("time", { datetime: d.toISOString() }, d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
  }

  function build() {
    box.appendChild(el("h2", { id: "backchannel-h" }, "Between facilitators"));
    box.appendChild(el("p", { "class": "muted" }, "Only the facilitators of this session see these notes: " +
                                                 "never the participants or the room display."));
    list = el("ol", { "class": "bc-notes", "aria-label": "Notes between facilitators, newest last" });
    empty = el("p", { "class": "muted" }, "No notes yet.");
    form = el("form", { "class": "stack bc-form" });
    form.appendChild(el("label", { "for": "backchannel-text" }, "Note to the other facilitators"));
    text = el("textarea", { id: "backchannel-text", rows: "2", maxlength: "500", autocomplete: "off",
                            "aria-describedby": "backchannel-hint",
                            placeholder: "e.g. Ana looks shaken, can you check in at the break?" });
    form.appendChild(text);
    form.appendChild(el("p", { id: "backchannel-hint", "class": "muted bc-hint" }, "Enter sends. Up to 500 characters."));
    send = el("button", { type: "submit", "class": "primary" }, "Send");
    var row = el("div", { "class": "buttons" });
    row.appendChild(send);
    form.appendChild(row);
    status = el("p", { "class": "ca-status", role: "status" });
    form.appendChild(status);
    heard = el("p", { "class": "sr-only", "aria-live": "polite" });
    box.appendChild(list);
    box.appendChild(empty);
    box.appendChild(form);
    box.appendChild(heard);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(); });
    text.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); submit(); }
    });
    box.hidden = false;
  }

  function submit() {
    var note = text.value.trim();
    if (!note) { SB.setText(status, "Please write a note first."); text.focus(); return; }
    if (!live || send.disabled) { return; }
    send.disabled = true;
    SB.setText(status, "Sending…");
    live.send("backchannel", { text: note, key: SB.newKey() }).then(function (ack) {
      send.disabled = false;
      if (ack && ack.ok) {
        if (text.value.trim() === note) { text.value = ""; }
        SB.setText(status, "");
      } else {
        SB.setText(status, "Not sent: " + ((ack && ack.error) || "please try again.") + " Your note is still in the box.");
        text.focus();
      }
    });
  }

  function row(n) {
    var li = el("li", { "class": "bc-note" + (n.by === me ? " bc-mine" : "") });
    var head = el("p", { "class": "bc-meta" });
    head.appendChild(el("strong", {}, n.by === me ? n.name + " (you)" : n.name));
    head.appendChild(document.createTextNode(" · "));
    head.appendChild(clock(n.at));
    li.appendChild(head);
    li.appendChild(el("p", { "class": "bc-text" }, n.text));
    return li;
  }

  function render(view) {
    var notes = view && view.frame && view.frame.backchannel;
    if (!Array.isArray(notes)) { return; }
    var ids = {};
    notes.forEach(function (n) { ids[n.id] = true; });
    if (Object.keys(shown).some(function (id) { return !ids[id]; })) { list.textContent = ""; shown = {}; }
    var atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 8;
    var arrived = [];
    notes.forEach(function (n) {
      if (shown[n.id]) { return; }
      shown[n.id] = true;
      list.appendChild(row(n));
      if (n.by !== me) { arrived.push(n); }
    });
    empty.hidden = notes.length > 0;
    if (atEnd || first) { list.scrollTop = list.scrollHeight; }
    if (!first && arrived.length) {
      var last = arrived[arrived.length - 1];
      SB.setText(heard, (arrived.length > 1 ? arrived.length + " new notes between facilitators. The last, " : "Note ") +
                        "from " + last.name + ": " + last.text);
    }
    first = false;
  }

  build();
  var connect = SB.connect;
  SB.connect = function (opts) {
    var onView = opts.onView;
    live = connect(Object.assign({}, opts, {
      onView: function (view) { if (onView) { onView(view); } render(view); }
    }));
    return live;
  };
})();
