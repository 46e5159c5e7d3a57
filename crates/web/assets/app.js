// mamori: the few behaviours plain HTML lacks. No inline script (the CSP forbids it).
// A form with data-confirm asks before it is sent (revoking, discarding, confirming).
document.addEventListener("submit", function (e) {
  var form = e.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    e.preventDefault();
  }
}, true);

// A button with data-copy copies the text of the element it names, and says so.
document.addEventListener("click", function (e) {
  var button = e.target && e.target.closest && e.target.closest("[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  if (!source) return;
  var text = source.textContent.trim();
  var done = function () {
    var status = document.getElementById(button.getAttribute("data-copy") + "-status");
    if (status) status.textContent = button.getAttribute("data-copied") || "";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () {});
  } else {
    var range = document.createRange();
    range.selectNodeContents(source);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    try { document.execCommand("copy"); done(); } catch (err) { /* the text stays selected */ }
  }
});

// A slot of a checklist saved in place (htmx swaps only that slot): a refusal takes focus
// (its message links to the field), and what happened is said in the page's live region,
// which stays in the page so screen readers announce it.
document.addEventListener("htmx:afterSettle", function (e) {
  var old = e.detail && e.detail.target;
  var slot = old && old.id ? document.getElementById(old.id) : null;
  if (!slot) return;
  var live = document.getElementById("live");
  var refusal = slot.querySelector("[data-focus]");
  if (refusal) {
    refusal.focus();
    if (live) live.textContent = refusal.textContent.replace(/\s+/g, " ").trim();
    return;
  }
  var status = slot.querySelector("[role=status]");
  if (live && status) live.textContent = status.textContent.replace(/\s+/g, " ").trim();
});
