// The guide's live-walk remote: share the phone's position while the walk is live.
(function () {
  "use strict";

  const controls = document.getElementById("share-controls");
  if (!controls) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  // "We are at stop N" without reloading the page (the forms still work without JS).
  const liveStatus = document.getElementById("live-status");
  document.querySelectorAll(".live-stops form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const stop = form.querySelector('input[name="stop"]').value;
      post(form.action, { stop: Number(stop) })
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (!answer.ok) { liveStatus.textContent = answer.error || ""; liveStatus.hidden = false; return; }
          document.querySelectorAll(".live-stops li").forEach(function (li, i) {
            const current = i === answer.stop_index;
            li.classList.toggle("is-current", current);
            const button = li.querySelector("button");
            if (current) button.setAttribute("aria-current", "step");
            else button.removeAttribute("aria-current");
          });
          liveStatus.textContent = liveStatus.dataset.template.replace("%(n)s", String(answer.stop_index));
          liveStatus.hidden = false;
        })
        .catch(function () { form.submit(); });
    });
  });
  const startButton = document.getElementById("share-start");
  const stopButton = document.getElementById("share-stop");
  const status = document.getElementById("share-status");
  let watch = null;
  let lastSent = 0;

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    });
  }

  function send(position) {
    const now = Date.now();
    if (now - lastSent < 5000) return;  // at most every 5 s
    lastSent = now;
    const c = position.coords;
    post(controls.dataset.positionUrl, { lat: c.latitude, lon: c.longitude, accuracy: c.accuracy })
      .then(function (response) {
        if (response.status === 409) stopWatching();  // the walk has ended
      });
    status.textContent = controls.dataset.sharing.replace("%(m)s", String(Math.round(c.accuracy)));
  }

  startButton.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = controls.dataset.denied; return; }
    watch = navigator.geolocation.watchPosition(send, function () {
      status.textContent = controls.dataset.denied;
    }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 20000 });
    startButton.hidden = true;
    stopButton.hidden = false;
  });

  function stopWatching() {
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = null;
    lastSent = 0;
    status.textContent = "";
    startButton.hidden = false;
    stopButton.hidden = true;
  }

  stopButton.addEventListener("click", function () {
    stopWatching();
    post(controls.dataset.stopUrl);
  });
})();
