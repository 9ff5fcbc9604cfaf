/* The commitment review on a member's own phone while the check-in runs: "last week you planned ...",
   their practice log since then in brief, and a way to share one of those lines. Loaded before
   participant.js: it wraps SB.connect to watch the views go by (participant.js is unchanged).
   The server answers 403 for guests: the panel then stays hidden for good. DOM from
   createElement/textContent only. */
(function () {
  "use strict";
  var box = document.getElementById("review");
  if (!box || !window.SB || !window.fetch) { return; }
  var shownFor = null;   // the plan position the panel was loaded for
  var closed = false;    // not a member's seat: never ask again on this page

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) { node.textContent = text; }
    return node;
  }

  function request(url, options) {
    var opts = Object.assign({ credentials: "same-origin", headers: { "Accept": "application/json" } }, options || {});
    return window.fetch(url, opts).then(function (r) {
      if (r.status === 403) { closed = true; return null; }
      return r.json().then(function (data) { return data; }, function () { return null; });
    }, function () { return null; });
  }

  function countsText(data) {
    if (!data.total) { return "Nothing in your practice log since then. That is fine; we start from here."; }
    return "Your practice log since then: " + data.counts.map(function (c) { return c.words; }).join(", ") + ".";
  }

  function shareForm(data) {
    var lines = data.planned.map(function (t) { return { source: "commitment", text: t }; })
      .concat(data.recent.map(function (t) { return { source: "practice", text: t }; }));
    var form = el("form", { "class": "stack review-share" });
    var which = el("fieldset");
    which.appendChild(el("legend", {}, "Which line"));
    lines.forEach(function (line, i) {
      var label = el("label", { "class": "check" });
      label.appendChild(el("input", { type: "radio", name: "review-line", value: String(i) }));
      label.appendChild(el("span", {}, line.text));
      which.appendChild(label);
    });
    form.appendChild(which);
    var who = el("fieldset");
    who.appendChild(el("legend", {}, "Share it with"));
    [["facilitators", "The facilitators"], ["group", "The group (a facilitator reads it out)"]].forEach(function (a, i) {
      var label = el("label", { "class": "check" });
      var input = el("input", { type: "radio", name: "review-audience", value: a[0] });
      if (i === 0) { input.checked = true; }
      label.appendChild(input);
      label.appendChild(el("span", {}, a[1]));
      who.appendChild(label);
    });
    form.appendChild(who);
    form.appendChild(el("button", { type: "submit" }, "Share this line"));
    var status = el("p", { "class": "muted", role: "status", "aria-live": "polite" });
    form.appendChild(status);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var picked = form.querySelector("input[name=review-line]:checked");
      var audience = form.querySelector("input[name=review-audience]:checked");
      if (!picked) { status.textContent = "Please choose a line first."; return; }
      var line = lines[Number(picked.value)];
      status.textContent = "Sharing…";
      request(box.getAttribute("data-share"), {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": box.getAttribute("data-csrf") },
        body: JSON.stringify({ source: line.source, text: line.text, audience: audience.value })
      }).then(function (ack) {
        if (ack && ack.ok) { status.textContent = "Shared. Thank you."; picked.checked = false; }
        else { status.textContent = (ack && ack.error) || "That did not go through. Please try again."; }
      });
    });
    return lines.length ? form : null;
  }

  function render(data) {
    box.textContent = "";
    if (!data.planned.length && !data.total) { box.hidden = true; return; }
    box.appendChild(el("h2", { id: "review-h" }, "Since last time"));
    box.appendChild(el("p", { "class": "muted" }, "Only you see this. Nothing is shared unless you choose to."));
    if (data.planned.length) {
      box.appendChild(el("p", {}, "Last week you planned:"));
      var planned = el("ul", { "class": "list" });
      data.planned.forEach(function (t) { planned.appendChild(el("li", {}, t)); });
      box.appendChild(planned);
      box.appendChild(el("p", {}, "How did it go? Any answer is welcome, including “I didn't get to it”."));
    }
    box.appendChild(el("p", {}, countsText(data)));
    if (data.recent.length) {
      var recent = el("ul", { "class": "list" });
      data.recent.forEach(function (t) { recent.appendChild(el("li", {}, t)); });
      box.appendChild(recent);
    }
    var form = shareForm(data);
    if (form) {
      // Folded, so the check-in itself stays near the top of the screen; sharing is only ever a choice.
      var fold = el("details", { "class": "review-fold" });
      fold.appendChild(el("summary", {}, "Share a line with the facilitators or the group"));
      fold.appendChild(form);
      box.appendChild(fold);
    }
    box.hidden = false;
  }

  function onView(view) {
    var item = view && view.activity && view.activity.item;
    var at = item ? item.slug + "|" + (item.title || "") : null;
    if (closed) { return; }
    if (!item) { shownFor = null; box.hidden = true; return; }
    if (at === shownFor) { return; }
    shownFor = at;
    request(box.getAttribute("data-url")).then(function (data) {
      if (!data || !data.ok || !data.active || closed) { box.hidden = true; return; }
      render(data);
    });
  }

  var connect = SB.connect;
  SB.connect = function (opts) {
    var original = opts.onView;
    opts.onView = function (view) {
      if (original) { original(view); }
      onView(view);
    };
    return connect(opts);
  };
})();
