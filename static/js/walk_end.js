// The end of the walk: the summary as this phone measured it, share, a guided
// date, a one-tap rating per stop and for the walk, and (counts only) how far
// the walker got. Listens to walk.js's "walk:arrived" and "walk:finished";
// never reads or sends a position.
(function () {
  "use strict";

  const root = document.getElementById("walk-end");
  if (!root) return;
  const data = JSON.parse(document.getElementById("walk-end-data").textContent);
  const t = JSON.parse(document.getElementById("walk-end-i18n").textContent);
  const tour = root.dataset.tour;
  const lang = document.documentElement.lang || "";
  const keys = {
    walk: "walk:" + tour, // walk.js's own progress, read only
    token: "walk-rating:" + tour,
    rated: "walk-rated:" + tour,
    reach: "walk-reach:" + tour,
    end: "walk-end:" + tour,
    pending: "walk-rating-pending:" + tour,
  };
  const indexOf = {};
  data.stops.forEach((id, i) => {
    indexOf[id] = i;
  });
  const numbered = data.stops.filter((id, i) => data.kinds[i] !== "meeting");
  const visited = new Set();

  function load(key) {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function store(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* private mode or full: kept for this visit only */
    }
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (match, name) => (name in values ? String(values[name]) : match));
  }

  function number(value, digits) {
    try {
      return value.toLocaleString(lang || undefined, { maximumFractionDigits: digits });
    } catch (error) {
      return String(value);
    }
  }

  // --- the phone's random key: one per tour, so that a new tap replaces the old rating
  let memoryToken = null;
  function token() {
    const saved = load(keys.token);
    if (typeof saved === "string" && /^[0-9a-f]{32}$/.test(saved)) return saved;
    if (memoryToken) return memoryToken;
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    memoryToken = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    store(keys.token, memoryToken);
    return memoryToken;
  }

  // --- what was visited: walk.js's saved progress and its arrival events
  function walkState() {
    const state = load(keys.walk);
    return state && typeof state === "object" ? state : null;
  }

  function remember(ids) {
    (ids || []).forEach((id) => {
      if (id in indexOf) visited.add(id);
    });
  }

  function furthest() {
    let best = -1;
    visited.forEach((id) => {
      best = Math.max(best, indexOf[id]);
    });
    return best;
  }

  function factsFromState(state) {
    const facts = { stops_visited: Array.from(visited), distance_m: null, duration_s: null };
    if (!state) return facts;
    if (typeof state.walkedM === "number") facts.distance_m = state.walkedM;
    const times = Object.values(state.visited || {}).filter((v) => typeof v === "number");
    if (typeof state.startedAt === "number" && times.length) {
      facts.duration_s = Math.max(0, (Math.max.apply(null, times) - state.startedAt) / 1000);
    }
    return facts;
  }

  // --- the summary
  function distanceText(m) {
    if (typeof m !== "number" || !isFinite(m)) return "–";
    if (m < 1000) return fill(t.distance_m, { n: number(Math.round(m / 10) * 10, 0) });
    return fill(t.distance_km, { n: number(Math.round(m / 100) / 10, 1) });
  }

  function durationText(s) {
    if (typeof s !== "number" || !isFinite(s)) return "–";
    const min = Math.round(s / 60);
    if (min < 60) return fill(t.minutes, { n: number(min, 0) });
    const h = Math.floor(min / 60);
    const m = min % 60;
    return m ? fill(t.hours, { h: h, m: m }) : fill(t.hours_only, { h: h });
  }

  function show(facts, focus) {
    remember(facts.stops_visited);
    const seen = numbered.filter((id) => visited.has(id));
    document.getElementById("walk-end-distance").textContent = distanceText(facts.distance_m);
    document.getElementById("walk-end-time").textContent = durationText(facts.duration_s);
    document.getElementById("walk-end-stops").textContent = fill(t.stops, {
      done: seen.length,
      total: numbered.length,
    });
    // Rate the stops this walker saw; all of them if the phone saw none.
    root.querySelectorAll("form.rate[data-stop]").forEach((form) => {
      const stop = form.dataset.stop;
      form.hidden = Boolean(stop) && seen.length > 0 && !visited.has(stop);
    });
    store(keys.end, { stops_visited: Array.from(visited), distance_m: facts.distance_m, duration_s: facts.duration_s });
    root.hidden = false;
    root.dataset.state = "shown";
    if (focus) {
      root.focus({ preventScroll: true });
      root.scrollIntoView({ block: "start" });
    }
    report();
  }

  function hide() {
    root.hidden = true;
    root.dataset.state = "hidden";
    try {
      localStorage.removeItem(keys.end);
    } catch (error) {
      /* nothing kept */
    }
  }

  // --- ratings: one tap sends; the comment goes with the score
  function ratedAll() {
    const rated = load(keys.rated);
    return rated && typeof rated === "object" ? rated : {};
  }

  function pendingAll() {
    const pending = load(keys.pending);
    return pending && typeof pending === "object" ? pending : {};
  }

  function post(body) {
    const url = root.dataset.rateUrl + (lang ? "?lang=" + encodeURIComponent(lang) : "");
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    }).then((response) =>
      response.json().then(
        (answer) => ({ response: response, answer: answer }),
        () => ({ response: response, answer: null })
      )
    );
  }

  function settle(form, key, body, result) {
    const status = form.querySelector(".rate-status");
    const pending = pendingAll();
    delete pending[key];
    store(keys.pending, pending);
    if (result.response.ok && result.answer && result.answer.ok) {
      form.dataset.state = result.answer.replaced ? "replaced" : "saved";
      status.textContent = result.answer.replaced ? t.replaced : t.saved;
      const rated = ratedAll();
      rated[key] = { score: body.score, comment: body.comment || "" };
      store(keys.rated, rated);
    } else {
      form.dataset.state = "refused";
      status.textContent = (result.answer && result.answer.error) || t.failed;
    }
  }

  function send(form) {
    const status = form.querySelector(".rate-status");
    const checked = form.querySelector("input[name=score]:checked");
    if (!checked) {
      status.textContent = t.need_score;
      return;
    }
    const key = form.dataset.stop || "walk";
    const comment = form.querySelector("textarea").value.trim();
    const body = { token: token(), stop: form.dataset.stop || null, score: Number(checked.value) };
    if (comment) body.comment = comment;
    form.dataset.state = "sending";
    status.textContent = t.sending;
    post(body).then(
      (result) => settle(form, key, body, result),
      () => {
        // No connection (walks end where the signal is poor): kept on the phone
        // and sent when it is back.
        const pending = pendingAll();
        pending[key] = body;
        store(keys.pending, pending);
        form.dataset.state = "pending";
        status.textContent = t.pending;
      }
    );
  }

  function flush() {
    const pending = pendingAll();
    Object.keys(pending).forEach((key) => {
      const form = document.getElementById("rate-" + key);
      const body = pending[key];
      if (!form || !body || typeof body !== "object") return;
      post(body).then((result) => settle(form, key, body, result), () => {});
    });
  }

  window.addEventListener("online", flush);

  const rated = ratedAll();
  root.querySelectorAll("form.rate").forEach((form) => {
    const before = rated[form.dataset.stop || "walk"];
    if (before && typeof before === "object") {
      const radio = form.querySelector('input[name=score][value="' + Number(before.score) + '"]');
      if (radio) radio.checked = true;
      if (typeof before.comment === "string") form.querySelector("textarea").value = before.comment;
    }
    form.addEventListener("change", (event) => {
      if (event.target.name === "score") send(form);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(form);
    });
  });

  // --- how far the walker got: the furthest stop's index, only when it changed
  function report() {
    const last = furthest();
    if (last < 0 || !navigator.sendBeacon) return;
    const sent = load(keys.reach);
    const previous = typeof sent === "number" && sent >= 0 && sent < data.stops.length ? sent : null;
    if (previous === last) return;
    let queued = false;
    try {
      queued = navigator.sendBeacon(root.dataset.reachUrl, JSON.stringify({ last: last, previous: previous }));
    } catch (error) {
      queued = false;
    }
    if (queued) store(keys.reach, last);
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") report();
  });
  window.addEventListener("pagehide", report);

  // --- events from walk.js
  let arrivedAtEnd = false; // the walk:finished that follows keeps the story in view
  document.addEventListener("walk:arrived", (event) => {
    const stop = event.detail && event.detail.stop;
    remember([stop]);
    if (stop in indexOf && data.kinds[indexOf[stop]] === "end") {
      // walk.js saved its progress before telling; a walk:finished may follow with its
      // own facts. The last stop's story comes first: the summary follows it, unfocused.
      show(factsFromState(walkState()), false);
      arrivedAtEnd = true;
    }
  });
  document.addEventListener("walk:finished", (event) => {
    const detail = (event.detail && typeof event.detail === "object" && event.detail) || {};
    const fromState = factsFromState(walkState());
    show(
      {
        stops_visited: Array.isArray(detail.stops_visited) ? detail.stops_visited : fromState.stops_visited,
        distance_m: typeof detail.distance_m === "number" ? detail.distance_m : fromState.distance_m,
        duration_s: typeof detail.duration_s === "number" ? detail.duration_s : fromState.duration_s,
      },
      !arrivedAtEnd
    );
    arrivedAtEnd = false;
  });
  document.addEventListener("walk:reset", hide);

  // --- on load: a finished walk shows its summary again
  const state = walkState();
  if (state) remember(Object.keys(state.visited || {}));
  const ended = load(keys.end);
  if (state && state.started && state.target === null) {
    show(factsFromState(state), false);
  } else if (state && state.v === 1) {
    // walk.js's progress says the walk is not over (started again): no old summary.
    hide();
  } else if (ended && typeof ended === "object") {
    show(ended, false);
  }
  if (navigator.onLine !== false) flush();
})();
