// graphcrm web UI: find an entry of a long pick list by typing part of its name.
// The forms work without it (the lists are plain <select> elements).
"use strict";
(function () {
  function norm(s) { return s.normalize("NFKC").toLowerCase(); }
  document.querySelectorAll("input.pick-filter").forEach(function (box) {
    var select = document.getElementById(box.dataset.for);
    if (!select) { return; }
    box.addEventListener("input", function () {
      var want = norm(box.value.trim());
      Array.prototype.forEach.call(select.options, function (o) {
        var hit = want === "" || o.selected || norm(o.text + " " + o.value).indexOf(want) >= 0;
        o.hidden = !hit;
      });
      if (select.multiple) { return; }
      var first = Array.prototype.find.call(select.options, function (o) { return !o.hidden && o.value !== ""; });
      if (first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) { select.value = first.value; }
    });
  });
})();
