// Optional: a running total for dots and budget questions. The pages work without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.ballot");
  if (!form) { return; }
  var kind = form.dataset.kind, out = form.querySelector(".live");
  if (!out || (kind !== "dots" && kind !== "budget")) { return; }
  var limit = Number(kind === "dots" ? form.dataset.dots : form.dataset.budget);
  function update() {
    var used = 0;
    if (kind === "dots") {
      form.querySelectorAll("select").forEach(function (s) { used += Number(s.value || 0); });
    } else {
      form.querySelectorAll("input[type=checkbox]:checked").forEach(function (c) {
        used += Number(c.dataset.cost || 0);
      });
    }
    out.textContent = (form.dataset.label || "{used} / {limit}")
      .replace("{used}", String(used)).replace("{limit}", String(limit));
    out.classList.toggle("over", used > limit);
  }
  form.addEventListener("change", update);
  update();
});
