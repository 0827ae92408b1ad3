// Copy buttons: <button data-copy-target="input-id" data-copied="Copied">. Selects the text when the
// clipboard is not available (plain http), so that the person can copy it themselves.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy-target]");
  if (!button) { return; }
  var input = document.getElementById(button.getAttribute("data-copy-target"));
  if (!input) { return; }
  input.select();
  var done = function () { button.textContent = button.getAttribute("data-copied"); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done);
  } else if (document.execCommand && document.execCommand("copy")) {
    done();
  }
});
