// Progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Remember the browser's time zone so that the next pages come in the visitor's own zone.
  var browserZone = null;
  try {
    browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    if (browserZone && document.cookie.indexOf("sprintlab_tz=" + browserZone) === -1) {
      // Zone names are plain ASCII (letters, "/", "_", "-", "+"), safe in a cookie as they are.
      document.cookie = "sprintlab_tz=" + browserZone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browsers keep the server's zone */ }

  // First visit: the server did not know the zone yet and rendered times in its fallback zone
  // (<body data-timezone-fallback>). Rewrite each <time data-format data-zone> shown in that
  // zone in the browser's zone; the server's text stays wherever something is not supported.
  // data-format is the pattern of one of the named styles (sprintlab.core.dates: date, datetime,
  // time), in Django's letters; the names of days and months come from Intl in the page's language.
  function zoneAliases() {
    var node = document.getElementById("zone-aliases");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }
  function partsIn(date, zone, lang, names) {
    var options = names === "long" ? { weekday: "long", month: "long", timeZone: zone }
      : { weekday: "short", month: "short", day: "numeric", year: "numeric", hour: "2-digit",
          minute: "2-digit", hourCycle: "h23", timeZone: zone };
    var parts = {};
    new Intl.DateTimeFormat(lang, options).formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return parts;
  }
  function pad(value) { return ("0" + parseInt(value, 10)).slice(-2); }
  function formatIn(date, format, zone, lang) {
    var short = partsIn(date, zone, lang, "short");
    var long = partsIn(date, zone, lang, "long");
    var tokens = {
      D: short.weekday, l: long.weekday, j: String(parseInt(short.day, 10)), d: pad(short.day),
      M: short.month, F: long.month, Y: short.year, H: pad(short.hour), G: String(parseInt(short.hour, 10)),
      i: pad(short.minute)
    };
    var out = "";
    for (var k = 0; k < format.length; k++) {
      var ch = format.charAt(k);
      if (ch === "\\") { out += format.charAt(++k); continue; }
      if (/[a-zA-Z]/.test(ch)) {
        if (tokens[ch] === undefined) { return null; }  // a format this script does not know
        out += tokens[ch];
      } else { out += ch; }
    }
    return out;
  }
  // The end of a date range (sprintlab.core.dates.format_range) leaves out its date when the range
  // ends on the day it starts; in the browser's zone the two days may differ, so decide again here.
  function dayIn(date, zone) {
    return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone }).format(date);
  }
  function formatFor(el, date, zone) {
    var sameDay = el.getAttribute("data-format-same-day");
    var start = sameDay && el.parentNode ? el.parentNode.querySelector("time") : null;
    if (!start || start === el) { return el.getAttribute("data-format"); }
    var startDate = new Date(start.getAttribute("datetime"));
    if (isNaN(startDate.getTime())) { return el.getAttribute("data-format"); }
    return dayIn(startDate, zone) === dayIn(date, zone) ? sameDay : el.getAttribute("data-format-other-day");
  }
  function convertTimes() {
    var fallback = document.body.getAttribute("data-timezone-fallback");
    if (!fallback || !browserZone) { return; }
    var zone = zoneAliases()[browserZone] || browserZone;
    if (zone === fallback) { return; }
    var lang = document.documentElement.lang || undefined;
    document.querySelectorAll("time[data-format][data-zone]").forEach(function (el) {
      if (el.getAttribute("data-zone") !== fallback) { return; }  // shown in a site's own zone on purpose
      var date = new Date(el.getAttribute("datetime"));
      if (isNaN(date.getTime())) { return; }
      try {
        var text = formatIn(date, formatFor(el, date, zone), zone, lang);
        if (text) { el.textContent = text; el.setAttribute("data-zone", zone); }
      } catch (e) { /* keep the server's text */ }
    });
    document.querySelectorAll("[data-timezone-name]").forEach(function (el) { el.textContent = zone; });
    document.querySelectorAll("[data-browser-zone-note]").forEach(function (el) {
      el.textContent = el.getAttribute("data-browser-zone-note").replace("%(zone)s", zone);
    });
  }
  document.addEventListener("DOMContentLoaded", convertTimes);
  document.addEventListener("htmx:afterSwap", convertTimes);

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
