// The guide's photos and voice page: several photos at once with progress, and
// recording narration in the browser (level meter, pause, listen back, redo).
(function () {
  "use strict";

  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  function fill(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, (_, key) => (key in values ? values[key] : ""));
  }

  // One request per file, so each has its own progress bar and its own answer.
  function send(url, data, progress) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.upload.addEventListener("progress", (event) => {
        if (progress && event.lengthComputable) progress.value = event.loaded / event.total;
      });
      xhr.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (error) {
          body = null;
        }
        resolve({ ok: xhr.status < 400 && body && body.ok, body: body, status: xhr.status });
      });
      xhr.addEventListener("error", () => resolve({ ok: false, body: null, status: 0 }));
      xhr.send(data);
    });
  }

  // ---- photos: a card per chosen file, each with its own texts ----
  const form = document.getElementById("photo-form");
  if (form) {
    const cards = document.getElementById("upload-cards");
    const shared = form.querySelector("[data-photo-fields]");
    const submit = document.getElementById("photo-submit");
    const inputs = Array.from(form.querySelectorAll("[data-photo-input]"));
    const cameraWrap = form.querySelector("[data-camera-wrap]");
    if (cameraWrap) cameraWrap.hidden = false;
    inputs[0].multiple = true;
    let chosen = [];

    function card(file, index) {
      const item = document.createElement("li");
      item.className = "upload-card";
      const preview = document.createElement("img");
      preview.className = "media-thumb";
      preview.alt = "";
      preview.src = URL.createObjectURL(file);
      const name = document.createElement("p");
      name.className = "hint";
      name.textContent = file.name + " · " + Math.round(file.size / 1024) + " KB";
      const fields = shared.cloneNode(true);
      fields.hidden = false;
      fields.querySelectorAll("[id]").forEach((node) => {
        const label = fields.querySelector('label[for="' + node.id + '"]');
        node.id = node.id + "-f" + index;
        if (label) label.htmlFor = node.id;
      });
      const progress = document.createElement("progress");
      progress.max = 1;
      progress.value = 0;
      const note = document.createElement("p");
      note.setAttribute("role", "status");
      note.className = "upload-note";
      item.append(preview, name, fields, progress, note);
      return { item: item, file: file, fields: fields, progress: progress, note: note, done: false };
    }

    function choose() {
      chosen.forEach((c) => URL.revokeObjectURL(c.item.querySelector("img").src));
      cards.textContent = "";
      const files = inputs.flatMap((input) => Array.from(input.files || []));
      chosen = files.map(card);
      chosen.forEach((c) => cards.append(c.item));
      shared.hidden = chosen.length > 0;
      shared.disabled = chosen.length > 0;
      inputs.forEach((input) => (input.required = chosen.length === 0));
      submit.textContent = chosen.length > 1 ? fill(form.dataset.uploadLabel, { n: chosen.length }) : submit.textContent;
    }
    inputs.forEach((input) => input.addEventListener("change", choose));

    form.addEventListener("submit", (event) => {
      if (!chosen.length) return; // nothing chosen through the script: the plain form
      event.preventDefault();
      submit.disabled = true;
      let failures = 0;
      chosen
        .filter((c) => !c.done)
        .reduce(
          (previous, c) =>
            previous.then(() => {
              const data = new FormData();
              data.append("photo", c.file, c.file.name);
              c.fields.querySelectorAll("input, select").forEach((field) => data.append(field.name, field.value));
              return send(form.action, data, c.progress).then((answer) => {
                c.done = Boolean(answer.ok);
                c.item.dataset.state = c.done ? "done" : "failed";
                if (!c.done) failures += 1;
                c.note.textContent = answer.body
                  ? answer.ok
                    ? form.dataset.done
                    : answer.body.error
                  : form.dataset.network;
              });
            }),
          Promise.resolve()
        )
        .then(() => {
          submit.disabled = false;
          if (!failures) window.location.reload();
        });
    });
  }

  // ---- narration: record in the browser ----
  const canRecord = Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);

  function formatTime(seconds) {
    const s = Math.floor(seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function recorder(box) {
    const q = (name) => box.querySelector("[data-rec-" + name + "]");
    const note = q("note");
    let media = null;
    let stream = null;
    let chunks = [];
    let blob = null;
    let audioContext = null;
    let frame = 0;
    let started = 0;
    let elapsed = 0;
    let timer = 0;

    function mode(name) {
      box.dataset.mode = name;
      q("start").hidden = name === "recording" || name === "paused";
      q("pause").hidden = name !== "recording";
      q("resume").hidden = name !== "paused";
      q("stop").hidden = !(name === "recording" || name === "paused");
      q("review").hidden = name !== "review";
    }

    function meter(source) {
      audioContext = new (window.AudioContext || window.webkitAudioContext)();
      const analyser = audioContext.createAnalyser();
      analyser.fftSize = 1024;
      audioContext.createMediaStreamSource(source).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const level = q("level");
      const tick = () => {
        analyser.getFloatTimeDomainData(samples);
        let peak = 0;
        for (let i = 0; i < samples.length; i += 1) peak = Math.max(peak, Math.abs(samples[i]));
        level.value = Math.min(1, peak);
        frame = requestAnimationFrame(tick);
      };
      tick();
    }

    function clock() {
      const shown = q("time");
      clearInterval(timer);
      timer = setInterval(() => {
        shown.textContent = formatTime(elapsed + (media && media.state === "recording" ? (Date.now() - started) / 1000 : 0));
      }, 250);
    }

    function release() {
      cancelAnimationFrame(frame);
      clearInterval(timer);
      if (audioContext) audioContext.close();
      if (stream) stream.getTracks().forEach((track) => track.stop());
      audioContext = null;
      stream = null;
      q("level").value = 0;
    }

    function start() {
      note.textContent = "";
      navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } }).then(
        (granted) => {
          stream = granted;
          const type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"].find(
            (t) => MediaRecorder.isTypeSupported(t)
          );
          media = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
          chunks = [];
          elapsed = 0;
          media.addEventListener("dataavailable", (event) => event.data.size && chunks.push(event.data));
          media.addEventListener("stop", () => {
            release();
            blob = new Blob(chunks, { type: media.mimeType || "audio/webm" });
            const playback = q("playback");
            if (playback.src) URL.revokeObjectURL(playback.src);
            playback.src = URL.createObjectURL(blob);
            mode("review");
          });
          media.start(1000);
          started = Date.now();
          meter(stream);
          clock();
          mode("recording");
        },
        () => {
          note.textContent = box.dataset.denied;
        }
      );
    }

    q("start").addEventListener("click", start);
    q("pause").addEventListener("click", () => {
      media.pause();
      elapsed += (Date.now() - started) / 1000;
      mode("paused");
    });
    q("resume").addEventListener("click", () => {
      media.resume();
      started = Date.now();
      mode("recording");
    });
    q("stop").addEventListener("click", () => {
      if (media.state === "recording") elapsed += (Date.now() - started) / 1000;
      media.stop();
    });
    q("redo").addEventListener("click", () => {
      blob = null;
      q("time").textContent = "0:00";
      mode("idle");
    });
    q("save").addEventListener("click", () => {
      if (!blob) return;
      const data = new FormData();
      const ext = /mp4/.test(blob.type) ? "m4a" : /ogg/.test(blob.type) ? "ogg" : "webm";
      data.append("audio", blob, "recording." + ext);
      const progress = q("progress");
      progress.hidden = false;
      q("save").disabled = true;
      note.textContent = box.dataset.saving;
      send(box.dataset.action, data, progress).then((answer) => {
        q("save").disabled = false;
        if (answer.ok) {
          note.textContent = box.dataset.saved;
          window.location.reload();
        } else {
          note.textContent = answer.body ? answer.body.error : box.dataset.network;
        }
      });
    });
    mode("idle");
    box.hidden = false;
  }

  if (canRecord) document.querySelectorAll("[data-recorder]").forEach(recorder);
})();
