// Tell people at once when a chosen file is over the upload limit, instead of after uploading it.
// The server refuses it too (sprintlab.core.uploads); this only saves the wait.
(function () {
  "use strict";
  function check(input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var tooBig = Array.prototype.some.call(input.files || [], function (file) { return limit && file.size > limit; });
    input.setCustomValidity(tooBig ? input.getAttribute("data-too-big") || "This file is too large." : "");
    if (tooBig) { input.reportValidity(); }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-bytes]")) { check(event.target); }
  });
})();
