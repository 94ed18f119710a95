/* Registre: keyboard access to Material's menu on narrow screens. The menu button is a <label> for a
   hidden checkbox, out of reach of the keyboard: partials/header.html makes it a focusable button; Enter
   (Material) or Space (here) opens and closes the menu, Escape closes it, aria-expanded tells its state. */
(function () {
  "use strict";
  var toggle = document.getElementById("__drawer");
  var buttons = Array.prototype.slice.call(document.querySelectorAll(".registre-menu-button"));
  if (!toggle || !buttons.length) return;
  function sync() {
    buttons.forEach(function (b) { b.setAttribute("aria-expanded", toggle.checked ? "true" : "false"); });
  }
  buttons.forEach(function (button) {
    button.addEventListener("keydown", function (event) {
      // Material's own script already clicks a focused <label> on Enter: Space is added here.
      if (event.key === " ") {
        event.preventDefault();
        toggle.click();
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) {
      toggle.click();
      buttons[0].focus();
    }
  });
  toggle.addEventListener("change", sync);
  sync();
})();
