// "How do I get there?": asks the guide's router for a walking route and draws it.
// The visitor's position is sent only when they pick "My position" and press the button.
(function () {
  "use strict";

  const form = document.querySelector(".directions-form");
  if (!form) return;
  const box = form.closest(".directions");
  const text = JSON.parse(document.getElementById("directions-i18n").textContent);
  const status = box.querySelector(".directions-status");
  const summary = box.querySelector(".directions-summary");
  let drawn = null;
  let startMarker = null;

  function say(message) {
    status.textContent = message;
    status.hidden = !message;
  }

  function position() {
    return new Promise(function (resolve, reject) {
      if (!navigator.geolocation) return reject(new Error(text.no_geolocation));
      navigator.geolocation.getCurrentPosition(
        function (fix) {
          resolve(fix.coords.latitude.toFixed(6) + "," + fix.coords.longitude.toFixed(6));
        },
        function () {
          reject(new Error(text.denied));
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
      );
    });
  }

  // Numbers as the page's language writes them; the units come from its catalogue.
  const lang = document.documentElement.lang || "en";
  const number = window.pageNumberFormat();
  const tenths = window.pageNumberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function fill(template, value, key) {
    return String(template).replace(key || "%(n)s", value);
  }

  function formatLength(metres) {
    return metres < 1000
      ? fill(text.metres, number.format(Math.round(metres / 10) * 10))
      : fill(text.kilometres, tenths.format(metres / 1000));
  }

  function formatTime(seconds) {
    return fill(text.minutes, number.format(Math.max(1, Math.round(seconds / 60))));
  }

  // The route where the visitor looks: the map scrolled into view, the route fitted
  // into it, and a marker where it starts ("You are here" or the chosen stop).
  function draw(feature, startLabel) {
    const registry = window.tourMap;
    if (!registry || !window.L) return;
    const L = window.L;
    if (drawn) drawn.remove();
    if (startMarker) startMarker.remove();
    drawn = L.geoJSON(feature, {
      style: { color: "#0b57d0", weight: 6, opacity: 0.9, className: "directions-line" },
    }).addTo(registry.map);
    const first = feature.geometry.coordinates[0];
    const label = document.createElement("span");
    label.textContent = startLabel; // text, never HTML: a stop's name comes from a guide
    startMarker = L.circleMarker([first[1], first[0]], {
      radius: 9,
      color: "#fff",
      weight: 3,
      fillColor: "#0b57d0",
      fillOpacity: 1,
      className: "directions-start",
    })
      .bindTooltip(label, { permanent: true, direction: "top", offset: [0, -10], className: "directions-start-label" })
      .addTo(registry.map);
    const wrap = registry.map.getContainer().closest(".map-wrap") || registry.map.getContainer();
    const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    wrap.scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" });
    registry.map.invalidateSize();
    registry.map.fitBounds(drawn.getBounds(), { padding: [32, 32] });
    box.dataset.shown = "true";
  }

  function show(feature, query, startLabel) {
    const props = feature.properties;
    box.querySelector(".directions-length").textContent = formatLength(props.length_m);
    box.querySelector(".directions-time").textContent =
      formatTime(props.duration_s) + " " + text.walk;
    const approx = box.querySelector(".directions-approx");
    approx.hidden = !(props.approximate_m > 10);
    approx.textContent = approx.hidden ? "" : " · " + formatLength(props.approximate_m) + " " + text.approx;
    // Directions come in English when this language has no phrase file yet: say so,
    // and mark the list's language for screen readers.
    const fallback = box.querySelector(".directions-fallback");
    const stepsLang = props.directions_lang || text.lang;
    fallback.hidden = stepsLang === text.lang;
    fallback.textContent = fallback.hidden ? "" : text.fallback;
    const steps = box.querySelector(".directions-steps");
    steps.lang = stepsLang;
    steps.replaceChildren();
    props.directions.forEach(function (line) {
      const item = document.createElement("li");
      item.textContent = line;
      steps.appendChild(item);
    });
    box.querySelector(".directions-gpx").href = form.dataset.gpx + "?" + query;
    summary.hidden = false;
    draw(feature, startLabel);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    summary.hidden = true;
    const to = form.elements.to.value;
    let from = form.elements.from.value;
    if (from === to) return say(text.same);
    try {
      if (from === "here") {
        say(text.locating);
        from = await position();
      }
      say(text.routing);
      const query = new URLSearchParams({ from: from, to: to, lang: text.lang }).toString();
      const response = await fetch(form.dataset.api + "?" + query);
      const body = await response.json();
      if (!response.ok) return say(text.failed + " " + body.error);
      say("");
      const chosen = form.elements.from.selectedOptions[0];
      const startLabel = form.elements.from.value === "here" ? text.you_are_here : fill(text.start, chosen.textContent.trim(), "%(name)s");
      show(body, query, startLabel);
    } catch (error) {
      say(error instanceof TypeError ? text.offline : error.message);
    }
  });
})();
