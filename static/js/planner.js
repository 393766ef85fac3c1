// The route planner: reorder by drag (pointer: mouse and touch), arrow buttons or
// arrow keys on the handle; "best order" asks the server; totals update at once.
// Every change announces the new order as a "plan:change" event (plan_map.js).
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("plan-data").textContent);
  const list = document.getElementById("plan-list");
  const spare = document.getElementById("plan-spare");
  const status = document.getElementById("plan-status");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const kmFormat = new Intl.NumberFormat(document.documentElement.lang || "en", {
    minimumFractionDigits: 1, maximumFractionDigits: 1,
  });
  const index = {};
  data.ids.forEach(function (id, i) { index[id] = i; });

  // As geo.directions.format_distance writes it: 5 m steps, 10 m, then 0.1 km.
  function distance(metres) {
    if (metres >= 1000) {
      return (metres / 1000).toFixed(1).replace(".", data.units.decimal) + "\u00a0" + data.units.km;
    }
    const step = metres >= 100 ? 10 : 5;
    return String(Math.max(step, Math.round(metres / step) * step)) + "\u00a0" + data.units.m;
  }

  function order() {
    return Array.from(list.children).map(function (li) { return li.dataset.stopId; });
  }

  function label(template, name) {
    return template.replace("%(name)s", name);
  }

  function renumber() {
    const items = Array.from(list.children);
    items.forEach(function (li, i) {
      li.querySelector(".plan-number").textContent = i === 0 ? "M" : String(i);
      const id = li.dataset.stopId;
      let text = Math.round(data.stops[id].dwell) + "\u00a0" + status.dataset.min;
      if (i > 0) {
        const metres = data.lengths[index[items[i - 1].dataset.stopId]][index[id]];
        text += " · " + status.dataset.walk.replace("%(distance)s", distance(metres));
      }
      li.querySelector(".plan-dwell").textContent = text;
    });
  }

  function updateTotals() {
    const ids = order();
    let metres = 0;
    let dwell = 0;
    ids.forEach(function (id, i) {
      dwell += data.stops[id].dwell;
      if (i > 0) metres += data.lengths[index[ids[i - 1]]][index[id]];
    });
    const walkMin = metres / (data.speedKmh * 1000 / 60);
    const total = walkMin + dwell;
    const put = function (key, value) {
      document.querySelector('[data-total="' + key + '"]').textContent = value;
    };
    put("km", kmFormat.format(metres / 1000));
    put("walk", String(Math.round(walkMin)));
    put("dwell", String(Math.round(dwell)));
    put("total", String(Math.round(total)));
    const warning = document.getElementById("over-slot");
    const over = Math.ceil(total - data.slotMin);
    warning.hidden = !(total > data.slotMin);
    warning.textContent = warning.hidden ? "" : warning.dataset.template.replace("%(n)s", String(over));
    document.getElementById("save-stops").value = ids.join(",");
    renumber();
    document.dispatchEvent(new CustomEvent("plan:change", {
      detail: { order: ids, spare: Array.from(spare.children, function (li) { return li.dataset.stopId; }) },
    }));
  }

  function move(li, delta) {
    const items = Array.from(list.children);
    const at = items.indexOf(li);
    const target = at + delta;
    if (target < 1 || target >= items.length) return false;
    if (delta < 0) list.insertBefore(li, items[target]);
    else list.insertBefore(li, items[target].nextSibling);
    return true;
  }

  function say(text) { status.textContent = text; }

  function makeItem(id) {
    const li = document.getElementById("plan-item-template").content.firstElementChild.cloneNode(true);
    const name = data.stops[id].name;
    li.dataset.stopId = id;
    li.querySelector(".plan-name").textContent = name;
    li.querySelectorAll("[data-label]").forEach(function (el) {
      el.setAttribute("aria-label", label(el.dataset.label, name));
    });
    return li;
  }

  function makeSpare(id) {
    const li = document.getElementById("plan-spare-template").content.firstElementChild.cloneNode(true);
    li.dataset.stopId = id;
    li.querySelector("span").textContent = data.stops[id].name;
    const button = li.querySelector("button");
    button.setAttribute("aria-label", label(button.dataset.label, data.stops[id].name));
    return li;
  }

  list.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    const li = button.closest("li");
    const action = button.dataset.action;
    if (action === "up" || action === "down") {
      if (move(li, action === "up" ? -1 : 1)) button.focus();
    } else if (action === "remove") {
      const next = li.nextElementSibling || li.previousElementSibling;
      spare.appendChild(makeSpare(li.dataset.stopId));
      li.remove();
      const focusable = next && next.querySelector("button");
      if (focusable) focusable.focus();
    }
    updateTotals();
  });

  spare.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-action='add']");
    if (!button) return;
    const li = button.closest("li");
    const id = li.dataset.stopId;
    const item = makeItem(id);
    // A stop added to a walk that ends at its end stop goes before that end.
    const last = list.lastElementChild;
    if (last && last !== list.firstElementChild && data.stops[last.dataset.stopId].kind === "end" &&
        data.stops[id].kind !== "end") {
      list.insertBefore(item, last);
    } else {
      list.appendChild(item);
    }
    li.remove();
    item.querySelector(".drag-handle").focus();
    updateTotals();
  });

  // Keyboard on the handle: arrow keys move the stop.
  list.addEventListener("keydown", function (event) {
    const handle = event.target.closest(".drag-handle");
    if (!handle || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    const li = handle.closest("li");
    if (move(li, event.key === "ArrowUp" ? -1 : 1)) {
      handle.focus();
      updateTotals();
      say(status.dataset.moved
        .replace("%(name)s", li.querySelector(".plan-name").textContent)
        .replace("%(n)s", String(Array.from(list.children).indexOf(li))));
    }
  });

  // Dragging with a pointer (mouse, finger, pen) by the handle.
  let dragged = null;
  list.addEventListener("pointerdown", function (event) {
    const handle = event.target.closest(".drag-handle");
    if (!handle || handle.classList.contains("drag-handle--fixed")) return;
    dragged = handle.closest("li");
    dragged.classList.add("is-dragging");
    handle.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  list.addEventListener("pointermove", function (event) {
    if (!dragged) return;
    const items = Array.from(list.children).filter(function (li) { return li !== dragged; });
    for (let i = 1; i < items.length; i += 1) {
      const box = items[i].getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) {
        if (items[i] !== dragged.nextElementSibling) list.insertBefore(dragged, items[i]);
        return;
      }
    }
    list.appendChild(dragged);
  });
  function drop() {
    if (!dragged) return;
    dragged.classList.remove("is-dragging");
    dragged = null;
    updateTotals();
  }
  list.addEventListener("pointerup", drop);
  list.addEventListener("pointercancel", drop);

  document.getElementById("best-order").addEventListener("click", function () {
    const button = this;
    button.disabled = true;
    fetch(list.dataset.bestOrderUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ stops: order(), keepEnd: document.getElementById("keep-end").checked }),
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (!answer.ok) { say(answer.error); return; }
        const byId = {};
        Array.from(list.children).forEach(function (li) { byId[li.dataset.stopId] = li; });
        answer.order.forEach(function (id) { list.appendChild(byId[id]); });
        updateTotals();
        say(status.dataset.done || "");
      })
      .catch(function () { say(status.dataset.failed); })
      .finally(function () { button.disabled = false; });
  });

  // The map may ask for a stop by its marker: focus it in the list.
  document.addEventListener("plan:focus", function (event) {
    const li = document.querySelector('#plan-list [data-stop-id="' + CSS.escape(event.detail.id) + '"], ' +
      '#plan-spare [data-stop-id="' + CSS.escape(event.detail.id) + '"]');
    const target = li && li.querySelector("button");
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
    }
  });

  window.planOrder = order;
  updateTotals();
})();
