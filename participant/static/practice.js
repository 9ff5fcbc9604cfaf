/* The practice log on the member's page: forms are sent as JSON; when the phone is offline (or the
   request fails) the entry waits in localStorage under "sb-practice-queue" and is sent again on page
   load and when the phone is back online. Each entry carries a client key made here, so the server
   stores it once however often it is sent. Without this script the forms post as plain forms.
   DOM from createElement/textContent only. */
(function () {
  "use strict";
  var QUEUE_KEY = "sb-practice-queue";
  var OFFLINE_TEXT = "Saved on this phone.";  // the queue note below says when it will be sent
  var box = document.getElementById("practice");
  if (window.SB && SB.confirmForms) { SB.confirmForms(); }
  if (!box || !window.fetch || !window.localStorage) { return; }
  var url = box.getAttribute("data-url");
  var sending = false;

  function readQueue() {
    try {
      var q = JSON.parse(window.localStorage.getItem(QUEUE_KEY) || "[]");
      return Array.isArray(q) ? q : [];
    } catch (e) { return []; }
  }
  function writeQueue(q) {
    try { window.localStorage.setItem(QUEUE_KEY, JSON.stringify(q)); return true; } catch (e) { return false; }
  }
  function mine(item) { return item && item.url === url && item.body && item.body.client_key; }

  function showQueue(extra) {
    var el = document.getElementById("practice-queue");
    var n = readQueue().filter(mine).length;
    var text = n ? (n === 1 ? "1 entry is" : n + " entries are") + " saved on this phone and will be sent when you are back online." : "";
    if (extra) { text = extra + (text ? " " + text : ""); }
    el.textContent = text;
    el.hidden = !text;
  }

  function localDay() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }

  /* One request; resolves to "stored", {refused: message} or "later" (offline, server trouble). */
  function post(body) {
    if (navigator.onLine === false) { return Promise.resolve("later"); }
    return window.fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": box.getAttribute("data-csrf") },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        if (r.ok && data && data.ok) { return { stored: data.repeat ? null : data.entry }; }
        if (r.status === 400 && data && data.ok === false) { return { refused: data.error }; }
        return "later";
      }, function () { return "later"; });
    }, function () { return "later"; });
  }

  function addToList(entry) {
    if (!entry) { return; }
    var list = box.querySelector("ul.entries");
    if (!list) {
      list = document.createElement("ul");
      list.className = "entries";
      list.setAttribute("aria-labelledby", "recent-h");
      var empty = document.getElementById("no-entries");
      if (empty) { empty.replaceWith(list); } else { box.appendChild(list); }
    }
    var li = document.createElement("li");
    li.className = "entry";
    var p = document.createElement("p");
    var meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = entry.day + " · " + entry.kind;
    p.appendChild(meta);
    p.appendChild(document.createElement("br"));
    p.appendChild(document.createTextNode(entry.line));
    li.appendChild(p);
    var form = document.createElement("form");
    form.method = "post";
    form.action = url + "/" + entry.id + "/delete";
    var token = document.createElement("input");
    token.type = "hidden"; token.name = "csrf_token"; token.value = box.getAttribute("data-csrf");
    var button = document.createElement("button");
    button.className = "small"; button.type = "submit"; button.textContent = "Delete";
    form.appendChild(token);
    form.appendChild(button);
    form.addEventListener("submit", function (ev) { if (!window.confirm("Delete this entry?")) { ev.preventDefault(); } });
    li.appendChild(form);
    list.insertBefore(li, list.firstChild);
  }

  /* Send what waits on this phone for this page, oldest first; stop at the first "later". */
  function flush() {
    if (sending) { return Promise.resolve(); }
    var waiting = readQueue().filter(mine);
    if (!waiting.length) { showQueue(); return Promise.resolve(); }
    sending = true;
    var note = "";
    function next(i) {
      if (i >= waiting.length) { return Promise.resolve(); }
      return post(waiting[i].body).then(function (result) {
        if (result === "later") { return; }
        if (result.refused) { note = "An entry saved on this phone could not be added: " + result.refused; }
        if (result.stored) { addToList(result.stored); }
        var key = waiting[i].body.client_key;
        writeQueue(readQueue().filter(function (item) { return !(mine(item) && item.body.client_key === key); }));
        return next(i + 1);
      });
    }
    return next(0).then(function () { sending = false; showQueue(note); }, function () { sending = false; });
  }

  function bodyOf(form) {
    var body = {};
    new window.FormData(form).forEach(function (value, name) { if (name !== "csrf_token") { body[name] = value; } });
    body.client_key = SB.newKey();
    return body;
  }

  function onSubmit(ev) {
    var form = ev.target;
    ev.preventDefault();
    var status = form.querySelector(".practice-status");
    var error = form.querySelector(".flash-error");
    if (error) { error.remove(); }
    var body = bodyOf(form);
    status.textContent = "Saving…";
    post(body).then(function (result) {
      if (result === "later") {
        var q = readQueue();
        q.push({ url: url, body: body, queuedAt: new Date().toISOString() });
        status.textContent = writeQueue(q) ? OFFLINE_TEXT : "This phone could not keep the entry. Please try again when you are online.";
        if (status.textContent === OFFLINE_TEXT) { form.reset(); setDay(form); }
        showQueue();
        return;
      }
      if (result.refused) { status.textContent = result.refused; return; }
      status.textContent = "Saved in your practice log.";
      form.reset();
      setDay(form);
      addToList(result.stored);
    });
  }

  /* The day this phone is on (the server's "today" may be a day off across time zones). */
  function setDay(form) {
    var input = form.querySelector("input[name=day]");
    var day = localDay();
    if (input && (!input.min || day >= input.min) && (!input.max || day <= input.max)) { input.value = day; }
  }

  box.querySelectorAll("form.practice-form").forEach(function (form) {
    if (!form.querySelector(".flash-error")) { setDay(form); }
    form.addEventListener("submit", onSubmit);
  });
  window.addEventListener("online", flush);
  window.SBPractice = { queueKey: QUEUE_KEY, queue: readQueue, flush: flush };
  flush();
})();
