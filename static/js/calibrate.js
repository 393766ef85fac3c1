// Field calibration: read the phone's position, show its accuracy, and allow a fix
// worse than the limit only when the guide ticks "use it anyway", and a move further
// than the far limit only when they tick "move it this far".
(function () {
  "use strict";

  const form = document.getElementById("calibrate-form");
  if (!form) return;
  const goodM = Number(form.dataset.goodM);
  const reading = document.getElementById("reading");
  const poor = document.getElementById("poor");
  const confirmLabel = document.getElementById("confirm-label");
  const confirmBox = document.getElementById("confirm-poor");
  const farM = Number(form.dataset.farM);
  const farLabel = document.getElementById("confirm-far-label");
  const farBox = document.getElementById("confirm-far");
  const submit = document.getElementById("set-pin");
  let accuracy = null;
  let far = false;

  function metres(lat1, lon1, lat2, lon2) {
    const r = 6371008.8;
    const rad = Math.PI / 180;
    const h = Math.sin((lat2 - lat1) * rad / 2) ** 2 +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin((lon2 - lon1) * rad / 2) ** 2;
    return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function refresh() {
    const bad = accuracy !== null && accuracy > goodM;
    submit.disabled = accuracy === null || (bad && !confirmBox.checked) || (far && !farBox.checked);
  }

  function show(position) {
    const c = position.coords;
    accuracy = c.accuracy;
    document.getElementById("cal-lat").value = c.latitude;
    document.getElementById("cal-lon").value = c.longitude;
    document.getElementById("cal-accuracy").value = c.accuracy;
    const d = metres(Number(form.dataset.pinLat), Number(form.dataset.pinLon), c.latitude, c.longitude);
    reading.hidden = false;
    reading.textContent = form.dataset.reading
      .replace("%(acc)s", String(Math.round(c.accuracy)))
      .replace("%(d)s", String(Math.round(d)));
    const bad = c.accuracy > goodM;
    reading.classList.toggle("reading--poor", bad);
    poor.hidden = !bad;
    poor.textContent = bad ? form.dataset.poor : "";
    confirmLabel.hidden = !bad;
    if (!bad) confirmBox.checked = false;
    // Further than the limit from the pin: the guide confirms they mean it.
    far = d > farM;
    farLabel.hidden = !far;
    if (!far) farBox.checked = false;
    refresh();
  }

  document.getElementById("locate").addEventListener("click", function () {
    if (!navigator.geolocation) { reading.hidden = false; reading.textContent = form.dataset.denied; return; }
    navigator.geolocation.getCurrentPosition(show, function () {
      reading.hidden = false;
      reading.textContent = form.dataset.denied;
    }, { enableHighAccuracy: true, maximumAge: 0, timeout: 20000 });
  });
  confirmBox.addEventListener("change", refresh);
  farBox.addEventListener("change", refresh);
})();
