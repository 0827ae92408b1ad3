// Progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Remember the browser's time zone so that anonymous visitors see times in their own zone.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("sprintlab_tz=" + zone) === -1) {
      // Zone names are plain ASCII (letters, "/", "_", "-", "+"), safe in a cookie as they are.
      document.cookie = "sprintlab_tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browsers keep UTC */ }

  // Countdowns: <time data-countdown datetime="ISO">fallback text</time>.
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function renderCountdown(el) {
    var target = Date.parse(el.getAttribute("datetime"));
    if (isNaN(target)) { return; }
    var seconds = Math.max(0, Math.floor((target - Date.now()) / 1000));
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var text = days > 0 ? plural(days, "day", "days") + " " + plural(hours, "hour", "hours")
      : hours > 0 ? plural(hours, "hour", "hours") + " " + plural(minutes, "minute", "minutes")
      : plural(minutes, "minute", "minutes");
    el.textContent = seconds === 0 ? el.getAttribute("data-done") || "now" : text;
  }
  function tick() { document.querySelectorAll("[data-countdown]").forEach(renderCountdown); }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 30000); });
  document.addEventListener("htmx:afterSwap", tick);

  // Confirmation prompts on destructive buttons: <button data-confirm="Are you sure?">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
})();
