// Roundtable: suggest the browser's own time zone for a zone field, and say so beside it.
// A static file (no inline script, under the CSP), for inputs marked data-suggest-zone="<id of the note>".
// An empty field gets the browser's zone; a field holding another zone (an account's default UTC, say) keeps
// it, and the note offers a button to use the browser's instead. The note's words come, translated, from its
// data-suggested, data-differs and data-use attributes ("{zone}" is replaced); English otherwise.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  function words(note, key, fallback) {
    return ((note && note.getAttribute("data-" + key)) || fallback).split("{zone}").join(zone);
  }
  document.querySelectorAll("input[data-suggest-zone]").forEach(function (input) {
    var names = input.list ? Array.prototype.map.call(input.list.options, function (o) { return o.value; }) : [];
    if (names.length && names.indexOf(zone) === -1) { return; }  // only an IANA name the server knows
    var note = document.getElementById(input.getAttribute("data-suggest-zone"));
    if (!input.value) {
      input.value = zone;
      if (note) { note.textContent = words(note, "suggested", "Suggested from your browser: {zone}. Change it if it is wrong."); }
    } else if (input.value !== zone && note) {
      note.textContent = words(note, "differs", "Your browser's time zone is {zone}.") + " ";
      var use = document.createElement("button");
      use.type = "button";
      use.className = "link";
      use.textContent = words(note, "use", "Use {zone}");
      use.addEventListener("click", function () {
        input.value = zone;
        note.textContent = words(note, "suggested", "Suggested from your browser: {zone}. Change it if it is wrong.");
        input.focus();
      });
      note.appendChild(use);
    }
  });
}());
