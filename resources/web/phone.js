// Optional: the pages work without it (plain forms, a list box per option to rank).
// With it: a running total for dots and budget questions (formatted, and marked when over
// the limit), and ranking by moving options (add, up, down, take out) instead of numbers.
"use strict";

// As the laptop writes amounts (facilitator.ballots.format_amount): whole numbers grouped
// by threes with a no-break space, others with two decimals.
function formatAmount(value) {
  var whole = Math.abs(value - Math.round(value)) < 1e-9;
  var text = whole ? String(Math.round(Math.abs(value))) : Math.abs(value).toFixed(2);
  var parts = text.split(".");
  parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  return (value < 0 ? "-" : "") + parts.join(".");
}

function runningTotal(form) {
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
    var over = used > limit + 1e-9;
    var text = (form.dataset.label || "{used} / {limit}")
      .replace("{used}", formatAmount(used)).replace("{limit}", formatAmount(limit));
    if (over && form.dataset.over) {
      text += " " + form.dataset.over.replace("{over}", formatAmount(used - limit));
    }
    out.textContent = text;
    out.classList.toggle("over", over);
  }
  form.addEventListener("change", update);
  update();
}

function ranking(form) {
  if (form.dataset.kind !== "rank" || !form.dataset.maxRanks) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll(".row"));
  var selects = rows.map(function (row) { return row.querySelector("select"); });
  if (!rows.length || selects.some(function (s) { return !s; })) { return; }
  var names = rows.map(function (row) { return row.querySelector(".opt").textContent; });
  var max = Number(form.dataset.maxRanks);
  var words = form.dataset;
  // The order already chosen (a vote being changed, or a page sent back with an error).
  var order = selects.map(function (s, i) { return [Number(s.value || 0), i]; })
    .filter(function (p) { return p[0] > 0; })
    .sort(function (a, b) { return a[0] - b[0]; })
    .map(function (p) { return p[1]; });
  rows.forEach(function (row) { row.hidden = true; });
  var legend = form.querySelector("legend");
  if (legend && words.tHow) { legend.textContent = words.tHow; }  // no numbers to write
  var box = document.createElement("div");
  box.className = "ranker";
  rows[rows.length - 1].parentNode.appendChild(box);

  function say(template, i) { return template.replace("{option}", names[i]); }
  function button(cls, text, label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", action);
    return b;
  }
  function sync() {  // the list boxes carry the ranking to the server, as without script
    selects.forEach(function (s, i) {
      var at = order.indexOf(i);
      s.value = at < 0 ? "" : String(at + 1);
    });
  }
  function render(focus) {
    sync();
    box.textContent = "";
    var head = document.createElement("p");
    head.className = "rank-head";
    head.textContent = words.tRanked;
    box.appendChild(head);
    if (!order.length) {
      var none = document.createElement("p");
      none.className = "help";
      none.textContent = words.tNone;
      box.appendChild(none);
    }
    var ranked = document.createElement("ol");
    ranked.className = "ranked";
    order.forEach(function (i, at) {
      var li = document.createElement("li");
      var name = document.createElement("span");
      name.className = "name";
      name.dir = "auto";
      name.textContent = names[i];
      li.appendChild(name);
      var up = button("mv", "↑", say(words.tUp, i), function () {
        order.splice(at, 1); order.splice(at - 1, 0, i); render("up" + i);
      });
      up.disabled = at === 0;
      var down = button("mv", "↓", say(words.tDown, i), function () {
        order.splice(at, 1); order.splice(at + 1, 0, i); render("down" + i);
      });
      down.disabled = at === order.length - 1;
      var out = button("mv", "✕", say(words.tRemove, i), function () {
        order.splice(at, 1); render("add" + i);
      });
      up.dataset.key = "up" + i; down.dataset.key = "down" + i; out.dataset.key = "out" + i;
      li.appendChild(up); li.appendChild(down); li.appendChild(out);
      ranked.appendChild(li);
    });
    box.appendChild(ranked);
    var rest = rows.map(function (_r, i) { return i; })
      .filter(function (i) { return order.indexOf(i) < 0; });
    if (rest.length) {
      var head2 = document.createElement("p");
      head2.className = "rank-head";
      head2.textContent = words.tUnranked;
      box.appendChild(head2);
      if (order.length >= max) {
        var full = document.createElement("p");
        full.className = "help";
        full.textContent = words.tFull;
        box.appendChild(full);
      }
      var list = document.createElement("ul");
      list.className = "unranked";
      rest.forEach(function (i) {
        var li = document.createElement("li");
        var add = button("add", "+ " + names[i], say(words.tAdd, i), function () {
          order.push(i); render("out" + i);
        });
        add.dir = "auto";
        add.disabled = order.length >= max;
        add.dataset.key = "add" + i;
        li.appendChild(add);
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    var live = form.querySelector(".live");
    if (live) {
      live.textContent = order.map(function (i, at) { return (at + 1) + ". " + names[i]; })
        .join(", ");
    }
    if (focus) {  // keep the keyboard where it was: on the moved option's buttons
      var i = focus.replace(/^[a-z]+/, "");
      var keys = [focus, "up" + i, "down" + i, "out" + i, "add" + i];
      var target = null;
      for (var k = 0; k < keys.length && !target; k += 1) {
        target = box.querySelector("[data-key='" + keys[k] + "']:not([disabled])");
      }
      target = target || box.querySelector("button:not([disabled])");
      if (target) { target.focus(); }
    }
  }
  render(null);
}

document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.ballot");
  if (!form) { return; }
  runningTotal(form);
  ranking(form);
});
