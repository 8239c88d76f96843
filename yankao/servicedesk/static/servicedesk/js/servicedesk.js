/* Service desk: pick a place on a Leaflet map into the latitude/longitude inputs (the
   inputs stay usable without the map), use the device's location, and Ctrl+Enter to save. */
(function () {
  "use strict";
  var KAOHSIUNG = [22.6273, 120.3014];

  function setupMap(element) {
    if (typeof window.L === "undefined" || !window.YANKAO_MAP) { return; }
    var lat = document.getElementById(element.dataset.latInput);
    var lng = document.getElementById(element.dataset.lngInput);
    var map = window.L.map(element).setView(KAOHSIUNG, 13);
    window.L.tileLayer(window.YANKAO_MAP.tiles, {
      attribution: window.YANKAO_MAP.attribution, maxZoom: 19
    }).addTo(map);
    var marker = null;
    function place(latitude, longitude, pan) {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
      if (marker) { marker.setLatLng([latitude, longitude]); }
      else { marker = window.L.marker([latitude, longitude]).addTo(map); }
      if (pan) { map.setView([latitude, longitude], 17); }
      lat.dispatchEvent(new Event("change", {bubbles: true}));
    }
    map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, false); });
    if (lat.value && lng.value) { place(parseFloat(lat.value), parseFloat(lng.value), true); }
    document.querySelectorAll("[data-locate]").forEach(function (button) {
      if (!navigator.geolocation) { button.hidden = true; return; }
      button.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          place(position.coords.latitude, position.coords.longitude, true);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-lat-input]").forEach(setupMap);
    document.querySelectorAll("form[data-shortcut-submit]").forEach(function (form) {
      form.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    });
  });
})();
