// The review map: the current path (grey), the walked path (red), the stops.
(function () {
  "use strict";
  if (!window.L) return;
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const map = L.map("review-map");
  L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
  const old = L.polyline(data.old, { color: "#777", weight: 5, dashArray: "6 6" }).addTo(map);
  const walked = L.polyline(data.new, { color: "#b3261e", weight: 4 }).addTo(map);
  // Leaflet takes a string tooltip as HTML; a stop's name is a guide's text.
  function textTooltip(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }
  data.stops.forEach(function (s, i) {
    L.circleMarker([s[0], s[1]], { radius: 7, color: "#7a1f14", fillOpacity: 1 })
      .bindTooltip(textTooltip(i + ". " + s[2])).addTo(map);
  });
  map.fitBounds(old.getBounds().extend(walked.getBounds()), { padding: [16, 16] });
})();
