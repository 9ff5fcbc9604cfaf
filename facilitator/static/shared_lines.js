/* Console: "Shared by members", the lines members chose to share at a check-in (never their practice
   log itself). Loads the session's lines when the console opens and again after a reconnect, then
   adds each "shared_line" event. Lines meant for the group are moderated: "Read out / show to the
   group" marks them. Loaded before console.js: it wraps SB.connect to reach the console's socket
   (console.js is unchanged). DOM from createElement/textContent only. */
(function () {
  "use strict";
  var box = document.getElementById("shared-lines");
  if (!box || !window.SB || !window.fetch) { return; }
  var list = null;
  var lines = {};  // id -> {data, row}
  var AUDIENCE = { facilitators: "for the facilitators", group: "for the group" };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) { node.textContent = text; }
    return node;
  }

  function ensureList() {
    if (list) { return list; }
    box.appendChild(el("h2", { id: "shared-h" }, "Shared by members"));
    box.appendChild(el("p", { "class": "muted" }, "Only what members chose to share. Lines for the group are read out only when you choose."));
    list = el("ul", { "class": "people", "aria-live": "polite" });
    box.appendChild(list);
    box.hidden = false;
    return list;
  }

  function markShown(id) {
    var url = box.getAttribute("data-url") + "/" + encodeURIComponent(id) + "/shown";
    return window.fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": box.getAttribute("data-csrf") }
    }).then(function (r) { return r.json(); }).then(function (ack) {
      if (ack && ack.ok) { shown(id); }
    }, function () { return null; });
  }

  function shown(id) {
    var line = lines[id];
    if (!line || line.data.shown) { return; }
    line.data.shown = true;
    render(line);
  }

  function render(line) {
    var d = line.data;
    var row = line.row;
    row.textContent = "";
    var text = el("p", {});
    text.appendChild(el("strong", {}, d.name + ": "));
    text.appendChild(document.createTextNode(d.text));
    row.appendChild(text);
    var meta = el("p", { "class": "muted" }, AUDIENCE[d.audience] + (d.audience === "group" && d.shown ? " · read out" : ""));
    row.appendChild(meta);
    if (d.audience === "group" && !d.shown) {
      var b = el("button", { type: "button", "class": "small" }, "Read out / show to the group");
      b.addEventListener("click", function () { b.disabled = true; markShown(d.id).then(function () { b.disabled = false; }); });
      row.appendChild(b);
    }
  }

  function add(data) {
    if (!data || typeof data.id !== "number" || lines[data.id]) { return; }
    var row = el("li", { "class": "person shared-line" });
    lines[data.id] = { data: data, row: row };
    render(lines[data.id]);
    ensureList().appendChild(row);
  }

  function load() {
    window.fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data || !data.ok) { return; }
        data.lines.forEach(function (d) { if (lines[d.id]) { if (d.shown) { shown(d.id); } } else { add(d); } });
      }, function () { return null; });
  }

  var connect = SB.connect;
  SB.connect = function (opts) {
    var live = connect(opts);
    live.socket.on("shared_line", add);
    live.socket.on("shared_line_shown", function (msg) { if (msg) { shown(msg.id); } });
    live.socket.on("connect", load);  // the first connect and every reconnect: nothing missed meanwhile
    return live;
  };
})();
