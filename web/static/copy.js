// Copy buttons for private links. The links are plain selectable text
// without this script; where it runs, each button appears and copies.
"use strict";
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var input = document.getElementById(button.getAttribute("data-copy"));
  var status = button.parentElement.nextElementSibling;
  if (!input || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      if (status) {
        status.textContent = status.getAttribute("data-copied");
      }
    });
  });
});
