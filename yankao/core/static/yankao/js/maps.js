/* The map tile settings, read from the page's JSON block (no inline script: the
   Content-Security-Policy allows scripts from our static files only). */
(function () {
  "use strict";
  var source = document.getElementById("yankao-map-settings");
  if (source) { window.YANKAO_MAP = JSON.parse(source.textContent); }
})();
