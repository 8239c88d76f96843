// The FAQ assistant's page: after an answer arrives (htmx), clear the question box and
// bring the answer into view, where a screen reader also finds it.
(function () {
  "use strict";
  function showLatest() {
    var items = document.querySelectorAll("#conversation [data-latest]");
    if (!items.length) { return; }
    var latest = items[items.length - 1];
    for (var i = 0; i < items.length - 1; i++) { items[i].removeAttribute("data-latest"); }
    var answer = latest.querySelector(".bubble--answer");
    if (answer) {
      answer.setAttribute("tabindex", "-1");
      answer.scrollIntoView({ block: "nearest" });
    }
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "conversation") {
      var box = document.getElementById("id_question");
      if (box) { box.value = ""; box.focus(); }
      var error = document.getElementById("ask-error");
      if (error) { error.innerHTML = ""; }
    }
    showLatest();
  });
})();
