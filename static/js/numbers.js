// Numbers as the page's language writes them, with the decimal and group signs of
// the server's locale data (Babel, CLDR) on <html data-decimal data-group>: a
// browser without data for the language (Debian's Chromium has none for Kyrgyz)
// would otherwise write "4.4" where Kyrgyz writes "4,4".
(function () {
  "use strict";

  const root = document.documentElement;
  const PLAIN_OPTIONS = ["minimumFractionDigits", "maximumFractionDigits"];

  window.pageNumberFormat = function (options) {
    const opts = options || {};
    const decimal = root.dataset.decimal;
    const group = root.dataset.group;
    // The first Intl.NumberFormat on a page costs ~20 ms of ICU start-up (~80 ms on
    // a slow phone), in the same task that draws the walk. The numbers shown then
    // are distances and counts below 1000 in Latin digits: those need no grouping,
    // only the language's decimal sign, so they are written here and Intl starts
    // the first time a number needs more.
    const plain =
      root.dataset.digits === "latn" &&
      Boolean(decimal) &&
      Object.keys(opts).every((key) => PLAIN_OPTIONS.includes(key));
    const minFraction = opts.minimumFractionDigits || 0;
    const maxFraction = Math.max(
      minFraction,
      opts.maximumFractionDigits === undefined ? 3 : opts.maximumFractionDigits
    );
    let intl = null;

    function quick(value) {
      if (!plain || !Number.isFinite(value) || value < 0) return null;
      // toFixed rounds as Intl does: to the nearest, ties away from zero, on the exact value.
      const fixed = value.toFixed(maxFraction).split(".");
      if (fixed[0].length > 3) return null;
      let fraction = (fixed[1] || "").replace(/0+$/, "");
      while (fraction.length < minFraction) fraction += "0";
      return fraction ? fixed[0] + decimal + fraction : fixed[0];
    }

    return {
      format(value) {
        const fast = quick(value);
        if (fast !== null) return fast;
        intl = intl || new Intl.NumberFormat(root.lang || "en", opts);
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

  // A distance as the walk says it: to 10 m below a kilometre, then to 100 m, in
  // the page's units ({metres: "%(n)s m", kilometres: "%(n)s km"}, translated).
  const distanceNumber = window.pageNumberFormat({ maximumFractionDigits: 1 });
  window.pageDistanceText = function (metres, units) {
    const short = metres < 1000;
    const value = short ? Math.round(metres / 10) * 10 : Math.round(metres / 100) / 10;
    return (short ? units.metres : units.kilometres).replace("%(n)s", distanceNumber.format(value));
  };
})();
