// The route sheet's print button (no inline handlers, so a strict CSP can apply).
(function () {
  "use strict";
  const button = document.getElementById("print-sheet");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
