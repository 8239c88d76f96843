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
      // The expression interpreter instead of compiled code, and no injected <style>
      // (the tooltip's look is in yankao.css):
      // the Content-Security-Policy allows neither eval nor inline styles.
      window.vegaEmbed(element, JSON.parse(source.textContent), {
        actions: false, renderer: "svg", width: "container", defaultStyle: false,
        tooltip: {disableDefaultStyle: true},
        ast: true, expr: window.vega.expressionInterpreter
      }).then(function () { element.dataset.ready = "1"; })
        .catch(function (error) { element.dataset.error = String(error); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSettle", function (event) { render(event.target); });
})();
