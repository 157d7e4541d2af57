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

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!form || form.id !== "ask" || !e.detail.successful) { return; }
    var q = document.getElementById("question");
    var err = document.getElementById("ask-error");
    if (err) { err.textContent = ""; }
    if (q) { q.value = ""; q.removeAttribute("aria-invalid"); q.focus(); }
    var all = document.querySelectorAll("#conversation .message");
    if (all.length) { all[all.length - 1].scrollIntoView({block: "start"}); }
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
  body.appendChild(tip);
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
