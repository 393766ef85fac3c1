// "Save this walk for offline": says how much first, then has the service worker
// save the pages, the photos at this phone's size and this language's recordings,
// with a progress bar; "ready offline ✓" only once every file is there.
(function () {
  "use strict";

  const box = document.getElementById("walk-pack");
  if (!box || !("serviceWorker" in navigator) || !window.MessageChannel) return;
  const t = JSON.parse(document.getElementById("walk-pack-i18n").textContent);
  const el = (id) => document.getElementById(id);
  const tour = box.dataset.tour;
  let plan = null;

  function fill(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, (_, key) => (key in values ? values[key] : ""));
  }

  // Sizes in the page's language ("2,6 MB" in Czech); the unit word is the browser's.
  const kilobytes = window.pageNumberFormat({ style: "unit", unit: "kilobyte", maximumFractionDigits: 0 });
  const megabytes = window.pageNumberFormat({
    style: "unit",
    unit: "megabyte",
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });

  function size(bytes) {
    if (bytes < 1024 * 1024) return kilobytes.format(Math.max(1, Math.round(bytes / 1024)));
    return megabytes.format(bytes / 1024 / 1024);
  }

  function ask(message) {
    return navigator.serviceWorker.ready.then(
      (registration) =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => resolve(event.data);
          registration.active.postMessage(message, [channel.port2]);
        })
    );
  }

  // The width a photo is shown at on this phone (two device pixels per CSS pixel
  // are sharp enough; more only costs storage).
  function photoWidth() {
    const css = Math.min(window.innerWidth || 390, 720);
    return Math.round(css * Math.min(window.devicePixelRatio || 1, 2));
  }

  function storage() {
    if (!navigator.storage || !navigator.storage.estimate) return Promise.resolve();
    return navigator.storage.estimate().then((estimate) => {
      el("walk-pack-storage").textContent = fill(t.storage, {
        used: size(estimate.usage || 0),
        quota: size(estimate.quota || 0),
      });
    });
  }

  function showStatus(status) {
    if (status && status.complete) {
      box.dataset.state = "ready";
      el("walk-pack-status").textContent = t.ready;
    } else if (status && status.saved && status.missing.length) {
      box.dataset.state = "incomplete";
      el("walk-pack-status").textContent = fill(t.incomplete, { missing: status.missing.length });
    }
    return storage();
  }

  function check() {
    el("walk-pack-size").textContent = "";
    const offline = window.tourOffline;
    const statusOf = offline ? offline.status() : Promise.resolve(null);
    statusOf.then((status) => {
      if (!status || !status.ready) {
        el("walk-pack-size").textContent = t.wait;
        return;
      }
      const url = box.dataset.packUrl + "?lang=" + encodeURIComponent(box.dataset.lang) + "&width=" + photoWidth();
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
        .then((pack) => {
          const total = status.precache_bytes + pack.photo_bytes + pack.recording_bytes;
          plan = pack;
          el("walk-pack-size").textContent = fill(t.size, {
            total: size(total),
            pages: size(status.precache_bytes),
            photos: pack.photos.length,
            photo_size: size(pack.photo_bytes),
            recordings: pack.recordings.length,
            recording_size: size(pack.recording_bytes),
          });
          const confirm = el("walk-pack-confirm");
          confirm.textContent = fill(t.confirm, { total: size(pack.photo_bytes + pack.recording_bytes) });
          confirm.hidden = false;
          confirm.focus();
        })
        .catch(() => {
          el("walk-pack-size").textContent = t.failed;
        });
    });
  }

  function save() {
    if (!plan) return;
    const urls = plan.photos.map((p) => p.url).concat(plan.recordings.map((r) => r.url));
    const progress = el("walk-pack-progress");
    progress.hidden = false;
    progress.value = 0;
    el("walk-pack-confirm").hidden = true;
    box.dataset.state = "saving";
    el("walk-pack-status").textContent = fill(t.saving, { done: 0, count: urls.length });
    const listener = (event) => {
      const data = event.data || {};
      if (data.type !== "pack-progress" || data.tour !== tour) return;
      progress.value = data.total ? data.done / data.total : 1;
      el("walk-pack-status").textContent = fill(t.saving, { done: data.done, count: data.total });
    };
    navigator.serviceWorker.addEventListener("message", listener);
    const persist = navigator.storage && navigator.storage.persist ? navigator.storage.persist() : Promise.resolve();
    persist
      .catch(() => undefined)
      .then(() => ask({ type: "save-pack", tour: tour, lang: plan.lang, urls: urls }))
      .then(() => ask({ type: "pack-status", tour: tour }))
      .then((status) => {
        progress.value = 1;
        navigator.serviceWorker.removeEventListener("message", listener);
        return showStatus(status);
      });
  }

  box.hidden = false;
  el("walk-pack-check").addEventListener("click", check);
  el("walk-pack-confirm").addEventListener("click", save);
  navigator.serviceWorker.ready.then(() => ask({ type: "pack-status", tour: tour })).then(showStatus);
})();
