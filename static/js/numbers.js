// Numbers as the page's language writes them, with the decimal and group signs of
// the server's locale data (Babel, CLDR) on <html data-decimal data-group>: a
// browser without data for the language (Debian's Chromium has none for Kyrgyz)
// would otherwise write "4.4" where Kyrgyz writes "4,4".
(function () {
  "use strict";

  const root = document.documentElement;

  window.pageNumberFormat = function (options) {
    const intl = new Intl.NumberFormat(root.lang || "en", options);
    const decimal = root.dataset.decimal;
    const group = root.dataset.group;
    return {
      format(value) {
        return intl
          .formatToParts(value)
          .map((part) => {
            if (part.type === "decimal" && decimal) return decimal;
            if (part.type === "group" && group) return group;
            return part.value;
          })
          .join("");
      },
    };
  };
})();
