// The site's menu on phones: the header's links fold behind one button. Without this
// script the button is a link to the nav, which CSS shows as the :target; with it,
// the button toggles the menu, Escape or a tap elsewhere closes it.
(function () {
  "use strict";

  const button = document.querySelector("[data-menu-button]");
  const menu = document.querySelector("[data-menu]");
  if (!button || !menu) return;
  button.setAttribute("role", "button");

  function setOpen(open) {
    menu.dataset.open = open ? "true" : "false";
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function toggle(event) {
    event.preventDefault();
    setOpen(menu.dataset.open !== "true");
  }

  // A tap before this script ran followed the link: the menu is open, keep it so.
  setOpen(window.location.hash === "#site-nav");
  button.addEventListener("click", toggle);
  // A link answers Enter by itself; a button is expected to answer Space too.
  button.addEventListener("keydown", (event) => {
    if (event.key === " ") toggle(event);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.dataset.open === "true") {
      // The language list inside closes first (language_menu.js); then the menu.
      if (menu.querySelector("details[open]")) return;
      setOpen(false);
      button.focus();
    }
  }, true); // capture: see the language list still open before its own handler closes it
  document.addEventListener("click", (event) => {
    if (menu.dataset.open === "true" && !menu.contains(event.target) && !button.contains(event.target)) {
      setOpen(false);
    }
  });
})();
