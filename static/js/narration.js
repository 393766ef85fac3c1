// Recorded narration: one player at a time, shown on the lock screen through the
// Media Session API (title, artwork from the stop's first photo, play/pause, next stop).
(function () {
  "use strict";

  const boxes = Array.from(document.querySelectorAll("[data-narration]"));
  if (!boxes.length) return;
  const session = "mediaSession" in navigator ? navigator.mediaSession : null;

  function audioOf(box) {
    return box.querySelector("[data-narration-audio]");
  }

  function next(box) {
    // In the walk sheet the next stop's recording is on this page: play it here,
    // so the lock screen keeps going; on a stop page, open the next stop.
    const id = box.dataset.nextStop;
    const there = id && document.querySelector('.walk-story-item[data-stop="' + id + '"] [data-narration]');
    if (there) {
      audioOf(box).pause();
      audioOf(there).play();
    } else if (box.dataset.next) {
      window.location.href = box.dataset.next;
    }
  }

  function claim(box) {
    if (!session || !window.MediaMetadata) return;
    const artwork = box.dataset.artwork
      ? [{ src: new URL(box.dataset.artwork, window.location.href).href, sizes: "480x360", type: "image/jpeg" }]
      : [];
    session.metadata = new window.MediaMetadata({
      title: box.dataset.title || document.title,
      artist: box.dataset.artist || "",
      album: box.dataset.artist || "",
      artwork: artwork,
    });
    const audio = audioOf(box);
    session.setActionHandler("play", () => audio.play());
    session.setActionHandler("pause", () => audio.pause());
    try {
      session.setActionHandler("nexttrack", box.dataset.next || box.dataset.nextStop ? () => next(box) : null);
    } catch (error) {
      // an older browser without "nexttrack": play and pause still work
    }
  }

  boxes.forEach((box) => {
    const audio = audioOf(box);
    audio.addEventListener("play", () => {
      boxes.forEach((other) => other !== box && audioOf(other).pause());
      if (window.speechSynthesis) window.speechSynthesis.cancel();
      claim(box);
      if (session) session.playbackState = "playing";
    });
    audio.addEventListener("pause", () => {
      if (session) session.playbackState = "paused";
    });
    audio.addEventListener("ended", () => {
      if (session) session.playbackState = "none";
    });
  });
  window.tourNarration = { next: next };
})();
