/* Secure Base live client: one socket, versioned views, acked commands with retry, presence. */
(function () {
  "use strict";

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function connect(opts) {
    var version = 0;
    var socket = window.io({ auth: { session: opts.session, as: opts.as, display: opts.display || null } });
    var noop = function () {};
    var on = {
      view: opts.onView || noop, status: opts.onStatus || noop, alert: opts.onAlert || noop,
      roster: opts.onRoster || noop, conn: opts.onConn || noop,
    };

    function applyView(view) {
      if (!view || typeof view.version !== "number") { return; }
      if (view.version < version) { return; }  // an older view arriving late
      version = view.version;
      on.view(view);
    }

    /* A participant's view comes in two parts, the room's and its own (window.SBKit.viewParts). */
    var parts = window.SBKit.viewParts();

    function applyPart(view) {
      if (view) { applyView(view); return; }
      if (parts.stale()) { resync(); return; }  // the room moved to an activity this phone has not got
      if (parts.waiting()) {  // its own part came ahead of the room's part: resync if that never arrives
        setTimeout(function () { if (parts.waiting()) { resync(); } }, 2000);
      }
    }

    function applySnapshot(snap) {
      if (!snap) { return; }
      if (snap.status === "waiting") { on.status("waiting"); return; }
      if (snap.roster) { on.roster(snap.roster); }
      var view = snap.shared ? parts.reset(snap.shared, snap.mine) : snap.view;
      if (view) { version = 0; applyView(view); on.status("live"); }
    }

    function resync() {
      socket.timeout(8000).emit("sync", {}, function (err, ack) {
        if (err || !ack) { setTimeout(resync, 2000); return; }
        if (ack.ok) { applySnapshot(ack); }
      });
    }

    socket.on("connect", function () { on.conn("connected"); sendPresence(); });
    socket.on("disconnect", function () { on.conn("reconnecting"); });
    socket.on("connect_error", function (err) {
      on.conn("reconnecting");
      if (err && err.message === "unauthorized") { socket.disconnect(); on.status("refused"); }
    });
    socket.on("snapshot", applySnapshot);
    socket.on("view", function (view) {  // the console and the display: the whole view, every version
      // we missed something (a console view paced past versions says which one it follows)
      if (version && view.version > version + 1 && view.follows !== version) { resync(); return; }
      applyView(view);
    });
    socket.on("shared", function (part) { applyPart(parts.shared(part)); });
    socket.on("mine", function (part) { applyPart(parts.mine(part)); });
    socket.on("status", function (msg) {
      if (!msg) { return; }
      if (msg.status === "admitted") { resync(); return; }
      if (msg.status === "removed" || msg.status === "left" || msg.status === "display_off" || msg.status === "not_admitted") { socket.disconnect(); }
      on.status(msg.status);
    });
    socket.on("alert", function (a) { on.alert(a); });
    socket.on("roster", function (r) { on.roster(r); });

    function sendPresence() {
      if (!socket.connected) { return; }
      socket.emit("presence", { state: document.visibilityState === "hidden" ? "away" : "here" });
    }
    document.addEventListener("visibilitychange", sendPresence);
    setInterval(sendPresence, 25000);

    /* Send an event until the server acknowledges it. Commands carry an idempotency key, so a
       retry after a lost ack is answered from the server's receipt, never applied twice. */
    function send(event, payload, tries) {
      tries = tries || 0;
      return new Promise(function (resolve) {
        function attempt() {
          if (!socket.connected) { socket.once("connect", attempt); return; }
          socket.timeout(6000).emit(event, payload, function (err, ack) {
            if (err) {
              tries += 1;
              if (tries > 10) { resolve({ ok: false, error: "No answer from the server. Please check your connection." }); return; }
              setTimeout(attempt, Math.min(500 * tries, 4000));
              return;
            }
            resolve(ack || { ok: false, error: "No answer." });
          });
        }
        attempt();
      });
    }

    function command(type, args) {
      var payload = Object.assign({ type: type, key: newKey() }, args || {});
      return send("command", payload);
    }

    return { socket: socket, send: send, command: command, resync: resync };
  }

  function setText(el, text) { if (el) { el.textContent = text == null ? "" : String(text); } }

  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  }

  var CONN_TEXT = { connected: "connected", reconnecting: "reconnecting…" };

  window.SB = { connect: connect, setText: setText, confirmForms: confirmForms, connText: CONN_TEXT, newKey: newKey };
})();
