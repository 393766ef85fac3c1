// Service worker: keeps every tour on the phone so that it works with no data.
// Served as /sw.js?v=<cache version>; a new deploy has a new version, hence a new worker.
// Each tour has its own cache, and the shell (assets) one more, each named by its own
// version (sw-config.json "groups"): a deploy that changes one tour refetches that
// tour only and keeps the others' copies.
/* eslint-env serviceworker */
"use strict";

const VERSION = new URL(self.location.href).searchParams.get("v") || "dev";
const META = "tour-meta";
const DONE_KEY = "/__sw/complete";
const TILES = "tiles-seen";
const TICKETS = "tickets-kept"; // filled by the confirmation page (static/js/ticket.js)
const TICKET_PATH = /^\/tours\/[^/]+\/dates\/r\/[A-Za-z0-9]+(\/calendar\.ics)?$/;
const AREA = "tiles-area";
const MEDIA = "media-"; // + tour id: a tour's saved photos and recordings
const PACK_KEY = "/__sw/pack/"; // + tour id: the list "Save this walk" saved
const CONFIG_KEY = "/__sw/config";
const LANG_KEY = "/__sw/lang";
const NETWORK_WAIT_MS = 4000;

let configPromise = null;
let tileIndex = null; // url -> bytes, oldest first (a Map keeps insertion order)

function loadConfig() {
  if (!configPromise) {
    configPromise = caches
      .open(META)
      .then((cache) => cache.match(CONFIG_KEY + "?v=" + VERSION))
      .then((response) => (response ? response.json() : fetchConfig()));
  }
  return configPromise;
}

function fetchConfig() {
  return fetch("/sw-config.json", { credentials: "omit", cache: "no-store" }).then((r) => {
    if (!r.ok) throw new Error("sw-config " + r.status);
    return r.json();
  });
}

// ---- install: save every page (both languages), the data, the GPX and the assets ----
self.addEventListener("install", (event) => {
  event.waitUntil(
    fetchConfig().then((config) => {
      configPromise = Promise.resolve(config);
      return Promise.all([
        caches.open(META).then((cache) =>
          cache.put(
            CONFIG_KEY + "?v=" + VERSION,
            new Response(JSON.stringify(config), { headers: { "Content-Type": "application/json" } })
          )
        ),
        ...config.groups.map(fill),
      ]);
    })
  );
});

// A group whose cache (same name, same version) is complete is kept as it is.
function fill(group) {
  return caches.open(group.cache).then((cache) =>
    cache.match(DONE_KEY).then((done) => {
      if (done) return undefined;
      return Promise.all(
        group.precache.map((url) =>
          // "omit": a ?lang= page must not change the visitor's language cookie.
          fetch(new Request(url, { credentials: "omit", cache: "reload" })).then((response) => {
            if (!response.ok) throw new Error("precache " + url + " " + response.status);
            return cache.put(url, response);
          })
        )
      ).then(() => cache.put(DONE_KEY, new Response("1")));
    })
  );
}

function groupFor(url, config) {
  const path = url.pathname;
  const own = config.groups.find((group) =>
    group.prefixes.some((prefix) => path === prefix || (prefix.endsWith("/") && path.startsWith(prefix)))
  );
  return own || config.groups[config.groups.length - 1]; // the shell's
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    Promise.all([loadConfig(), caches.keys()])
      .then(([config, names]) => {
        const keep = new Set(config.groups.map((group) => group.cache));
        return Promise.all(
          names
            .filter((name) => /^(tour|shell)-/.test(name) && name !== META && !keep.has(name))
            .map((name) => caches.delete(name))
        );
      })
      .then(() => caches.open(META))
      .then((cache) =>
        cache.keys().then((requests) =>
          Promise.all(
            requests
              .filter((r) => r.url.includes(CONFIG_KEY) && !r.url.endsWith("?v=" + VERSION))
              .map((r) => cache.delete(r))
          )
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (message) => event.ports[0] && event.ports[0].postMessage(message);
  if (data.type === "skip-waiting") {
    self.skipWaiting();
  } else if (data.type === "language" && data.lang) {
    event.waitUntil(rememberLanguage(data.lang));
  } else if (data.type === "status") {
    event.waitUntil(status().then(reply, (error) => reply({ error: String(error) })));
  } else if (data.type === "keep-tiles") {
    event.waitUntil(keepSeenTiles(data.urls || []).then(reply));
  } else if (data.type === "save-area") {
    event.waitUntil(saveArea(data.urls || [], event.source).then(reply));
  } else if (data.type === "save-pack" && validTour(data.tour)) {
    event.waitUntil(
      refreshPages(data.tour, data.lang)
        .then(() => savePack(data.tour, data.urls || [], event.source))
        .then(reply, (error) => reply({ error: String(error) }))
    );
  } else if (data.type === "pack-status" && validTour(data.tour)) {
    event.waitUntil(packStatus(data.tour).then(reply, (error) => reply({ error: String(error) })));
  }
});

// ---- fetch ----
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin === self.location.origin) {
    if (url.pathname === "/sw.js" || url.pathname === "/sw-config.json") return;
    // Guide pages (personal data) and live walks (changing state, the guide's
    // position) are never stored or answered from the cache.
    if (/^\/(guide|live)(\/|$)|^\/api\/live\//.test(url.pathname)) return;
    if (TICKET_PATH.test(url.pathname)) {
      event.respondWith(ticket(request, url));
    } else if (url.pathname.startsWith("/media/")) {
      event.respondWith(mediaFile(request, url));
    } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/vendor/")) {
      event.respondWith(cacheFirst(request));
    } else {
      event.respondWith(networkFirst(event, url));
    }
    return;
  }
  event.respondWith(
    loadConfig()
      .then(
        (config) =>
          new RegExp(config.tile_pattern).test(request.url) ? tile(request, config) : fetch(request),
        () => fetch(request)
      )
      // Whatever failed on the way, a picture (a map tile) is a plain square.
      .catch((error) => (request.destination === "image" ? blankTile() : Promise.reject(error)))
  );
});

function cacheFirst(request) {
  return caches
    .match(request, { ignoreSearch: true, ignoreVary: true })
    .then((hit) => hit || fetch(request));
}

// A guest's confirmation: always the network's current state; the copy the
// confirmation page kept when there is none (or it is too slow).
function ticket(request, url) {
  const saved = () =>
    caches.open(TICKETS).then((cache) => cache.match(url.pathname, { ignoreSearch: true, ignoreVary: true }));
  return race(fetch(request), saved);
}

function requestLanguage(url, config) {
  const asked = url.searchParams.get("lang");
  if (asked && config.languages.includes(asked)) return Promise.resolve(asked);
  return caches
    .open(META)
    .then((cache) => cache.match(LANG_KEY))
    .then((hit) => (hit ? hit.text() : config.default_language));
}

function rememberLanguage(lang) {
  return caches.open(META).then((cache) => cache.put(LANG_KEY, new Response(lang)));
}

function isPage(url, config) {
  return config.pages.includes(url.pathname);
}

// Pages, data and the GPX: the network first (fresh), the saved copy when it fails
// or is slow; a page is filed under its language so both stay available.
function networkFirst(event, url) {
  const request = event.request;
  return loadConfig()
    .catch(() => null)
    .then((config) => {
      const network = fetch(request).then((response) => {
        if (response.ok && config && response.type === "basic" && keepable(url, response, config)) {
          const copy = response.clone();
          event.waitUntil(store(url, copy, config));
        }
        return response;
      });
      if (!config) return network;
      const saved = () => lookup(request, url, config);
      return race(network, saved);
    });
}

function race(network, saved) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fallback = () =>
      saved().then((hit) => {
        if (settled) return;
        if (hit) {
          settled = true;
          resolve(hit);
        }
        return hit;
      });
    const timer = setTimeout(fallback, NETWORK_WAIT_MS);
    network.then(
      (response) => {
        clearTimeout(timer);
        if (!settled) {
          settled = true;
          resolve(response);
        }
      },
      (error) => {
        clearTimeout(timer);
        fallback().then((hit) => {
          if (!hit && !settled) reject(error);
        }, reject);
      }
    );
  });
}

// A query naming a place (?from=42.87,74.59) may be where the visitor stands:
// such a response is never stored, as the README promises.
const POSITION_PARAMS = ["from", "to", "lat", "lon", "lng", "pos", "position", "near"];

function carriesPosition(url) {
  for (const name of url.searchParams.keys()) {
    if (POSITION_PARAMS.includes(name.toLowerCase())) return true;
  }
  return false;
}

// Only the tour's own public pages and data: never a guide's or a guest's private
// page, never a position.
function keepable(url, response, config) {
  const control = response.headers.get("Cache-Control") || "";
  if (/no-store|private/.test(control)) return false;
  if (carriesPosition(url)) return false;
  return (
    isPage(url, config) ||
    /^\/api\/tours\/[^/]+(\/(stops|route)\b|$)/.test(url.pathname) ||
    /^\/tours\/[^/]+\/maps\/[\w-]+\.js$/.test(url.pathname) ||
    config.precache.includes(url.pathname + url.search)
  );
}

function store(url, response, config) {
  const page = isPage(url, config);
  return caches.open(groupFor(url, config).cache).then((cache) => {
    if (!page) return cache.put(url.href, response);
    const lang = response.headers.get("Content-Language");
    if (!lang || !config.languages.includes(lang)) return undefined;
    return Promise.all([
      cache.put(url.pathname + "?lang=" + lang, response),
      rememberLanguage(lang),
    ]);
  });
}

function lookup(request, url, config) {
  return caches.open(groupFor(url, config).cache).then((cache) => {
    if (!isPage(url, config)) {
      return cache.match(request, { ignoreVary: true });
    }
    return requestLanguage(url, config).then((lang) =>
      cache
        .match(url.pathname + "?lang=" + lang, { ignoreVary: true })
        .then(
          (hit) =>
            hit ||
            cache.match(url.pathname + "?lang=" + config.default_language, { ignoreVary: true })
        )
    );
  });
}

// ---- map tiles: the ones seen, up to a size bound, oldest dropped first ----
function tile(request, config) {
  return Promise.all([caches.open(TILES), caches.open(AREA)]).then(([seen, area]) =>
    seen.match(request.url).then((hit) => {
      if (hit) {
        touch(request.url);
        return hit;
      }
      return area.match(request.url).then(
        (saved) =>
          saved ||
          fetch(request).then((response) => {
            if (response.ok || response.type === "opaque") {
              const copy = response.clone();
              keepTile(seen, request.url, copy, config);
            }
            return response;
          }, blankTile)
      );
    })
  );
}

// A tile neither kept nor reachable (no data, the tile server down): a plain square
// in the map's land colour, not a broken image and a console error per tile. It is
// not kept, so the real tile is fetched again the next time it is shown.
function blankTile() {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">' +
    '<rect width="256" height="256" fill="#f2efe9"/></svg>';
  return new Response(svg, { headers: { "Content-Type": "image/svg+xml" } });
}

function touch(url) {
  if (tileIndex && tileIndex.has(url)) {
    const bytes = tileIndex.get(url);
    tileIndex.delete(url);
    tileIndex.set(url, bytes);
  }
}

function loadTileIndex(cache, config) {
  if (tileIndex) return Promise.resolve(tileIndex);
  return cache.keys().then((requests) =>
    Promise.all(
      requests.map((r) =>
        cache.match(r).then((hit) => [r.url, Number(hit && hit.headers.get("X-Tile-Bytes")) || config.tile_average_bytes])
      )
    ).then((entries) => {
      tileIndex = new Map(entries);
      return tileIndex;
    })
  );
}

function tileBytes(index) {
  let total = 0;
  index.forEach((bytes) => {
    total += bytes;
  });
  return total;
}

function keepTile(cache, url, response, config) {
  // An opaque response hides its size; count it at the configured average.
  const sized =
    response.type === "opaque"
      ? Promise.resolve([response, config.tile_average_bytes])
      : response.blob().then((blob) => {
          const headers = new Headers(response.headers);
          headers.set("X-Tile-Bytes", String(blob.size));
          return [new Response(blob, { status: response.status, headers: headers }), blob.size];
        });
  return sized
    .then(([stored, bytes]) =>
      loadTileIndex(cache, config).then((index) =>
        cache.put(url, stored).then(() => {
          index.delete(url);
          index.set(url, bytes);
          return trimTiles(cache, index, config.tile_max_bytes);
        })
      )
    )
    .catch(() => undefined);
}

function trimTiles(cache, index, maxBytes) {
  let total = tileBytes(index);
  const drop = [];
  for (const [url, bytes] of index) {
    if (total <= maxBytes) break;
    drop.push(url);
    total -= bytes;
  }
  drop.forEach((url) => index.delete(url));
  return Promise.all(drop.map((url) => cache.delete(url)));
}

// Tiles a page showed before this worker controlled it: keep them as if seen through it.
function keepSeenTiles(urls) {
  return loadConfig().then((config) => {
    const pattern = new RegExp(config.tile_pattern);
    return caches.open(TILES).then((cache) =>
      Promise.all(
        urls
          .filter((url) => pattern.test(url))
          .map((url) =>
            cache.match(url).then(
              (hit) =>
                hit ||
                fetch(url, { mode: "cors", credentials: "omit" }).then(
                  (response) => response.ok && keepTile(cache, url, response, config),
                  () => undefined
                )
            )
          )
      ).then(() => ({ kept: urls.length }))
    );
  });
}

// "Make the tour area available offline": only offered when the operator's tile
// server allows bulk downloads (TILES_ALLOW_BULK); never for openstreetmap.org.
function saveArea(urls, client) {
  return caches.open(AREA).then((cache) => {
    let done = 0;
    let failed = 0;
    let bytes = 0;
    const queue = urls.slice();
    function next() {
      const url = queue.shift();
      if (!url) return Promise.resolve();
      return cache
        .match(url)
        .then((hit) => {
          if (hit) return hit.blob().then((b) => (bytes += b.size));
          return fetch(url, { mode: "cors", credentials: "omit" }).then((response) => {
            if (!response.ok) throw new Error(String(response.status));
            return response.blob().then((blob) => {
              bytes += blob.size;
              return cache.put(url, new Response(blob, { headers: response.headers }));
            });
          });
        })
        .catch(() => {
          failed += 1;
        })
        .then(() => {
          done += 1;
          if (client && done % 10 === 0) {
            client.postMessage({ type: "area-progress", done: done, total: urls.length });
          }
          return next();
        });
    }
    // Two at a time: polite to the tile server, and quick enough.
    return Promise.all([next(), next()]).then(() => ({
      saved: urls.length - failed,
      failed: failed,
      bytes: bytes,
    }));
  });
}

// ---- status for the page's "ready offline" mark ----
function status() {
  return loadConfig().then((config) =>
    Promise.all([
      Promise.all(config.groups.map((group) => caches.open(group.cache))),
      caches.open(TILES),
      caches.open(AREA),
    ]).then(([groups, seen, area]) =>
        Promise.all([
          Promise.all(config.precache.map((url) => caches.match(url, { ignoreVary: true }))),
          loadTileIndex(seen, config),
          area.keys(),
          Promise.all(groups.map(sizeOf)).then((sizes) => sizes.reduce((a, b) => a + b, 0)),
        ]).then(([hits, index, areaKeys, precacheBytes]) => ({
          version: VERSION,
          caches: config.groups.map((group) => group.cache),
          ready: hits.every(Boolean),
          missing: config.precache.filter((url, i) => !hits[i]),
          tiles: index.size,
          tile_bytes: tileBytes(index),
          tile_max_bytes: config.tile_max_bytes,
          area_tiles: areaKeys.length,
          precache_bytes: precacheBytes,
        }))
    )
  );
}

function sizeOf(cache) {
  return cache
    .keys()
    .then((requests) =>
      Promise.all(requests.map((r) => cache.match(r).then((hit) => (hit ? hit.blob() : null))))
    )
    .then((blobs) => blobs.reduce((sum, blob) => sum + (blob ? blob.size : 0), 0));
}

// ---- "Save this walk for offline": a tour's photos and recordings ----
// Their names hold a hash of their bytes, so a saved file never goes stale and the
// cache outlives deploys; each tour has its own, so saving one keeps the others.
function validTour(tour) {
  return typeof tour === "string" && /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(tour);
}

function tourOfMedia(url) {
  return url.pathname.split("/")[2] || "";
}

function savePack(tour, urls, client) {
  const wanted = urls.filter((u) => typeof u === "string" && u.startsWith("/media/" + tour + "/"));
  return caches.open(MEDIA + tour).then((cache) => {
    let done = 0;
    const queue = wanted.slice();
    function next() {
      const url = queue.shift();
      if (!url) return Promise.resolve();
      return cache
        .match(url)
        .then(
          (hit) =>
            hit ||
            fetch(url, { credentials: "same-origin" }).then((response) => {
              if (!response.ok) throw new Error(String(response.status));
              return cache.put(url, response);
            })
        )
        .catch(() => undefined)
        .then(() => {
          done += 1;
          if (client) client.postMessage({ type: "pack-progress", tour: tour, done: done, total: wanted.length });
          return next();
        });
    }
    return Promise.all([next(), next()])
      .then(() => cache.keys())
      .then((requests) =>
        // Exactly what was asked for: files of photos since deleted, or of the
        // other language's recordings, are let go.
        Promise.all(
          requests
            .filter((r) => !wanted.includes(new URL(r.url).pathname))
            .map((r) => cache.delete(r))
        )
      )
      .then(() => caches.open(META))
      .then((meta) =>
        meta.put(
          PACK_KEY + tour,
          new Response(JSON.stringify(wanted), { headers: { "Content-Type": "application/json" } })
        )
      )
      .then(() => packStatus(tour));
  });
}

// The tour's pages as they are now (a guide may have added photos since the
// worker installed), in the language the walk is saved in, into that tour's cache.
function refreshPages(tour, lang) {
  return loadConfig().then((config) => {
    if (!config.languages.includes(lang)) return undefined;
    const home = "/tours/" + tour + "/";
    return Promise.all(
      config.pages
        .filter((page) => page.startsWith(home))
        .map((page) => {
          const key = page + "?lang=" + lang;
          const group = groupFor(new URL(key, self.location.origin), config);
          if (!group.precache.includes(key)) return undefined; // not one of this tour's languages
          return fetch(new Request(key, { credentials: "omit", cache: "reload" })).then(
            (response) => (response.ok ? caches.open(group.cache).then((cache) => cache.put(key, response)) : undefined),
            () => undefined
          );
        })
    );
  });
}

function packStatus(tour) {
  return Promise.all([caches.open(META), caches.open(MEDIA + tour), status()]).then(([meta, cache, base]) =>
    meta.match(PACK_KEY + tour).then((saved) => {
      if (!saved) return { saved: false, complete: false, missing: [], bytes: 0 };
      return saved.json().then((urls) =>
        Promise.all(urls.map((url) => cache.match(url))).then((hits) =>
          Promise.all(hits.map((hit) => (hit ? hit.blob() : null))).then((blobs) => {
            const missing = urls.filter((url, i) => !hits[i]);
            return {
              saved: true,
              complete: missing.length === 0 && base.ready,
              pages_ready: base.ready,
              missing: missing,
              count: urls.length,
              bytes: blobs.reduce((sum, blob) => sum + (blob ? blob.size : 0), 0),
            };
          })
        )
      );
    })
  );
}

// The saved copy first; another width of the same photo when this one was not
// saved (the page may ask for a width other than the one kept); else the network.
function mediaFile(request, url) {
  return caches.open(MEDIA + tourOfMedia(url)).then((cache) =>
    cache.match(url.pathname).then((hit) => {
      if (hit) return request.headers.has("range") ? partial(request, hit) : hit;
      if (!/\.(avif|webp|jpg)$/.test(url.pathname)) return fetch(request);
      return fetch(request).catch((error) =>
        sibling(cache, url).then((other) => {
          if (!other) throw error;
          return other;
        })
      );
    })
  );
}

function sibling(cache, url) {
  const name = url.pathname.split("/").pop();
  const photo = name.split("-")[0];
  const folder = url.pathname.slice(0, url.pathname.length - name.length);
  return cache.keys().then((requests) => {
    const same = requests.find((r) => {
      const path = new URL(r.url).pathname;
      return path.startsWith(folder + photo + "-");
    });
    return same ? cache.match(same) : null;
  });
}

// A saved recording answers a Range request (players seek) from the whole file.
function partial(request, response) {
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("range") || "");
  return response.blob().then((blob) => {
    if (!range) return new Response(blob, { status: 200, headers: response.headers });
    let start = range[1] === "" ? null : Number(range[1]);
    let end = range[2] === "" ? null : Number(range[2]);
    if (start === null) {
      start = Math.max(0, blob.size - (end || 0));
      end = blob.size - 1;
    } else if (end === null || end >= blob.size) {
      end = blob.size - 1;
    }
    if (start >= blob.size || start > end) {
      return new Response(null, { status: 416, headers: { "Content-Range": "bytes */" + blob.size } });
    }
    const headers = new Headers(response.headers);
    headers.set("Content-Range", "bytes " + start + "-" + end + "/" + blob.size);
    headers.set("Content-Length", String(end - start + 1));
    return new Response(blob.slice(start, end + 1), { status: 206, headers: headers });
  });
}
