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
  const number = new Intl.NumberFormat(lang);
  const tenths = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  function fill(template, n) {
    return String(template).replace("%(n)s", n);
  }

  function formatLength(metres) {
    return metres < 1000
      ? fill(text.metres, number.format(Math.round(metres / 10) * 10))
      : fill(text.kilometres, tenths.format(metres / 1000));
  }

  function formatTime(seconds) {
    return fill(text.minutes, number.format(Math.max(1, Math.round(seconds / 60))));
  }

  function draw(feature) {
    const registry = window.tourMap;
    if (!registry || !window.L) return;
    if (drawn) drawn.remove();
    drawn = window.L.geoJSON(feature, {
      style: { color: "#0b57d0", weight: 6, opacity: 0.9, className: "directions-line" },
    }).addTo(registry.map);
    registry.map.fitBounds(drawn.getBounds(), { padding: [24, 24] });
  }

  function show(feature, query) {
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
    draw(feature);
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
      show(body, query);
    } catch (error) {
      say(error instanceof TypeError ? text.offline : error.message);
    }
  });
})();
