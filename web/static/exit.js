// Leave quickly. The link works without this script: it opens a neutral
// site. Where the script runs, that site also replaces this page in the
// tab's history, so that Back does not bring Tandem back.
"use strict";
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a.quick-exit");
  if (!link) {
    return;
  }
  event.preventDefault();
  window.location.replace(link.href);
});
