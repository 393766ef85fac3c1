// The new-tour form shows a language's texts only while it is ticked (the server
// reads only the ticked languages, so the form works without this script too).
(function () {
  "use strict";
  const choices = document.getElementById("tour-languages");
  if (!choices) return;
  function show() {
    choices.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
      const fieldset = document.querySelector('fieldset[data-language="' + box.value + '"]');
      if (fieldset) fieldset.hidden = !box.checked;
    });
  }
  choices.addEventListener("change", show);
  show();
})();
