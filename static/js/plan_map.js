// The planner's map: the planned stops numbered in walking order, the legs between
// them, the left-out stops in grey. It follows every change of the list
// ("plan:change" from planner.js) and asks the server for the paths of new legs.
// Names reach Leaflet as text nodes only: guide text is never parsed as HTML.
(function () {
  "use strict";
  const element = document.getElementById("plan-map");
  if (!element || !window.L) return;
  const data = JSON.parse(document.getElementById("plan-data").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  const map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 });
  L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
  const legLayer = L.layerGroup().addTo(map);
  const stopLayer = L.layerGroup().addTo(map);

  // Known paths by "from>to"; a reversed leg serves the other direction too.
  const paths = {};
  function remember(leg) {
    paths[leg.from + ">" + leg.to] = { latlngs: leg.latlngs, approximate: leg.approximate };
    paths[leg.to + ">" + leg.from] = { latlngs: leg.latlngs.slice().reverse(), approximate: leg.approximate };
  }
  data.legs.forEach(remember);

  function text(value) {
    const span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function pin(label, kind) {
    const span = document.createElement("span");
    span.className = "stop-pin stop-pin--" + kind;
    span.setAttribute("aria-hidden", "true");
    span.textContent = label;
    return L.divIcon({ html: span, className: "stop-marker", iconSize: [36, 36], iconAnchor: [18, 18] });
  }

  function latlng(id) { return [data.stops[id].lat, data.stops[id].lon]; }

  function focusInList(id) {
    document.dispatchEvent(new CustomEvent("plan:focus", { detail: { id: id } }));
  }

  function drawStops(order, spare) {
    stopLayer.clearLayers();
    spare.forEach(function (id) {
      const name = data.stops[id].name;
      L.marker(latlng(id), {
        icon: pin("", "spare"), title: element.dataset.leftOut.replace("%(name)s", name), keyboard: false,
      }).bindTooltip(text(name)).on("click", function () { focusInList(id); }).addTo(stopLayer);
    });
    order.forEach(function (id, i) {
      const stop = data.stops[id];
      const label = i === 0 ? "M" : String(i);
      const kind = i === 0 ? "meeting" : (stop.kind === "end" ? "end" : "stop");
      L.marker(latlng(id), { icon: pin(label, kind), title: label + ". " + stop.name, zIndexOffset: 1000 })
        .bindTooltip(text(label + ". " + stop.name))
        .on("click", function () { focusInList(id); })
        .addTo(stopLayer);
    });
  }

  function drawLegs(order) {
    legLayer.clearLayers();
    const missing = [];
    for (let i = 1; i < order.length; i += 1) {
      const known = paths[order[i - 1] + ">" + order[i]];
      if (!known) missing.push(i);
      const approximate = !known || known.approximate;
      L.polyline(known ? known.latlngs : [latlng(order[i - 1]), latlng(order[i])], {
        color: "#b3261e", weight: 5, opacity: 0.85, interactive: false,
        dashArray: approximate ? "8 8" : null,
        className: approximate ? "leg-line approximate" : "leg-line",
      }).addTo(legLayer);
    }
    return missing.length > 0;
  }

  let asked = null;
  function fetchLegs(order) {
    if (asked) asked.abort();
    asked = new AbortController();
    fetch(data.legsUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ stops: order }),
      credentials: "same-origin",
      signal: asked.signal,
    })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (!answer.ok) return;
        answer.legs.forEach(remember);
        if (current.order.join() === order.join()) drawLegs(order);
      })
      .catch(function () { /* straight lines stay; the list and totals still work */ });
  }

  let current = { order: window.planOrder ? window.planOrder() : [], spare: [] };
  current.spare = Object.keys(data.stops).filter(function (id) { return current.order.indexOf(id) < 0; });

  function show(plan) {
    current = plan;
    drawStops(plan.order, plan.spare);
    if (drawLegs(plan.order) && plan.order.length > 1) fetchLegs(plan.order);
    element.dataset.order = plan.order.join(",");
  }

  document.addEventListener("plan:change", function (event) { show(event.detail); });
  const all = Object.keys(data.stops).map(latlng);
  if (all.length) map.fitBounds(L.latLngBounds(all), { padding: [24, 24] });
  show(current);
})();
