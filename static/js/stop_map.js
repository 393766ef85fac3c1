// The small map on a stop page: the stop, and where the visitor is if location is
// already allowed (never a prompt on its own: "How far am I?" asks first).
(function () {
  "use strict";

  const node = document.getElementById("stop-map");
  const dataNode = document.getElementById("stop-map-data");
  if (!node || !dataNode || !window.L) return;
  const data = JSON.parse(dataNode.textContent);
  const status = document.getElementById("stop-distance");
  const button = document.getElementById("stop-locate");
  const here = [data.lat, data.lon];

  const map = L.map(node, { zoomControl: false, attributionControl: true, scrollWheelZoom: false, fadeAnimation: false });
  const copyright = document.createElement("a");
  copyright.href = data.copyright_url;
  copyright.textContent = data.attribution;
  L.tileLayer(data.tile_url, { maxZoom: 19, crossOrigin: true, attribution: copyright.outerHTML }).addTo(map);
  map.attributionControl.setPrefix(false);
  // One first view (an estimate shows its whole circle), so tiles are fetched once.
  if (data.estimate) map.fitBounds(L.latLng(here).toBounds(data.error_m * 2.2));
  else map.setView(here, 17);

  // The pin in a task of its own: a slow phone paints the map first.
  window.setTimeout(function () {
    const pin = document.createElement("span");
    pin.className = "stop-pin stop-pin--" + data.kind + (data.estimate ? " stop-pin--estimate" : "");
    pin.setAttribute("aria-hidden", "true");
    pin.textContent = data.label;
    L.marker(here, {
      icon: L.divIcon({ html: pin.outerHTML, iconSize: [36, 36], iconAnchor: [18, 18], className: "stop-marker" }),
      title: data.name,
      keyboard: false,
    }).addTo(map);
    if (data.estimate) {
      L.circle(here, {
        radius: data.error_m, color: "#6b4c00", weight: 2, dashArray: "4 6", fillOpacity: 0.08, interactive: false,
      }).addTo(map);
    }
  }, 0);

  let youMarker = null;

  function say(text) {
    status.textContent = text;
  }

  // In the page's units ("1,3 км"), as the walk writes them.
  function distanceText(metres) {
    return window.pageDistanceText(metres, data.strings);
  }

  function show(position) {
    const you = [position.coords.latitude, position.coords.longitude];
    const metres = map.distance(you, here);
    if (!youMarker) {
      youMarker = L.circleMarker(you, {
        radius: 8, color: "#fff", weight: 3, fillColor: "#0b57d0", fillOpacity: 1, interactive: false,
        className: "leaflet-you",
      }).addTo(map);
      map.fitBounds(L.latLngBounds([you, here]), { padding: [28, 28], maxZoom: 17 });
    } else {
      youMarker.setLatLng(you);
    }
    button.hidden = true;
    const reach = Math.max(data.estimate ? data.error_m : 0, position.coords.accuracy || 0, 25);
    say(metres <= reach ? data.strings.at : data.strings.away.replace("%(distance)s", distanceText(metres)));
  }

  function locate() {
    navigator.geolocation.watchPosition(show, function () {
      say(data.strings.failed);
    }, { enableHighAccuracy: true, maximumAge: 15000, timeout: 20000 });
  }

  if (!("geolocation" in navigator)) return;
  button.addEventListener("click", locate);
  const offer = function () {
    button.hidden = false;
  };
  if (navigator.permissions && navigator.permissions.query) {
    navigator.permissions.query({ name: "geolocation" }).then(function (result) {
      if (result.state === "granted") locate();
      else if (result.state === "prompt") offer();
    }, offer);
  } else {
    offer();
  }
})();
