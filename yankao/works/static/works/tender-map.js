/* The delay map: one circle per active tender, coloured by delay class (Leaflet). The
   page lists the same tenders in a table, for anyone who cannot use the map. */
(function () {
  "use strict";
  function draw() {
    var element = document.getElementById("tender-map");
    var source = document.getElementById("tender-points");
    if (!element || !source || typeof window.L === "undefined" || !window.YankaoMaps) { return; }
    var points = JSON.parse(source.textContent);
    // The city's district boundaries, and tiles where a server is configured (core maps.js).
    var map = window.YankaoMaps.baseMap(element).map;
    var detail = element.dataset.detailUrl;
    points.forEach(function (point) {
      var marker = window.L.circleMarker([point.lat, point.lng], {
        radius: 6, color: "#1b1f24", weight: 1, fillColor: point.colour, fillOpacity: 0.9
      }).addTo(map);
      var link = document.createElement("a");
      link.href = detail.replace("/0/", "/" + point.id + "/");
      link.textContent = point.pcc + " " + point.title;
      var box = document.createElement("div");
      box.appendChild(link);
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(point.agency + (point.delay ? " · " + point.delay : "")));
      marker.bindPopup(box);
    });
    if (points.length) {
      map.fitBounds(window.L.latLngBounds(points.map(function (point) {
        return [point.lat, point.lng];
      })), { padding: [12, 12] });
    }
    element.dataset.ready = String(points.length);
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
