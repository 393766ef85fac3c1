// Pin pickers (.pin-picker): tap the map, pin the map's centre (keyboard users pan
// with the arrow keys), or take the phone's position. A tap is as precise as a
// fingertip at the map's zoom; a phone fix worse than the field-calibration limit
// needs "Use it anyway", as the server also insists. Stop names reach Leaflet as
// text nodes only.
(function () {
  "use strict";
  if (!window.L) return;
  const context = document.getElementById("pin-context");
  const others = context ? JSON.parse(context.textContent).stops : [];
  const FINGERTIP_PX = 22;

  function metresPerPixel(lat, zoom) {
    return 40075016.686 * Math.cos(lat * Math.PI / 180) / Math.pow(2, zoom + 8);
  }

  function text(value) {
    const span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function setUp(box) {
    const which = box.dataset.which;
    const input = function (part) { return box.querySelector('input[name="' + which + "_" + part + '"]'); };
    const lon = input("lon"), lat = input("lat"), accuracy = input("accuracy_m"), source = input("source");
    const reading = box.querySelector("[data-reading]");
    const poor = box.querySelector("[data-poor]");
    const confirmLabel = box.querySelector("[data-confirm]");
    const confirmBox = confirmLabel.querySelector("input");
    const goodM = Number(box.dataset.goodM);
    const map = L.map(box.querySelector(".pin-map"), { scrollWheelZoom: false, zoomSnap: 1 })
      .setView([Number(box.dataset.lat), Number(box.dataset.lon)], Number(box.dataset.zoom));
    L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
    others.forEach(function (stop) {
      L.circleMarker([stop.lat, stop.lon], { radius: 8, color: "#333", weight: 2, fillColor: "#8a8a8a", fillOpacity: 1 })
        .bindTooltip(text(stop.name)).addTo(map);
    });
    let marker = null;

    function place(latlng, metres, from) {
      lat.value = latlng.lat.toFixed(6);
      lon.value = latlng.lng.toFixed(6);
      accuracy.value = String(Math.max(1, Math.round(metres)));
      source.value = from;
      if (marker) marker.setLatLng(latlng);
      else marker = L.marker(latlng, { keyboard: false, title: box.dataset.pinTitle }).addTo(map);
      const bad = from === "gps" && metres > goodM;
      reading.textContent = (from === "gps" ? box.dataset.here : box.dataset.placed)
        .replace("%(acc)s", String(Math.round(metres)));
      reading.classList.toggle("reading--poor", bad);
      poor.hidden = !bad;
      poor.textContent = bad ? box.dataset.poor : "";
      confirmLabel.hidden = !bad;
      if (!bad) confirmBox.checked = false;
      box.dispatchEvent(new CustomEvent("pin:placed", { bubbles: true, detail: { which: which } }));
    }

    function tapped(latlng) {
      place(latlng, FINGERTIP_PX * metresPerPixel(latlng.lat, map.getZoom()), "map");
    }

    map.on("click", function (event) { tapped(event.latlng); });
    box.querySelector('[data-pin-action="centre"]').addEventListener("click", function () {
      tapped(map.getCenter());
    });
    box.querySelector('[data-pin-action="here"]').addEventListener("click", function () {
      if (!navigator.geolocation) { reading.textContent = box.dataset.denied; return; }
      reading.textContent = box.dataset.waiting;
      navigator.geolocation.getCurrentPosition(function (position) {
        const here = L.latLng(position.coords.latitude, position.coords.longitude);
        place(here, position.coords.accuracy, "gps");
        map.setView(here, Math.max(map.getZoom(), 17));
      }, function () {
        reading.textContent = box.dataset.denied;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });

    // A form sent back with an error keeps its pin.
    if (lat.value && lon.value && source.value) {
      const kept = L.latLng(Number(lat.value), Number(lon.value));
      const wasConfirmed = confirmBox.checked;
      place(kept, Number(accuracy.value) || 1, source.value);
      confirmBox.checked = wasConfirmed;
      map.setView(kept, Math.max(map.getZoom(), 17));
    }
  }

  document.querySelectorAll(".pin-picker").forEach(setUp);
})();
