// Links the stop list and the map: "?stop=<id>" or "#stop-<id>" opens that marker.
(function () {
  "use strict";

  function focusStop(stopId) {
    const registry = window.tourMap;
    if (!registry || !registry.markers[stopId]) return;
    const marker = registry.markers[stopId];
    registry.map.setView(marker.getLatLng(), Math.max(registry.map.getZoom(), 16));
    marker.openPopup();
  }

  function requestedStop() {
    const params = new URLSearchParams(window.location.search);
    if (params.get("stop")) return params.get("stop");
    const match = window.location.hash.match(/^#stop-([a-z0-9-]+)$/);
    return match ? match[1] : null;
  }

  function start() {
    const stopId = requestedStop();
    if (stopId) focusStop(stopId);
    document.querySelectorAll(".stop-item").forEach(function (item) {
      item.addEventListener("focusin", function () {
        item.classList.add("is-focused");
      });
    });
  }

  if (window.tourMap) start();
  else document.addEventListener("tourmap:ready", start, { once: true });
  window.tourFocusStop = focusStop;
})();
