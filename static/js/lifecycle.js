/* Member lifecycle: small behaviours, no inline scripts (CSP). */
(function () {
  "use strict";
  // "Select all" in the bulk transfer form ticks every member checkbox of its fieldset.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".js-lc-select-all") : null;
    if (!button) { return; }
    var box = button.closest("fieldset");
    if (!box) { return; }
    box.querySelectorAll('input[type="checkbox"][name="members"]').forEach(function (input) { input.checked = true; });
  });
})();
