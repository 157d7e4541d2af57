/* Vägvisare's own script: progressive enhancement only; every page works without it.
   No inline script anywhere (see the Content-Security-Policy). */
(function () {
  "use strict";
  var body = document.body;
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');

  // htmx requests carry the CSRF token as a header as well as in the form.
  document.addEventListener("htmx:configRequest", function (e) {
    if (tokenMeta) { e.detail.headers["X-CSRF-Token"] = tokenMeta.content; }
  });

  // Enter sends the question, Shift+Enter makes a new line.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t && t.id === "question" && e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (t.value.trim() && t.form) { t.form.requestSubmit(); }
    }
    if (e.key === "Escape") { hideTip(); }
  });

  // ---- The ask form never loses a question: every refusal says why (in the page's language) and keeps the text.
  var askForm = document.getElementById("ask");
  var box = document.getElementById("question");
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return values[k] !== undefined ? values[k] : m; });
  }
  function formatCount(n) {
    var lang = askForm ? askForm.getAttribute("data-lang") : "sv";
    return n.toLocaleString(lang === "en" ? "en-GB" : "sv-SE");
  }
  function showAskError(text) {
    var err = document.getElementById("ask-error");
    if (err) { err.textContent = ""; var p = document.createElement("p"); var s = document.createElement("strong");
      s.textContent = text; p.appendChild(s); err.appendChild(p); }
    if (box) { box.setAttribute("aria-invalid", "true"); }
  }
  function clearAskError() {
    var err = document.getElementById("ask-error");
    if (err) { err.textContent = ""; }
    if (box) { box.removeAttribute("aria-invalid"); }
  }
  function maxChars() { return askForm ? parseInt(askForm.getAttribute("data-max-chars"), 10) || 0 : 0; }
  // The count under the box; over the limit it says so (the box never cuts a paste short).
  function updateCount() {
    var out = document.getElementById("question-count");
    if (!out || !box) { return; }
    var n = box.value.length, limit = maxChars();
    if (n > limit * 0.8 || n > limit) {
      out.textContent = fill(askForm.getAttribute("data-msg-count"), {length: formatCount(n), limit: formatCount(limit)});
    } else { out.textContent = ""; }
    out.classList.toggle("count--over", n > limit);
  }
  if (box) { box.addEventListener("input", updateCount); updateCount(); }
  // Checked before sending: an empty question or one over the limit is refused here, with the count.
  function refusedHere() {
    if (!box) { return false; }
    var n = box.value.length, limit = maxChars();
    if (!box.value.trim()) { showAskError(askForm.getAttribute("data-msg-empty")); return true; }
    if (limit && n > limit) {
      showAskError(fill(askForm.getAttribute("data-msg-too-long"), {length: formatCount(n), limit: formatCount(limit)}));
      return true;
    }
    return false;
  }
  document.addEventListener("htmx:confirm", function (e) {
    if (e.detail.elt === askForm && refusedHere()) { e.preventDefault(); box.focus(); }
  });
  if (askForm) {
    askForm.addEventListener("submit", function (e) { if (refusedHere()) { e.preventDefault(); box.focus(); } });
  }

  // A response that is not the answer: an expired form is renewed and sent again once, unnoticed; other
  // refusals of our own server come with their message; anything else gets the page's own words.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail.xhr, elt = e.detail.requestConfig && e.detail.requestConfig.elt;
    if (!xhr || xhr.status < 400) { return; }
    var renewed = xhr.getResponseHeader("X-CSRF-Token");
    if (xhr.status === 403 && renewed && elt && elt.tagName === "FORM" && !elt.hasAttribute("data-resent")) {
      e.detail.shouldSwap = false;
      if (tokenMeta) { tokenMeta.content = renewed; }
      var fields = document.querySelectorAll('input[name="csrf"]');
      for (var i = 0; i < fields.length; i++) { fields[i].value = renewed; }
      elt.setAttribute("data-resent", "");
      var cfg = e.detail.requestConfig, values = {};
      if (cfg.formData) { cfg.formData.forEach(function (v, k) { values[k] = v; }); }
      values.csrf = renewed;
      setTimeout(function () { htmx.ajax(cfg.verb.toUpperCase(), cfg.path, {source: elt, values: values}); }, 0);
      return;
    }
    if (elt && elt.hasAttribute("data-resent")) { elt.removeAttribute("data-resent"); }
    if (xhr.getResponseHeader("HX-Retarget")) { return; }  // our own message, in the form's alert region
    e.detail.shouldSwap = false;
    if (elt === askForm) {
      if (xhr.status === 429) {
        var wait = parseInt(xhr.getResponseHeader("Retry-After") || "", 10) || 60;
        showAskError(fill(askForm.getAttribute("data-msg-wait"), {seconds: formatCount(wait)}));
      } else if (xhr.status === 413) {
        showAskError(askForm.getAttribute("data-msg-too-large"));
      } else {
        showAskError(fill(askForm.getAttribute("data-msg-server"), {status: xhr.status}));
      }
    }
  });
  document.addEventListener("htmx:sendError", function (e) {
    if (e.detail.elt === askForm) { showAskError(askForm.getAttribute("data-msg-network")); }
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    var xhr = e.detail.xhr;
    if (!form || !xhr || xhr.status < 200 || xhr.status >= 300) { return; }
    if (form.hasAttribute("data-resent")) { form.removeAttribute("data-resent"); }
    if (form.id !== "ask") { return; }
    clearAskError();
    if (box) { box.value = ""; updateCount(); box.focus(); }
    var alone = form.querySelector('input[name="standalone"]');
    if (alone) { alone.value = ""; }
    var all = document.querySelectorAll("#conversation .message");
    if (all.length) { all[all.length - 1].scrollIntoView({block: "start"}); }
  });

  // Example questions and "ask it as a question of its own" send at once (without script they fill the box).
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-ask]");
    if (!a || !askForm || !box) { return; }
    e.preventDefault();
    box.value = a.getAttribute("data-ask");
    var alone = askForm.querySelector('input[name="standalone"]');
    if (alone) { alone.value = a.hasAttribute("data-standalone") ? "1" : ""; }
    updateCount();
    askForm.requestSubmit();
  });

  // After a vote the thanks takes the focus, so keyboard and screen-reader users hear it.
  document.addEventListener("htmx:afterSwap", function () {
    var thanks = document.querySelector(".feedback--done[data-new]");
    if (thanks) { thanks.removeAttribute("data-new"); thanks.focus(); }
  });

  // Buttons that need script are hidden in the HTML and shown here.
  function enhance(root) {
    var buttons = (root || document).querySelectorAll("button.copy[hidden]");
    for (var i = 0; i < buttons.length; i++) { buttons[i].hidden = false; }
  }
  document.addEventListener("htmx:load", function (e) { enhance(e.detail.elt); });
  enhance(document);

  // Copy an answer with its citations (or a citation) as plain text.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text; area.setAttribute("readonly", ""); area.className = "visually-hidden";
      body.appendChild(area); area.select();
      var ok = document.execCommand("copy");
      body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy")); }
    });
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button.copy");
    if (!btn) { return; }
    var text = btn.getAttribute("data-copy-text");
    if (text === null) {
      var src = document.getElementById(btn.getAttribute("data-copy"));
      text = src ? src.textContent.replace(/(– |- |\s)(\/[cd]\/)/g, "$1" + location.origin + "$2") : "";
    }
    var label = btn.textContent;
    copyText(text).then(function () { btn.textContent = body.getAttribute("data-copied"); },
                        function () { btn.textContent = body.getAttribute("data-copy-failed"); })
      .then(function () { setTimeout(function () { btn.textContent = label; }, 2000); });
  });

  // Hovering or focusing a citation marker [n] previews the quoted clause from the evidence panel.
  var tip = document.createElement("div");
  tip.id = "cite-tip"; tip.setAttribute("role", "tooltip"); tip.hidden = true;
  (document.getElementById("main") || body).appendChild(tip);  // inside a landmark, as every content is
  var current = null;
  function showTip(a) {
    var message = a.closest(".message");
    var item = message && message.querySelector('[data-evidence="' + a.getAttribute("data-cite") + '"]');
    if (!item) { return; }
    var head = item.querySelector(".evidence__head");
    var quote = item.querySelector(".evidence__quote");
    tip.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = "[" + a.getAttribute("data-cite") + "] " + (head ? head.textContent.trim() : "");
    tip.appendChild(strong);
    tip.appendChild(document.createTextNode(quote ? quote.textContent : ""));
    tip.hidden = false;
    var r = a.getBoundingClientRect();
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8));
    var top = r.bottom + window.scrollY + 6;
    if (r.bottom + tip.offsetHeight + 12 > window.innerHeight && r.top > tip.offsetHeight + 12) {
      top = r.top + window.scrollY - tip.offsetHeight - 6;
    }
    tip.style.left = left + "px"; tip.style.top = top + "px";
    a.setAttribute("aria-describedby", "cite-tip");
    current = a;
  }
  function hideTip() {
    tip.hidden = true;
    if (current) { current.removeAttribute("aria-describedby"); current = null; }
  }
  function citeOf(e) { return e.target.closest && e.target.closest("a.cite"); }
  document.addEventListener("mouseover", function (e) { var a = citeOf(e); if (a && a !== current) { showTip(a); } });
  document.addEventListener("mouseout", function (e) {
    var a = citeOf(e);
    if (a && !(e.relatedTarget && a.contains(e.relatedTarget)) && document.activeElement !== a) { hideTip(); }
  });
  document.addEventListener("focusin", function (e) { var a = citeOf(e); if (a) { showTip(a); } });
  document.addEventListener("focusout", function (e) { if (citeOf(e)) { hideTip(); } });
})();
