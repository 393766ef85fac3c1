// "Listen": reads a story aloud with the Web Speech API, in the page's language,
// with a voice for that language. It only ever starts from a tap.
(function () {
  "use strict";

  const t = JSON.parse(document.getElementById("listen-i18n").textContent);
  const synth = window.speechSynthesis;
  const supported = Boolean(synth && window.SpeechSynthesisUtterance);
  const lang = (document.documentElement.lang || "en").toLowerCase();
  let session = null; // the reading in progress: {box, chunks, index, token}
  let token = 0;

  function fill(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, (_, key) => (key in values ? values[key] : ""));
  }

  // Phones load their voices late: the list is empty until "voiceschanged".
  // Until it has come (or a moment has passed) nothing is said about voices.
  let voicesKnown = false;

  function whenVoicesKnown(then) {
    if (!supported) return;
    const settle = () => {
      voicesKnown = true;
      then();
    };
    if (synth.getVoices().length) {
      settle();
    } else {
      setTimeout(settle, 1500);
    }
    if (synth.addEventListener) synth.addEventListener("voiceschanged", settle);
  }

  // Says up front when the phone has no voice for the page's language, rather
  // than letting another language's voice read the story.
  function offerVoice(box) {
    const c = controls(box);
    if (box.dataset.mode && box.dataset.mode !== "idle") return;
    const voice = chooseVoice();
    c.play.disabled = !voice;
    if (!voice) note(box, t.no_voice);
    else if (controls(box).note.textContent === t.no_voice) note(box, "");
  }

  function chooseVoice() {
    const voices = supported ? synth.getVoices() : [];
    const matching = voices.filter((v) => {
      const code = String(v.lang || "").toLowerCase().replace("_", "-");
      return code === lang || code.startsWith(lang + "-");
    });
    return (
      matching.find((v) => v.default) ||
      matching.find((v) => v.localService) ||
      matching[0] ||
      null
    );
  }

  // Sentences, each tied to the paragraph that shows it.
  function chunksOf(box) {
    const story = box.closest(".story") || document;
    const parts = [];
    const title = story.querySelector("h1, .story-title");
    const summary = story.querySelector(".story-summary");
    [title, summary].concat(Array.from(story.querySelectorAll(".narrative p"))).forEach((node) => {
      if (!node) return;
      const text = node.textContent.replace(/\s+/g, " ").trim();
      const sentences = text.match(/[^.!?…]+[.!?…]+["»”)]*\s*|[^.!?…]+$/g) || [text];
      sentences.forEach((sentence) => {
        if (sentence.trim()) parts.push({ text: sentence.trim(), node: node });
      });
    });
    return parts;
  }

  function controls(box) {
    const q = (name) => box.querySelector("[data-listen-" + name + "]");
    return { play: q("play"), pause: q("pause"), resume: q("resume"), stop: q("stop"), note: q("note") };
  }

  function show(box, mode) {
    const c = controls(box);
    box.dataset.mode = mode;
    c.play.hidden = mode !== "idle";
    c.pause.hidden = mode !== "reading";
    c.resume.hidden = mode !== "paused";
    c.stop.hidden = mode === "idle";
  }

  function note(box, text) {
    const node = controls(box).note;
    node.hidden = !text;
    node.textContent = text || "";
  }

  function highlight(node) {
    document.querySelectorAll(".is-reading").forEach((n) => n.classList.remove("is-reading"));
    if (!node) return;
    node.classList.add("is-reading");
    const smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    node.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
  }

  function mediaSession(box, playing) {
    if (!("mediaSession" in navigator)) return;
    try {
      if (playing && window.MediaMetadata) {
        navigator.mediaSession.metadata = new window.MediaMetadata({
          title: box.dataset.title,
          artist: t.artist,
          artwork: [
            { src: "/static/icons/icon-192.png", sizes: "192x192", type: "image/png" },
            { src: "/static/icons/icon-512.png", sizes: "512x512", type: "image/png" },
          ],
        });
        navigator.mediaSession.setActionHandler("play", () => session && resume(session.box));
        navigator.mediaSession.setActionHandler("pause", () => session && pause(session.box));
        navigator.mediaSession.setActionHandler("stop", () => session && stop(session.box));
      }
      navigator.mediaSession.playbackState = playing ? "playing" : session ? "paused" : "none";
    } catch (error) {
      /* some actions are not supported on every platform */
    }
  }

  function speakNext(current) {
    if (!session || session.token !== current) return;
    const chunk = session.chunks[session.index];
    if (!chunk) {
      finish(session.box, t.stopped);
      return;
    }
    highlight(chunk.node);
    const utterance = new SpeechSynthesisUtterance(chunk.text);
    utterance.lang = session.voice.lang || lang;
    utterance.voice = session.voice;
    utterance.onend = () => {
      if (!session || session.token !== current) return;
      session.index += 1;
      speakNext(current);
    };
    utterance.onerror = (event) => {
      if (!session || session.token !== current) return;
      if (event.error === "interrupted" || event.error === "canceled") return;
      finish(session.box, t.error);
    };
    synth.speak(utterance);
  }

  function play(box) {
    const voice = chooseVoice();
    if (!voice) {
      if (voicesKnown) offerVoice(box);
      else note(box, t.no_voice);
      return;
    }
    if (session) finish(session.box, "");
    synth.cancel();
    token += 1;
    session = { box: box, chunks: chunksOf(box), index: 0, token: token, voice: voice };
    show(box, "reading");
    note(box, fill(t.reading, { title: box.dataset.title }));
    mediaSession(box, true);
    speakNext(token);
  }

  function pause(box) {
    synth.pause();
    show(box, "paused");
    note(box, t.paused);
    mediaSession(box, false);
  }

  function resume(box) {
    synth.resume();
    show(box, "reading");
    note(box, fill(t.reading, { title: box.dataset.title }));
    mediaSession(box, true);
  }

  function finish(box, message) {
    session = null;
    token += 1;
    highlight(null);
    show(box, "idle");
    note(box, message);
    mediaSession(box, false);
  }

  function stop(box) {
    token += 1;
    synth.cancel();
    finish(box, t.stopped);
  }

  function init() {
    document.querySelectorAll("[data-listen]").forEach((box) => {
      box.hidden = false;
      const c = controls(box);
      c.note.setAttribute("aria-live", "polite");
      if (!supported) {
        c.play.disabled = true;
        note(box, t.unsupported);
        return;
      }
      show(box, "idle");
      c.play.addEventListener("click", () => play(box));
      c.pause.addEventListener("click", () => pause(box));
      c.resume.addEventListener("click", () => resume(box));
      c.stop.addEventListener("click", () => stop(box));
    });
    whenVoicesKnown(() => {
      document.querySelectorAll("[data-listen]").forEach(offerVoice);
    });
    // Leaving the page or showing another story ends the reading.
    window.addEventListener("pagehide", () => supported && synth.cancel());
    document.addEventListener("walk:arrived", () => {
      if (session) stop(session.box);
    });
  }

  init();
  // walk.js starts a story by itself on arrival when the walker asked for that.
  window.tourListen = { chooseVoice: chooseVoice, lang: lang, play: (box) => supported && play(box) };
})();
