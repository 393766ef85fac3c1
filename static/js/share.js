// "Share this stop": the phone's share sheet where there is one, else copy the link.
(function () {
  "use strict";

  document.querySelectorAll("[data-share]").forEach((button) => {
    const note = button.parentElement.querySelector("[data-share-note]");
    const url = button.dataset.url;
    const say = (text) => {
      if (note) note.textContent = text;
    };
    if (!navigator.share && !(navigator.clipboard && navigator.clipboard.writeText)) {
      say(url);
      return;
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      if (navigator.share) {
        navigator.share({ title: button.dataset.title, url: url }).catch(() => {});
        return;
      }
      navigator.clipboard.writeText(url).then(
        () => say(button.dataset.copied.replace("%(url)s", url)),
        () => say(url)
      );
    });
  });
})();
