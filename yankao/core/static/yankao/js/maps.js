/* Maps of Yankao (Leaflet). They work offline: the city's district boundaries are drawn
   from /map/districts.geojson, with map tiles only when YANKAO_MAP_TILES names a server.
   Configuration comes from the JSON block #yankao-map-config (no inline script).

   [data-lat-input][data-lng-input]   pick a place into two inputs (they stay usable alone)
   [data-pins="ID"]                   show the pins of the JSON block #ID:
                                      [{lat, lng, label, url, status}]
   [data-locate]                      a button that puts the pick map's pin at the device's
                                      location                                             */
(function () {
  "use strict";

  function config() {
    var block = document.getElementById("yankao-map-config");
    return block ? JSON.parse(block.textContent) : null;
  }

  var boundaries = null;
  function loadBoundaries(url) {
    if (!boundaries) {
      boundaries = fetch(url, {credentials: "same-origin"}).then(function (response) {
        return response.ok ? response.json() : null;
      }).catch(function () { return null; });
    }
    return boundaries;
  }

  function baseMap(element, settings) {
    var map = window.L.map(element, {zoomSnap: 0.5});
    var bounds = settings.bounds;  // [[south, west], [north, east]]
    map.fitBounds(bounds);
    if (settings.tiles) {
      window.L.tileLayer(settings.tiles, {attribution: settings.attribution, maxZoom: 19})
        .addTo(map);
    } else {
      element.classList.add("map--offline");
    }
    var layer = null;
    var ready = loadBoundaries(settings.boundaries).then(function (geojson) {
      if (!geojson) { return; }
      layer = window.L.geoJSON(geojson, {
        style: {color: "#0b4f8a", weight: 1, fillColor: "#dbeafe",
                fillOpacity: settings.tiles ? 0.05 : 0.6},
        interactive: false
      }).addTo(map);
      layer.bringToBack();
      element.dataset.boundaries = String(geojson.features.length);
    });
    return {map: map, ready: ready};
  }

  function setupPick(element, settings) {
    var lat = document.getElementById(element.dataset.latInput);
    var lng = document.getElementById(element.dataset.lngInput);
    var made = baseMap(element, settings);
    var map = made.map;
    var marker = null;
    function place(latitude, longitude, pan) {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
      if (marker) { marker.setLatLng([latitude, longitude]); }
      else { marker = window.L.marker([latitude, longitude], {keyboard: false}).addTo(map); }
      if (pan) { map.setView([latitude, longitude], 16); }
      element.dataset.pinned = "1";
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
    element.dataset.ready = "1";
  }

  function setupPins(element, settings) {
    var source = document.getElementById(element.dataset.pins);
    var pins = source ? JSON.parse(source.textContent) : [];
    var made = baseMap(element, settings);
    var map = made.map;
    var points = [];
    pins.forEach(function (pin) {
      var marker = window.L.circleMarker([pin.lat, pin.lng], {
        radius: 8, weight: 2, color: "#fff",
        fillColor: pin.status === "closed" ? "#15803d" : "#b45309", fillOpacity: 0.95
      }).addTo(map);
      if (pin.url) {
        var link = document.createElement("a");
        link.href = pin.url;
        link.textContent = pin.label;
        marker.bindPopup(link);
      }
      points.push([pin.lat, pin.lng]);
    });
    if (points.length === 1) { map.setView(points[0], 16); }
    else if (points.length > 1 && element.dataset.fit === "pins") {
      map.fitBounds(points, {padding: [24, 24], maxZoom: 16});
    }
    element.dataset.pinCount = String(points.length);
    element.dataset.ready = "1";
  }

  // For a module's own map script: YankaoMaps.baseMap(element) → {map, ready}.
  window.YankaoMaps = {
    baseMap: function (element) { return baseMap(element, config()); }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var settings = config();
    if (!settings || typeof window.L === "undefined") { return; }
    document.querySelectorAll("[data-lat-input]").forEach(function (element) {
      setupPick(element, settings);
    });
    document.querySelectorAll("[data-pins]").forEach(function (element) {
      setupPins(element, settings);
    });
  });
})();
