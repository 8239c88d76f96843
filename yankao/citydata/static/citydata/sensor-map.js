/* The public sensor map: one marker per street light with its latest readings (Leaflet).
   The page lists the same readings in a table, for anyone who cannot use the map. */
(function () {
  "use strict";
  function draw() {
    var element = document.getElementById("sensor-map");
    var source = document.getElementById("sensor-points");
    if (!element || !source || typeof window.L === "undefined") { return; }
    var points = JSON.parse(source.textContent);
    var map = window.L.map(element, { scrollWheelZoom: false }).setView([22.62, 120.27], 15);
    var settings = window.YANKAO_MAP || {};
    if (settings.tiles) {
      window.L.tileLayer(settings.tiles, { attribution: settings.attribution, maxZoom: 19 }).addTo(map);
    }
    var chartUrl = element.dataset.chartUrl;
    points.forEach(function (point) {
      var marker = window.L.circleMarker([point.lat, point.lng], {
        radius: 6, color: "#1b1f24", weight: 1, fillColor: "#f2b705", fillOpacity: 0.9
      }).addTo(map);
      var box = document.createElement("div");
      box.className = "sensor-popup";
      var title = document.createElement("strong");
      title.textContent = point.name;
      box.appendChild(title);
      var list = document.createElement("ul");
      point.readings.forEach(function (reading) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = chartUrl.replace("/0/", "/" + reading.datastream_id + "/");
        link.textContent = reading.property;
        item.appendChild(link);
        var value = reading.value === null ? "—" : reading.value + " " + reading.unit;
        item.appendChild(document.createTextNode(": " + value));
        list.appendChild(item);
      });
      box.appendChild(list);
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
