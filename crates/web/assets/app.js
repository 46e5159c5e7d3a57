// mamori: the few behaviours plain HTML lacks. No inline script (the CSP forbids it).
// A form with data-confirm asks before it is sent (revoking, discarding, confirming).
document.addEventListener("submit", function (e) {
  var form = e.target;
  var question = form && form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    e.preventDefault();
  }
}, true);
