// Walk mode: follows the walker (position stays on the phone), tells the next stop,
// brings up each story on arrival, and keeps the time plan. Works without GPS too.
(function () {
  "use strict";

  const GOOD_ACCURACY_M = 50; // a worse fix is drawn but never triggers anything
  const LEAVE_MARGIN_M = 20; // hysteresis: leave a stop's zone only at radius + 20 m
  const ON_LEG_M = 60; // nearer than this to the leg: measure along it
  const MIN_STEP_M = 10; // smaller moves are GPS jitter, not walking
  const BEHIND_HINT_MIN = 5;

  const data = JSON.parse(document.getElementById("walk-data").textContent);
  const t = JSON.parse(document.getElementById("walk-i18n").textContent);
  const stops = data.stops;
  const legs = data.legs;
  const speedMps = (data.tour.walking_speed_kmh * 1000) / 3600;
  const storageKey = "walk:" + data.tour.id;
  const numbered = stops.filter((stop) => stop.kind !== "meeting");
  const byId = {};
  stops.forEach((stop, index) => {
    byId[stop.id] = Object.assign({ index: index }, stop);
  });

  // ---------------------------------------------------------------- geometry
  const R = 6371008.8;
  const rad = (deg) => (deg * Math.PI) / 180;

  function distanceM(lat1, lon1, lat2, lon2) {
    const dLat = rad(lat2 - lat1);
    const dLon = rad(lon2 - lon1);
    const h =
      Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function bearingDeg(lat1, lon1, lat2, lon2) {
    const y = Math.sin(rad(lon2 - lon1)) * Math.cos(rad(lat2));
    const x =
      Math.cos(rad(lat1)) * Math.sin(rad(lat2)) -
      Math.sin(rad(lat1)) * Math.cos(rad(lat2)) * Math.cos(rad(lon2 - lon1));
    return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
  }

  // Nearest point of a polyline, in a local flat projection (fine over a few km).
  function alongLeg(lat, lon, coords) {
    const kx = Math.cos(rad(lat)) * 111320;
    const ky = 110574;
    let best = null;
    for (let i = 0; i + 1 < coords.length; i++) {
      const ax = (coords[i][1] - lon) * kx;
      const ay = (coords[i][0] - lat) * ky;
      const bx = (coords[i + 1][1] - lon) * kx;
      const by = (coords[i + 1][0] - lat) * ky;
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const f = len2 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
      const px = ax + f * dx;
      const py = ay + f * dy;
      const off = Math.hypot(px, py);
      if (!best || off < best.off) {
        best = { off: off, segment: i, rest: Math.sqrt(len2) * (1 - f) };
      }
    }
    if (!best) return null;
    let remaining = best.rest;
    for (let i = best.segment + 1; i + 1 < coords.length; i++) {
      remaining += distanceM(coords[i][0], coords[i][1], coords[i + 1][0], coords[i + 1][1]);
    }
    return { offM: best.off, remainingM: remaining };
  }

  // ---------------------------------------------------------------- words
  function fill(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, (_, key) =>
      values && key in values ? values[key] : ""
    );
  }

  const number = window.pageNumberFormat();

  function distanceText(m) {
    return window.pageDistanceText(m, { metres: t.distance_m, kilometres: t.distance_km });
  }

  function minutesText(min) {
    const total = Math.max(1, Math.round(min));
    if (total < 60) return fill(t.minutes, { n: total });
    if (total % 60 === 0) return fill(t.hours_only, { h: total / 60 });
    return fill(t.hours, { h: Math.floor(total / 60), m: total % 60 });
  }

  function compassWord(deg) {
    const names = ["n", "ne", "e", "se", "s", "sw", "w", "nw"];
    return t["dir_" + names[Math.round(deg / 45) % 8]];
  }

  // ---------------------------------------------------------------- state
  function freshState() {
    return {
      v: 1,
      started: false,
      finishedAt: null,
      active: false,
      startedAt: null,
      visited: {},
      inside: {},
      at: null,
      story: null,
      target: stops[0].id,
      walkedM: 0,
      last: null,
    };
  }

  function loadState() {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey));
      if (saved && saved.v === 1 && (saved.target === null || byId[saved.target])) {
        return Object.assign(freshState(), saved);
      }
    } catch (error) {
      /* unreadable: start afresh */
    }
    return freshState();
  }

  let state = loadState();
  let fix = null; // the latest position {lat, lon, acc, good}: memory only, never sent
  let heading = null; // compass heading from the device, when it gives one
  let watchId = null;
  let headingFromCourse = false; // a heading from the direction of travel, not a compass
  let fixCount = 0; // how many positions this page has handled (tests wait on it)

  function save() {
    try {
      localStorage.setItem(storageKey, JSON.stringify(state));
    } catch (error) {
      /* private mode or full: the walk still works for this visit */
    }
  }

  // ---------------------------------------------------------------- plan
  const legSeconds = legs.map((leg) => leg.length_m / speedMps);
  const planArrivalMin = [];
  stops.forEach((stop, i) => {
    planArrivalMin[i] = i === 0 ? 0 : planArrivalMin[i - 1] + stops[i - 1].dwell_min + legSeconds[i - 1] / 60;
  });
  const planTotalMin = planArrivalMin[stops.length - 1] + stops[stops.length - 1].dwell_min;

  function legsLengthM(fromIndex, toIndex) {
    let sum = 0;
    for (let i = fromIndex; i < toIndex; i++) sum += legs[i].length_m;
    return sum;
  }

  function lastVisitedIndexBefore(index) {
    for (let i = index - 1; i >= 0; i--) if (state.visited[stops[i].id]) return i;
    return -1;
  }

  // Metres from here (or from the last stop, without a position) to the target.
  function toTargetM() {
    const target = byId[state.target];
    if (!target) return 0;
    if (fix) {
      const leg = legs[target.index - 1];
      const along = leg && alongLeg(fix.lat, fix.lon, leg.coords);
      if (along && along.offM <= ON_LEG_M) return along.remainingM;
      return distanceM(fix.lat, fix.lon, target.lat, target.lon);
    }
    const from = lastVisitedIndexBefore(target.index);
    return from < 0 ? 0 : legsLengthM(from, target.index);
  }

  function remainingStops() {
    const target = byId[state.target];
    if (!target) return [];
    return stops.filter((stop, i) => i >= target.index && !state.visited[stop.id]);
  }

  function coach(now) {
    if (!state.startedAt) return null;
    const elapsedMin = (now - state.startedAt) / 60000;
    const target = byId[state.target];
    if (!target) return { elapsedMin: elapsedMin, deltaMin: elapsedMin - planTotalMin, finished: true };
    let dwellLeft = 0;
    if (state.at && state.visited[state.at]) {
      const here = byId[state.at];
      dwellLeft = Math.max(0, here.dwell_min - (now - state.visited[state.at]) / 60000);
    }
    const walkM = toTargetM() + legsLengthM(target.index, legs.length);
    const dwellAhead = remainingStops().reduce((sum, stop) => sum + stop.dwell_min, 0);
    const projectedMin = elapsedMin + dwellLeft + walkM / speedMps / 60 + dwellAhead;
    return { elapsedMin: elapsedMin, projectedMin: projectedMin, deltaMin: projectedMin - planTotalMin };
  }

  // Which stop to leave out to catch up: the one that saves the most time.
  function skipSuggestion(deltaMin) {
    const target = byId[state.target];
    let best = null;
    stops.forEach((stop, i) => {
      if (!target || i < target.index || state.visited[stop.id] || stop.kind !== "stop") return;
      const prev = stops[i - 1];
      const next = stops[i + 1];
      const detourM = legs[i - 1].length_m + legs[i].length_m - distanceM(prev.lat, prev.lon, next.lat, next.lon);
      const saves = stop.dwell_min + Math.max(0, detourM) / speedMps / 60;
      if (!best || (best.saves < deltaMin && saves > best.saves)) best = { stop: stop, saves: saves };
    });
    return best;
  }

  // ---------------------------------------------------------------- map
  const map = { ready: false };
  const LEG_STYLE = { color: "#b3261e", weight: 5, opacity: 0.85 };
  const TARGET_LEG_STYLE = { color: "#0b57d0", weight: 9, opacity: 1 };

  function initMap() {
    const registry = window.tourMap;
    if (!registry || map.ready) return;
    map.ready = true;
    map.leaflet = registry.map;
    map.markers = registry.markers;
    map.legs = registry.legs;
    map.legs.forEach((line, i) => {
      const element = line.getElement && line.getElement();
      if (element) element.setAttribute("data-leg", String(i));
    });
    map.follow = true;
    panel.dataset.follow = "true";
    // The walker's own pan or zoom stops the following; the map never jumps back
    // by itself ("Re-centre" brings it back). Our own moves are marked as such.
    const letGo = () => {
      if (map.moving) return;
      setFollow(false);
    };
    map.leaflet.on("dragstart", letGo);
    map.leaflet.on("zoomstart", letGo);
    // The map opened on the leg ahead (window.tourMapView) unless the page's own
    // fit to the whole tour ran; that may still be animating: let it end first,
    // or its end would undo this view.
    if (map.viewSet) map.viewSet = false;
    else if (map.leaflet._animatingZoom) map.leaflet.once("zoomend", () => moveMap(showLeg));
    else moveMap(showLeg);
    // Only what the map changes: the rest of the screen is drawn already.
    renderButtons();
    drawRoute();
    drawPosition();
  }

  function moveMap(move) {
    map.moving = true;
    try {
      move();
    } finally {
      map.moving = false;
    }
  }

  function setFollow(on) {
    if (!map.ready) return;
    map.follow = on;
    panel.dataset.follow = on ? "true" : "false";
    el("walk-recenter").hidden = on;
    if (on) {
      moveMap(() => {
        if (fix) drawPosition();
        else showLeg();
      });
    }
  }

  // What of the map the collapsed sheet leaves in view: the fits keep clear of it.
  function sheetPadding() {
    const peek = el("walk-panel").querySelector(".walk-peek");
    const bottom = (peek ? peek.offsetHeight : 0) + 44 + 24;
    return { paddingTopLeft: [40, 56], paddingBottomRight: [40, bottom] };
  }

  function drawPosition() {
    if (!map.ready || !fix || !window.L) return;
    const L = window.L;
    const latlng = [fix.lat, fix.lon];
    const style = fix.good
      ? { color: "#0b57d0", fillColor: "#0b57d0", fillOpacity: 0.12, weight: 2, dashArray: null }
      : { color: "#555", fillColor: "#777", fillOpacity: 0.1, weight: 2, dashArray: "6 6" };
    if (!map.accuracy) {
      map.accuracy = L.circle(latlng, Object.assign({ radius: fix.acc, interactive: false, className: "walk-accuracy" }, style)).addTo(map.leaflet);
      map.me = L.circleMarker(latlng, {
        radius: 9,
        color: "#fff",
        weight: 3,
        fillColor: "#0b57d0",
        fillOpacity: 1,
        interactive: false,
        className: "walk-me",
      }).addTo(map.leaflet);
    } else {
      map.accuracy.setLatLng(latlng).setRadius(fix.acc).setStyle(style);
      map.me.setLatLng(latlng);
    }
    map.me.setStyle({ fillColor: fix.good ? "#0b57d0" : "#777" });
    const target = byId[state.target];
    if (map.follow && target) {
      moveMap(() =>
        map.leaflet.fitBounds([latlng, [target.lat, target.lon]], Object.assign({ maxZoom: 17, animate: false }, sheetPadding()))
      );
    }
  }

  // Before any position: the leg to the target, close enough to tell the stops apart.
  function showLeg(leaflet) {
    const target = byId[state.target] || stops[stops.length - 1];
    const other = stops[target.index - 1] || stops[target.index + 1];
    (leaflet || map.leaflet).fitBounds(
      [
        [target.lat, target.lon],
        [other.lat, other.lon],
      ],
      Object.assign({ maxZoom: 16, animate: false }, sheetPadding())
    );
  }

  // The map's first view is the leg ahead (geo/mapping.py FirstView), so its tiles
  // are fetched once, not for the whole tour and then again for the leg.
  window.tourMapView = (leaflet) => {
    showLeg(leaflet);
    map.viewSet = true;
    return true;
  };

  function drawRoute() {
    if (!map.ready) return;
    const target = byId[state.target];
    map.legs.forEach((line, i) => {
      const active = target && i === target.index - 1;
      line.setStyle(active ? TARGET_LEG_STYLE : LEG_STYLE);
      const element = line.getElement && line.getElement();
      if (element) element.classList.toggle("is-target-leg", Boolean(active));
      if (active) line.bringToFront();
    });
    Object.keys(map.markers).forEach((id) => {
      const element = map.markers[id].getElement();
      if (!element) return;
      element.classList.toggle("is-visited", Boolean(state.visited[id]));
      element.classList.toggle("is-target", id === state.target);
    });
  }

  // ---------------------------------------------------------------- screen
  const el = (id) => document.getElementById(id);
  const panel = el("walk-panel");
  const announcer = el("walk-announcer");

  function announce(text) {
    // Clear first, so that the same sentence twice is still read out.
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 50);
  }

  // ---------------------------------------------------------------- sheet
  // Collapsed it shows the next stop; open, the story and the rest. A button (the
  // handle: tap, Enter or Space) or a drag on the handle moves it. Closed, its body
  // is inert, so that the keyboard does not wander into what cannot be seen.
  const sheet = { open: false, node: panel, body: el("walk-sheet-body"), handle: el("walk-sheet-toggle") };

  function setSheet(open) {
    sheet.open = open;
    sheet.node.dataset.open = open ? "true" : "false";
    sheet.handle.setAttribute("aria-expanded", open ? "true" : "false");
    sheet.handle.querySelector(".sheet-handle-label").textContent = open
      ? sheet.handle.dataset.labelClose
      : sheet.handle.dataset.labelOpen;
    sheet.body.inert = !open;
    el("walk-story-link").hidden = !state.story || open;
  }

  // Open at a stop's story: its title at the top of the sheet.
  function showStory() {
    setSheet(true);
    const item = state.story && document.querySelector('.walk-story-item[data-stop="' + state.story + '"]');
    if (item) sheet.body.scrollTop = Math.max(0, item.offsetTop - sheet.body.offsetTop - 8);
    else sheet.body.scrollTop = 0;
  }

  function initSheet() {
    let drag = null;
    sheet.handle.addEventListener("click", () => {
      if (sheet.dragged) {
        sheet.dragged = false;
        return;
      }
      if (sheet.open) setSheet(false);
      else showStory();
    });
    el("walk-story-link").addEventListener("click", () => {
      showStory();
      el("walk-sheet-toggle").focus();
    });
    sheet.handle.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      const range = sheet.node.offsetHeight - panel.querySelector(".walk-peek").offsetHeight - sheet.handle.offsetHeight;
      drag = { y: event.clientY, base: sheet.open ? 0 : range, range: range, moved: 0 };
      sheet.handle.setPointerCapture(event.pointerId);
    });
    sheet.handle.addEventListener("pointermove", (event) => {
      if (!drag) return;
      drag.moved = event.clientY - drag.y;
      if (Math.abs(drag.moved) < 6) return;
      sheet.node.classList.add("is-dragging");
      const y = Math.max(0, Math.min(drag.range, drag.base + drag.moved));
      sheet.node.style.transform = "translateY(" + y + "px)";
    });
    const end = () => {
      if (!drag) return;
      const moved = drag.moved;
      drag = null;
      sheet.node.classList.remove("is-dragging");
      sheet.node.style.transform = "";
      if (Math.abs(moved) < 6) return; // a tap: the click handler decides
      // The click that follows a drag is not a tap; should none come, forget it soon.
      sheet.dragged = true;
      window.setTimeout(() => {
        sheet.dragged = false;
      }, 400);
      if (moved < -40) showStory();
      else if (moved > 40) setSheet(false);
      else setSheet(sheet.open);
    };
    sheet.handle.addEventListener("pointerup", end);
    sheet.handle.addEventListener("pointercancel", end);
    sheet.handle.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && sheet.open) setSheet(false);
    });
    sheet.body.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        setSheet(false);
        sheet.handle.focus();
      }
    });
    el("walk-recenter").addEventListener("click", () => setFollow(true));
    // The end-of-walk summary (walk_end.js) is in the sheet: the end opens it.
    document.addEventListener("walk:finished", () => {
      if (!sheet.open) setSheet(true);
    });
    setSheet(false);
  }

  // ---------------------------------------------------------------- arrival signals
  // A phone in a pocket must say "you are here": it vibrates, a short chime plays
  // (one switch turns it off), and with "read stories aloud" on, the story starts.
  const CHIME_KEY = "walk:chime";
  const READ_KEY = "walk:read-aloud";
  const chime = el("walk-chime");
  const prefs = { chime: true, readAloud: false };

  function loadPrefs() {
    try {
      prefs.chime = localStorage.getItem(CHIME_KEY) !== "off";
      prefs.readAloud = localStorage.getItem(READ_KEY) === "on";
    } catch (error) {
      /* no storage: the defaults */
    }
  }

  function savePref(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch (error) {
      /* private mode: for this visit only */
    }
  }

  function renderPrefs() {
    el("walk-chime-toggle").setAttribute("aria-pressed", prefs.chime ? "true" : "false");
    el("walk-read-aloud").setAttribute("aria-pressed", prefs.readAloud ? "true" : "false");
  }

  // Browsers let a page play sound only after a tap; some (iOS) only an element
  // that a tap has played once. So a tap plays the chime silently, once.
  let chimeUnlocked = false;
  function unlockAudio(speech) {
    if (!chimeUnlocked && chime && chime.play) {
      chimeUnlocked = true;
      chime.muted = true;
      const played = chime.play();
      const reset = () => {
        chime.pause();
        chime.currentTime = 0;
        chime.muted = false;
      };
      if (played && played.then) played.then(reset, () => {
        chime.muted = false;
        chimeUnlocked = false;
      });
      else reset();
    }
    if (speech && window.speechSynthesis && window.SpeechSynthesisUtterance && !unlockAudio.spoken) {
      // An empty utterance from a tap lets later ones speak (iOS Safari).
      unlockAudio.spoken = true;
      try {
        window.speechSynthesis.speak(new SpeechSynthesisUtterance(""));
      } catch (error) {
        /* no voice: the Listen buttons say so */
      }
    }
  }

  function playChime() {
    if (!prefs.chime || !chime || !chime.play) return;
    chime.muted = false;
    chime.pause(); // from the start, even if the last arrival's chime still rings
    chime.currentTime = 0;
    const played = chime.play();
    if (played && played.catch) played.catch(() => {}); // blocked: the vibration and the sheet remain
  }

  function vibrate() {
    if (typeof navigator.vibrate === "function") {
      try {
        navigator.vibrate([180, 90, 180]);
      } catch (error) {
        /* not allowed here */
      }
    }
  }

  // The stop's recording in the page's language if there is one, else the phone's voice.
  function readAloud(stopId) {
    if (!prefs.readAloud) return;
    const item = document.querySelector('.walk-story-item[data-stop="' + stopId + '"]');
    if (!item) return;
    const recording = item.querySelector("[data-narration-audio]");
    if (recording) {
      const played = recording.play();
      if (played && played.catch) played.catch(() => {});
      return;
    }
    const box = item.querySelector("[data-listen]");
    if (box && window.tourListen && window.tourListen.play) {
      document.querySelectorAll("[data-narration-audio]").forEach((audio) => audio.pause());
      window.tourListen.play(box);
    }
  }

  function initPrefs() {
    loadPrefs();
    renderPrefs();
    el("walk-chime-toggle").addEventListener("click", () => {
      prefs.chime = !prefs.chime;
      savePref(CHIME_KEY, prefs.chime ? "on" : "off");
      renderPrefs();
      if (prefs.chime) unlockAudio();
    });
    el("walk-read-aloud").addEventListener("click", () => {
      prefs.readAloud = !prefs.readAloud;
      savePref(READ_KEY, prefs.readAloud ? "on" : "off");
      renderPrefs();
      if (prefs.readAloud) unlockAudio(true);
    });
  }

  function stopLabel(stop) {
    return stop.kind === "meeting" ? stop.name : stop.order + ". " + stop.name;
  }

  function render() {
    const target = byId[state.target];
    const here = state.at && byId[state.at];
    panel.dataset.state = !target ? "finished" : here ? "at-stop" : "heading";
    const heading_ = el("walk-target-heading");
    if (here && !target) heading_.textContent = fill(t.at_stop, { name: stopLabel(here) });
    else if (!target) heading_.textContent = t.finished_short;
    else if (here) heading_.textContent = fill(t.at_stop, { name: stopLabel(here) });
    else heading_.textContent = fill(t.next, { name: stopLabel(target) });
    heading_.dataset.target = target ? target.id : "";

    // Distance, direction and time to the target.
    const distance = el("walk-distance");
    const arrow = el("walk-arrow");
    if (target) {
      const metres = toTargetM();
      const parts = [];
      if (here) parts.push(fill(t.next, { name: stopLabel(target) }));
      if (metres > 0) {
        parts.push(distanceText(metres));
        parts.push(fill(t.eta, { time: minutesText(metres / speedMps / 60) }));
      }
      if (fix) {
        const bearing = bearingDeg(fix.lat, fix.lon, target.lat, target.lon);
        const word = compassWord(bearing);
        parts.push(word);
        arrow.hidden = false;
        const turn = heading === null ? bearing : bearing - heading;
        arrow.style.transform = "rotate(" + Math.round(turn) + "deg)";
        arrow.dataset.mode = heading === null ? "north-up" : "compass";
        arrow.setAttribute("aria-label", fill(t.arrow_label, { direction: word }));
      } else {
        arrow.hidden = true;
      }
      distance.textContent = parts.join(" · ");
    } else {
      distance.textContent = t.finished;
      arrow.hidden = true;
    }

    // Progress: numbered stops done (the meeting point is not one), metres walked and left.
    const done = numbered.filter((stop) => state.visited[stop.id]).length;
    const leftM = target ? toTargetM() + legsLengthM(target.index, legs.length) : 0;
    el("walk-progress").textContent =
      fill(t.progress_stops, { done: done, total: numbered.length }) +
      " · " +
      fill(t.progress_walked, { walked: distanceText(state.walkedM), left: distanceText(leftM) });
    el("walk-progress").dataset.done = String(done);
    el("walk-progress-bar").value = done;

    renderCoach();
    renderButtons();
    renderStory();
    renderList();
    renderMapLinks();
    drawRoute();
    drawPosition();
  }

  function renderCoach() {
    const node = el("walk-coach");
    const hint = el("walk-coach-hint");
    const status = coach(Date.now());
    hint.hidden = true;
    if (!status) {
      node.dataset.state = "idle";
      node.textContent = t.coach_not_started;
      return;
    }
    const plan = minutesText(planTotalMin);
    const delta = Math.round(status.deltaMin);
    if (status.finished) {
      node.dataset.state = "finished";
      node.textContent = fill(t.coach_finished, { time: minutesText(status.elapsedMin), plan: plan });
      return;
    }
    const slot = minutesText(data.tour.duration_min);
    let text;
    if (Math.abs(delta) < 3) {
      node.dataset.state = "on-time";
      text = fill(t.coach_on_time, { plan: plan });
    } else if (delta > 0) {
      node.dataset.state = "behind";
      text = fill(t.coach_behind, { n: delta, plan: plan });
    } else {
      node.dataset.state = "ahead";
      text = fill(t.coach_ahead, { n: -delta, plan: plan });
    }
    node.dataset.delta = String(delta);
    node.textContent = text + " " + fill(t.coach_end, { time: minutesText(status.projectedMin), slot: slot });
    if (delta >= BEHIND_HINT_MIN) {
      const skip = skipSuggestion(delta);
      hint.hidden = false;
      hint.textContent = skip
        ? fill(t.coach_hint_skip, { name: stopLabel(skip.stop), n: Math.round(skip.saves) })
        : t.coach_hint_short;
    }
  }

  function renderButtons() {
    const start = el("walk-start");
    const target = byId[state.target];
    start.hidden = watchId !== null;
    start.textContent = state.started ? start.dataset.labelResume : start.dataset.labelStart;
    el("walk-stop").hidden = watchId === null;
    el("walk-prev").disabled = target ? target.index === 0 : false;
    el("walk-next").disabled = !target || target.index === stops.length - 1;
    el("walk-here").disabled = !target;
    el("walk-recenter").hidden = !map.ready || map.follow;
  }

  function renderStory() {
    const section = el("walk-story");
    section.hidden = !state.story;
    el("walk-story-link").hidden = !state.story || sheet.open;
    section.querySelectorAll(".walk-story-item").forEach((item) => {
      item.hidden = item.dataset.stop !== state.story;
    });
  }

  function renderList() {
    document.querySelectorAll("[data-state-for]").forEach((node) => {
      const id = node.dataset.stateFor;
      const item = node.closest("li");
      item.classList.toggle("is-visited", Boolean(state.visited[id]));
      item.classList.toggle("is-target", id === state.target);
      const button = node.closest("button");
      if (id === state.target) button.setAttribute("aria-current", "step");
      else button.removeAttribute("aria-current");
      node.textContent = state.visited[id] ? "✓ " + t.visited : "";
    });
  }

  function renderMapLinks() {
    const target = byId[state.target];
    if (!target) return;
    target.maps.forEach((link) => {
      const anchor = document.querySelector('#walk-map-links [data-app="' + link.app + '"]');
      if (anchor) anchor.href = link.href;
    });
  }

  // ---------------------------------------------------------------- arrivals
  function nextTargetAfter(stop) {
    const after = stops.find((s, i) => i > stop.index && !state.visited[s.id]);
    if (after) return after.id;
    const before = stops.find((s) => !state.visited[s.id]);
    return before ? before.id : null;
  }

  function arrive(stop, how) {
    // The plan's clock starts at the first stop reached, normally the meeting point.
    if (!state.startedAt) state.startedAt = Date.now();
    const wasFinished = !byId[state.target];
    state.started = true;
    state.visited[stop.id] = Date.now();
    state.story = stop.id;
    // The end is the end, even when some stops were skipped on the way.
    state.target = stop.kind === "end" ? null : nextTargetAfter(byId[stop.id]);
    save();
    render();
    let text =
      stop.kind === "meeting"
        ? fill(t.arrived_meeting, { name: stop.name })
        : fill(t.arrived, { n: stop.order, name: stop.name });
    const target = byId[state.target];
    if (target) text += " " + fill(t.target_manual, { n: target.order, name: target.name });
    else text += " " + t.finished;
    announce(text);
    showStory();
    if (how === "gps") {
      // Only a good fix gets here (onPosition): a poor one never signals.
      vibrate();
      playChime();
    }
    document.dispatchEvent(new CustomEvent("walk:arrived", { detail: { stop: stop.id, how: how } }));
    readAloud(stop.id);
    if (!target && !wasFinished) finish();
  }

  // What the end-of-walk summary needs (static/js/walk_end.js listens for it).
  function summary() {
    const order = Object.keys(state.visited).sort((a, b) => state.visited[a] - state.visited[b]);
    const last = order.length ? state.visited[order[order.length - 1]] : Date.now();
    return {
      stops_visited: order,
      distance_m: Math.round(state.walkedM),
      duration_s: state.startedAt ? Math.max(0, Math.round((last - state.startedAt) / 1000)) : 0,
    };
  }

  function finish() {
    state.finishedAt = Date.now();
    save();
    document.dispatchEvent(new CustomEvent("walk:finished", { detail: summary() }));
  }

  function onPosition(position) {
    const c = position.coords;
    const acc = Math.round(c.accuracy);
    fix = { lat: c.latitude, lon: c.longitude, acc: acc, good: acc <= GOOD_ACCURACY_M };
    fixCount += 1;
    panel.dataset.fixes = String(fixCount);
    setGps(fix.good ? "good" : "poor", fill(fix.good ? t.gps_good : t.gps_poor, { n: acc }));
    if ((heading === null || headingFromCourse) && typeof c.heading === "number" && !isNaN(c.heading) && c.speed > 0.5) {
      // No compass: the direction of travel is the next best thing.
      heading = c.heading;
      headingFromCourse = true;
    }
    if (!fix.good) {
      render();
      return;
    }
    if (state.last) {
      const step = distanceM(state.last[0], state.last[1], fix.lat, fix.lon);
      if (step >= MIN_STEP_M) {
        state.walkedM += step;
        state.last = [fix.lat, fix.lon];
      }
    } else {
      state.last = [fix.lat, fix.lon];
    }
    const entered = [];
    stops.forEach((stop) => {
      const d = distanceM(fix.lat, fix.lon, stop.lat, stop.lon);
      if (!state.inside[stop.id] && d <= stop.radius_m) {
        state.inside[stop.id] = true;
        entered.push({ stop: byId[stop.id], d: d });
      } else if (state.inside[stop.id] && d > stop.radius_m + LEAVE_MARGIN_M) {
        delete state.inside[stop.id];
        if (state.at === stop.id) state.at = null;
      }
    });
    // "I am here" without GPS set the stop by hand: a good fix far off ends that too.
    if (state.at && !state.inside[state.at]) {
      const here = byId[state.at];
      if (distanceM(fix.lat, fix.lon, here.lat, here.lon) > here.radius_m + LEAVE_MARGIN_M) {
        state.at = null;
      }
    }
    // Nearest first: where two zones touch, the walker is at the closer stop.
    entered.sort((a, b) => a.d - b.d);
    entered.forEach((entry, i) => {
      if (i === 0) state.at = entry.stop.id;
      if (!state.visited[entry.stop.id] && i === 0) arrive(entry.stop, "gps");
    });
    save();
    render();
  }

  function setGps(level, text) {
    const node = el("walk-gps");
    node.dataset.level = level;
    node.textContent = text;
  }

  function onPositionError(error) {
    if (error.code === 1) {
      stopWatching();
      setGps("denied", t.gps_denied);
      announce(t.gps_denied);
      panel.dataset.mode = "manual";
    } else {
      setGps("error", t.gps_error);
    }
    render();
  }

  function startWatching() {
    if (!("geolocation" in navigator)) {
      setGps("unavailable", t.gps_unavailable);
      panel.dataset.mode = "manual";
      render();
      return;
    }
    if (watchId !== null) return;
    setGps("waiting", t.gps_waiting);
    panel.dataset.mode = "gps";
    watchId = navigator.geolocation.watchPosition(onPosition, onPositionError, {
      enableHighAccuracy: true,
      maximumAge: 5000,
      timeout: 30000,
    });
    map.follow = true;
    render();
  }

  function stopWatching() {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
  }

  // ---------------------------------------------------------------- compass
  function onOrientation(event) {
    let value = null;
    if (typeof event.webkitCompassHeading === "number") value = event.webkitCompassHeading;
    else if (event.absolute && typeof event.alpha === "number") value = 360 - event.alpha;
    if (value === null) return;
    const screenAngle = (screen.orientation && screen.orientation.angle) || 0;
    heading = (value + screenAngle + 360) % 360;
    headingFromCourse = false;
    if (fix) render();
  }

  function listenCompass() {
    const DOE = window.DeviceOrientationEvent;
    if (!DOE) return;
    const attach = () => {
      window.addEventListener("deviceorientationabsolute", onOrientation);
      window.addEventListener("deviceorientation", onOrientation);
    };
    attach();
    if (typeof DOE.requestPermission === "function") {
      // Some browsers (iOS Safari) send no events until asked, from a tap; if the
      // answer is no, the events simply never come and the arrow stays north-up.
      DOE.requestPermission().catch(() => {});
    }
  }

  // ---------------------------------------------------------------- wake lock
  const wake = { wanted: false, sentinel: null };

  function setWakeButton() {
    const button = el("walk-wake");
    button.setAttribute("aria-pressed", wake.sentinel ? "true" : "false");
    button.textContent = wake.sentinel ? t.wake_on : t.wake_off;
  }

  function requestWake() {
    return navigator.wakeLock.request("screen").then(
      (sentinel) => {
        wake.sentinel = sentinel;
        sentinel.addEventListener("release", () => {
          wake.sentinel = null;
          setWakeButton();
        });
        setWakeButton();
      },
      () => {
        wake.wanted = false;
        setWakeButton();
        announce(t.wake_failed);
      }
    );
  }

  function initWake() {
    const button = el("walk-wake");
    if (!("wakeLock" in navigator)) {
      button.disabled = true;
      button.textContent = t.wake_unsupported;
      return;
    }
    button.addEventListener("click", () => {
      if (wake.sentinel) {
        wake.wanted = false;
        wake.sentinel.release();
      } else {
        wake.wanted = true;
        requestWake();
      }
    });
    document.addEventListener("visibilitychange", () => {
      if (wake.wanted && !wake.sentinel && document.visibilityState === "visible") requestWake();
    });
  }

  // ---------------------------------------------------------------- offline area
  function tileUrls() {
    const area = data.area;
    const urls = [];
    const points = [];
    legs.forEach((leg) => leg.coords.forEach((c) => points.push(c)));
    stops.forEach((s) => points.push([s.lat, s.lon]));
    const lats = points.map((p) => p[0]);
    const lons = points.map((p) => p[1]);
    const pad = area.buffer_m;
    const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
    const dLat = pad / 110574;
    const dLon = pad / (111320 * Math.cos(rad(midLat)));
    const box = [Math.min(...lats) - dLat, Math.min(...lons) - dLon, Math.max(...lats) + dLat, Math.max(...lons) + dLon];
    const tx = (lon, z) => Math.floor(((lon + 180) / 360) * 2 ** z);
    const ty = (lat, z) =>
      Math.floor(((1 - Math.log(Math.tan(rad(lat)) + 1 / Math.cos(rad(lat))) / Math.PI) / 2) * 2 ** z);
    const lonOf = (x, z) => (x / 2 ** z) * 360 - 180;
    const latOf = (y, z) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
    area.zooms.forEach((z) => {
      for (let x = tx(box[1], z); x <= tx(box[3], z); x++) {
        for (let y = ty(box[2], z); y <= ty(box[0], z); y++) {
          // Keep tiles near the route (a corridor), not the whole box.
          const cLat = latOf(y + 0.5, z);
          const cLon = lonOf(x + 0.5, z);
          const half = distanceM(latOf(y, z), lonOf(x, z), cLat, cLon);
          const near = legs.some((leg) => {
            const a = alongLeg(cLat, cLon, leg.coords);
            return a && a.offM <= pad + half;
          });
          if (!near) continue;
          const sub = area.subdomains ? area.subdomains[Math.abs(x + y) % area.subdomains.length] : "";
          urls.push(
            area.tile_url.replace("{z}", z).replace("{x}", x).replace("{y}", y).replace("{s}", sub).replace("{r}", "")
          );
        }
      }
    });
    return urls;
  }

  function initArea() {
    const check = el("walk-area-check");
    if (!check || !data.area) return;
    const message = el("walk-area-message");
    const confirm = el("walk-area-confirm");
    let urls = [];
    check.addEventListener("click", () => {
      urls = tileUrls();
      const mb = (urls.length * data.area.average_bytes) / (1024 * 1024);
      message.textContent = fill(t.area_size, { n: urls.length, mb: number.format(Math.round(mb * 10) / 10) });
      confirm.hidden = false;
      confirm.focus();
    });
    confirm.addEventListener("click", () => {
      confirm.hidden = true;
      message.textContent = fill(t.area_saving, { done: 0, total: urls.length });
      window.tourOffline
        .saveArea(urls, (progress) => {
          message.textContent = fill(t.area_saving, progress);
        })
        .then((result) => {
          message.textContent = result.failed
            ? fill(t.area_failed, { n: result.failed })
            : fill(t.area_saved, { n: result.saved });
          message.dataset.saved = String(result.saved);
        });
    });
  }

  // ---------------------------------------------------------------- controls
  function setTarget(id) {
    state.target = id;
    if (state.at && state.at !== id) state.at = null;
    save();
    render();
    const target = byId[id];
    if (target) announce(fill(t.target_manual, { n: target.order, name: target.name }));
  }

  function start() {
    unlockAudio();
    if (!state.started) {
      state.started = true;
      announce(t.started);
    }
    state.active = true;
    save();
    listenCompass();
    startWatching();
  }

  function initControls() {
    el("walk-start").addEventListener("click", start);
    el("walk-stop").addEventListener("click", () => {
      stopWatching();
      state.active = false;
      save();
      setGps("none", t.paused);
      announce(t.stopped);
      render();
      el("walk-start").focus();
    });
    el("walk-prev").addEventListener("click", () => {
      const target = byId[state.target];
      const index = target ? target.index - 1 : stops.length - 1;
      if (index >= 0) setTarget(stops[index].id);
    });
    el("walk-next").addEventListener("click", () => {
      const target = byId[state.target];
      if (target && target.index + 1 < stops.length) setTarget(stops[target.index + 1].id);
    });
    el("walk-here").addEventListener("click", () => {
      const target = byId[state.target];
      if (!target) return;
      state.at = target.id;
      arrive(target, "manual");
    });
    document.querySelectorAll("[data-goto]").forEach((button) => {
      button.addEventListener("click", () => setTarget(button.dataset.goto));
    });
    const reset = el("walk-reset");
    reset.addEventListener("click", () => {
      // Two taps, so that progress is not lost by a slip of the finger.
      if (!reset.dataset.armed) {
        reset.dataset.armed = "1";
        reset.dataset.label = reset.textContent;
        reset.textContent = reset.dataset.confirmLabel;
        return;
      }
      delete reset.dataset.armed;
      reset.textContent = reset.dataset.label;
      stopWatching();
      state = freshState();
      save();
      setGps("none", t.paused);
      setSheet(false);
      setFollow(true);
      render();
      document.dispatchEvent(new CustomEvent("walk:reset"));
    });
  }

  function fromLink() {
    const asked = new URLSearchParams(window.location.search).get("stop");
    if (asked && byId[asked]) {
      state.target = asked;
      state.story = asked;
      save();
    }
  }

  function resume() {
    if (!state.active) return;
    // Only resume by itself when the visitor has already allowed location.
    if (!navigator.permissions || !navigator.geolocation) return;
    navigator.permissions.query({ name: "geolocation" }).then(
      (result) => {
        if (result.state === "granted") startWatching();
      },
      () => {}
    );
  }

  initSheet();
  initPrefs();
  fromLink();
  initControls();
  initWake();
  initArea();
  render();
  resume();
  // The coach moves with the clock even when the walker stands still.
  window.setInterval(() => {
    if (state.startedAt) renderCoach();
  }, 30000);
  // The map in a task of its own, so that the walk's first task stays short on a slow phone.
  if (window.tourMap) window.setTimeout(initMap, 0);
  else document.addEventListener("tourmap:ready", initMap, { once: true });
  if (state.story && new URLSearchParams(window.location.search).get("stop")) showStory();
  window.tourWalk = { state: () => state, render: render, summary: summary };
})();
