// On every page: register the service worker, show "ready offline", offer updates,
// and the sunlight (high-contrast, large-text) display mode.
(function () {
  "use strict";

  const root = document.documentElement;
  const strings = readJson("pwa-i18n");

  function readJson(id) {
    const node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : {};
  }

  function fill(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, (_, key) =>
      values && key in values ? values[key] : ""
    );
  }

  // ---- sunlight mode: a cookie, so the server renders it without a flash ----
  function setSunlight(on) {
    root.classList.toggle("sunlight", on);
    document.cookie = "display=" + (on ? "sunlight" : "normal") + "; path=/; max-age=31536000; samesite=lax";
    document.querySelectorAll("[data-sunlight-toggle]").forEach((button) => {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    document.dispatchEvent(new CustomEvent("tour:display", { detail: { sunlight: on } }));
  }

  function initSunlight() {
    const fromCookie = /(?:^|; )display=sunlight(?:;|$)/.test(document.cookie);
    if (fromCookie !== root.classList.contains("sunlight")) setSunlight(fromCookie);
    document.querySelectorAll("[data-sunlight-toggle]").forEach((button) => {
      button.setAttribute("aria-pressed", root.classList.contains("sunlight") ? "true" : "false");
      button.addEventListener("click", () => setSunlight(!root.classList.contains("sunlight")));
    });
  }

  // ---- service worker ----
  const statusNode = document.getElementById("offline-status");
  const statusText = statusNode && statusNode.querySelector("[data-offline-text]");
  const updateButton = statusNode && statusNode.querySelector("[data-offline-update]");

  function show(state, text) {
    if (!statusNode) return;
    statusNode.hidden = false;
    statusNode.dataset.state = state;
    statusText.textContent = text;
    statusNode.title = text; // the bar may show only a sign for it on a phone
  }

  function ask(worker, message) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      worker.postMessage(message, [channel.port2]);
    });
  }

  function activeWorker() {
    return navigator.serviceWorker.ready.then((registration) => registration.active);
  }

  function refreshStatus() {
    return activeWorker()
      .then((worker) => ask(worker, { type: "status" }))
      .then((status) => {
        window.tourOffline.lastStatus = status;
        if (status && status.ready) {
          root.dataset.offline = "ready";
          show("ready", strings.ready);
        } else {
          show("saving", strings.saving);
        }
        document.dispatchEvent(new CustomEvent("tour:offline-status", { detail: status }));
        return status;
      });
  }

  // The tiles on screen were loaded before the worker was there: hand them over.
  function keepShownTiles(worker) {
    const shown = Array.from(document.querySelectorAll("img.leaflet-tile"), (img) => img.src);
    const loaded = performance
      .getEntriesByType("resource")
      .filter((entry) => entry.initiatorType === "img")
      .map((entry) => entry.name);
    const urls = Array.from(new Set(shown.concat(loaded)));
    if (!urls.length) return Promise.resolve();
    return ask(worker, { type: "keep-tiles", urls: urls });
  }

  function offerUpdate(worker) {
    show("update", strings.update);
    if (!updateButton) return;
    updateButton.hidden = false;
    updateButton.onclick = () => {
      updateButton.disabled = true;
      worker.postMessage({ type: "skip-waiting" });
    };
  }

  function watchInstalling(registration, worker) {
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed") {
        if (navigator.serviceWorker.controller) offerUpdate(worker);
      } else if (worker.state === "activated") {
        keepShownTiles(worker).then(refreshStatus);
      } else if (worker.state === "redundant" && !registration.active) {
        show("failed", strings.failed);
      }
    });
  }

  function register() {
    if (!("serviceWorker" in navigator) || !root.dataset.sw) return;
    let reloading = false;
    const hadController = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      // A worker the visitor chose to update to: reload once onto the new version.
      if (hadController && !reloading) {
        reloading = true;
        window.location.reload();
      } else {
        refreshStatus();
      }
    });
    if (!navigator.onLine && !navigator.serviceWorker.controller) {
      show("failed", strings.failed);
    }
    navigator.serviceWorker
      .register(root.dataset.sw, { scope: "/" })
      .then((registration) => {
        if (registration.waiting && navigator.serviceWorker.controller) {
          offerUpdate(registration.waiting);
        }
        if (registration.installing) {
          show("saving", strings.saving);
          watchInstalling(registration, registration.installing);
        }
        registration.addEventListener("updatefound", () => {
          show("saving", strings.saving);
          watchInstalling(registration, registration.installing);
        });
        if (registration.active) {
          registration.active.postMessage({ type: "language", lang: root.lang });
          refreshStatus();
        }
      })
      .catch(() => show("failed", strings.failed));
  }

  window.tourOffline = {
    lastStatus: null,
    status: refreshStatus,
    saveArea: function (urls, onProgress) {
      const listener = (event) => {
        if (event.data && event.data.type === "area-progress" && onProgress) onProgress(event.data);
      };
      navigator.serviceWorker.addEventListener("message", listener);
      return activeWorker()
        .then((worker) => ask(worker, { type: "save-area", urls: urls }))
        .finally(() => navigator.serviceWorker.removeEventListener("message", listener));
    },
    fill: fill,
  };

  initSunlight();
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
})();
