// The language menu is a <details> disclosure and works without this script;
// this only closes it with Escape (focus back on its button) or a tap elsewhere.
(function () {
  "use strict";

  document.querySelectorAll("[data-language-menu]").forEach((menu) => {
    const summary = menu.querySelector("summary");
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        summary.focus();
      }
    });
    document.addEventListener("click", (event) => {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });
})();
