// Small form helpers, kept out of the pages (the CSP allows no inline script).
"use strict";
(function () {
  // One tap is enough: a second tap while the first is sent does nothing.
  document.querySelectorAll("form[data-send-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
    });
  });
  // Buttons that do something that cannot be undone ask first (data-ask).
  document.querySelectorAll("button[data-ask]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.ask)) event.preventDefault();
    });
  });
})();
