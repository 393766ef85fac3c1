// A guest's live walk: poll the walk's state and follow the guide's current stop.
// Polling (not a socket) works behind any WSGI server with several workers.
(function () {
  "use strict";

  const root = document.getElementById("live");
  const url = root.dataset.stateUrl;
  const pollMs = Number(root.dataset.pollMs) || 3000;
  let state = JSON.parse(document.getElementById("live-state").textContent);
  let map = null;
  let stopMarker = null;
  let guideMarker = null;

  function text(id, value) { document.getElementById(id).textContent = value; }

  function setupMap() {
    if (!window.L) return;
    map = L.map("live-map", { zoomControl: true }).setView([state.stop.lat, state.stop.lon], 16);
    L.tileLayer(root.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
    stopMarker = L.marker([state.stop.lat, state.stop.lon], { title: state.stop.name, alt: state.stop.name }).addTo(map);
  }

  function showGuide(guide) {
    const line = document.getElementById("live-guide");
    if (!guide) {
      line.textContent = root.dataset.notShared;
      if (guideMarker) { guideMarker.remove(); guideMarker = null; }
      return;
    }
    line.textContent = root.dataset.guideAge.replace("%(s)s", String(guide.age_s));
    if (!map) return;
    const at = [guide.lat, guide.lon];
    if (!guideMarker) {
      guideMarker = L.circleMarker(at, { radius: 9, color: "#0b5d1e", fillColor: "#2e9e4f", fillOpacity: 0.9 }).addTo(map);
      // A text node: Leaflet would read a string as HTML.
      const label = document.createElement("span");
      label.textContent = root.dataset.guideLabel;
      guideMarker.bindTooltip(label, { permanent: true, direction: "top" });
    } else {
      guideMarker.setLatLng(at);
    }
    if (!map.getBounds().contains(at)) {
      map.fitBounds(L.latLngBounds([at, [state.stop.lat, state.stop.lon]]), { padding: [40, 40], maxZoom: 17 });
    }
  }

  function render(next) {
    const moved = next.stop.id !== state.stop.id;
    state = next;
    text("live-index", String(next.stop_index));
    text("live-count", String(next.stop_count - 1));
    const name = document.getElementById("live-stop-name");
    name.textContent = next.stop.name;
    name.dataset.stopId = next.stop.id;
    text("live-stop-summary", next.stop.summary);
    document.getElementById("live-stop-link").href = next.stop.url;
    if (moved) {
      const narrative = document.getElementById("live-narrative");
      narrative.replaceChildren();
      next.stop.narrative.forEach(function (paragraph) {
        const p = document.createElement("p");
        p.textContent = paragraph;
        narrative.appendChild(p);
      });
      if (map) {
        stopMarker.setLatLng([next.stop.lat, next.stop.lon]);
        map.setView([next.stop.lat, next.stop.lon], map.getZoom());
      }
      if (navigator.vibrate) navigator.vibrate(200);
    }
    showGuide(next.guide);
    document.getElementById("live-ended").hidden = next.live;
  }

  function poll() {
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (next) {
        text("live-offline", "");
        if (next && next.ok) render(next);
        if (!next || next.live) window.setTimeout(poll, pollMs);
      })
      .catch(function () {
        text("live-offline", root.dataset.offline);
        window.setTimeout(poll, pollMs * 2);
      });
  }

  setupMap();
  showGuide(state.guide);
  if (state.live) window.setTimeout(poll, pollMs);
})();
