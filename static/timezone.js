// Roundtable: suggest the browser's own time zone in an empty zone field, and say so beside it.
// A static file (no inline script), for inputs marked data-suggest-zone="<id of the note>".
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  document.querySelectorAll("input[data-suggest-zone]").forEach(function (input) {
    var names = input.list ? Array.prototype.map.call(input.list.options, function (o) { return o.value; }) : [];
    if (names.length && names.indexOf(zone) === -1) { return; }  // only an IANA name the server knows
    var note = document.getElementById(input.getAttribute("data-suggest-zone"));
    if (!input.value) {
      input.value = zone;
      if (note) { note.textContent = "Suggested from your browser: " + zone + ". Change it if it is wrong."; }
    } else if (input.value !== zone && note) {
      note.textContent = "Your browser's time zone is " + zone + ".";
    }
  });
}());
