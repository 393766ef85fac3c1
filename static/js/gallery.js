// Stop photos: tap for full screen, swipe (or arrow keys) between them; a photo
// that cannot load (offline and not saved) shows its alt text in its place.
(function () {
  "use strict";

  const node = document.getElementById("media-i18n");
  const t = node ? JSON.parse(node.textContent) : {};

  function placeholder(img) {
    const figure = img.closest("[data-photo]");
    if (!figure || figure.classList.contains("photo--missing")) return;
    figure.classList.add("photo--missing");
    const box = document.createElement("div");
    box.className = "photo-placeholder";
    box.setAttribute("role", "img");
    box.setAttribute("aria-label", img.alt);
    box.style.aspectRatio = (img.getAttribute("width") || 4) + " / " + (img.getAttribute("height") || 3);
    const text = document.createElement("span");
    text.textContent = img.alt;
    const note = document.createElement("small");
    note.textContent = t.not_saved || "";
    box.append(text, note);
    const link = img.closest("a") || img;
    link.hidden = true;
    link.after(box);
  }

  function watch(img) {
    img.addEventListener("error", () => placeholder(img));
    if (img.complete && img.naturalWidth === 0 && img.currentSrc) placeholder(img);
  }

  // ---- full screen ----
  let dialog = null;
  let list = [];
  let index = 0;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", t.open || "");
    const close = button("lightbox-close", "×", t.close);
    const prev = button("lightbox-prev", "‹", t.previous);
    const next = button("lightbox-next", "›", t.next);
    const img = document.createElement("img");
    img.className = "lightbox-img";
    img.decoding = "async";
    const caption = document.createElement("p");
    caption.className = "lightbox-caption";
    dialog.append(img, caption, prev, next, close);
    close.addEventListener("click", () => dialog.close());
    prev.addEventListener("click", () => show(index - 1));
    next.addEventListener("click", () => show(index + 1));
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "ArrowLeft") show(index - 1);
      if (event.key === "ArrowRight") show(index + 1);
    });
    let startX = null;
    dialog.addEventListener("pointerdown", (event) => {
      startX = event.clientX;
    });
    dialog.addEventListener("pointerup", (event) => {
      if (startX === null) return;
      const dx = event.clientX - startX;
      startX = null;
      if (Math.abs(dx) > 40) show(index + (dx < 0 ? 1 : -1));
    });
    document.body.append(dialog);
  }

  function button(cls, text, label) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "lightbox-button " + cls;
    b.textContent = text;
    b.setAttribute("aria-label", label || text);
    return b;
  }

  function show(i) {
    if (!list.length) return;
    index = (i + list.length) % list.length;
    const link = list[index];
    const small = link.querySelector("img");
    const img = dialog.querySelector(".lightbox-img");
    img.removeAttribute("srcset");
    img.src = link.href;
    if (link.dataset.fullSrcset) img.srcset = link.dataset.fullSrcset;
    img.sizes = "100vw";
    img.alt = small ? small.alt : "";
    img.width = Number(link.dataset.fullWidth) || 0;
    img.height = Number(link.dataset.fullHeight) || 0;
    const figure = link.closest("figure");
    const caption = figure && figure.querySelector("figcaption");
    dialog.querySelector(".lightbox-caption").textContent = caption ? caption.textContent.replace(/\s+/g, " ").trim() : "";
    const several = list.length > 1;
    dialog.querySelector(".lightbox-prev").hidden = !several;
    dialog.querySelector(".lightbox-next").hidden = !several;
  }

  function open(link) {
    if (!dialog) build();
    const gallery = link.closest("[data-gallery]");
    list = Array.from(gallery.querySelectorAll("a.photo-open")).filter((a) => !a.hidden);
    show(list.indexOf(link));
    if (!dialog.open) dialog.showModal();
  }

  document.querySelectorAll("[data-photo] img").forEach(watch);
  document.querySelectorAll("a.photo-open").forEach((link) => {
    link.setAttribute("aria-label", (t.open || "") + ": " + (link.querySelector("img") || {}).alt);
    link.addEventListener("click", (event) => {
      if (typeof HTMLDialogElement !== "function") return; // the plain link opens the file
      event.preventDefault();
      open(link);
    });
  });
})();
