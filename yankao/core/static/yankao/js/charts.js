/* Renders every [data-vega-spec] element with vega-embed, also after htmx swaps. */
(function () {
  "use strict";
  function render(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    root.querySelectorAll("[data-vega-spec]").forEach(function (element) {
      if (element.dataset.rendered) { return; }
      var source = document.getElementById(element.dataset.vegaSpec);
      if (!source) { return; }
      element.dataset.rendered = "1";
      var spec = JSON.parse(source.textContent);
      var options = {actions: false, renderer: "svg", defaultStyle: false};
      if (spec.projection) {
        // A map's projection cannot fit a "container" width (Vega draws it NaN wide):
        // give it the element's width in pixels instead.
        spec.width = Math.max(200, element.clientWidth || 320);
        spec.autosize = {type: "fit", contains: "padding"};
      } else {
        options.width = "container";
      }
      // The expression interpreter instead of compiled code, and no injected <style>
      // (the tooltip's look is in yankao.css):
      // the Content-Security-Policy allows neither eval nor inline styles.
      window.vegaEmbed(element, spec, Object.assign(options, {
        tooltip: {disableDefaultStyle: true},
        ast: true, expr: window.vega.expressionInterpreter
      })).then(function () { element.dataset.ready = "1"; })
        .catch(function (error) { element.dataset.error = String(error); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (event) { render(event.target); });
})();
