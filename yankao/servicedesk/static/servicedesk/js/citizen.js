/* The citizen's report form: the topic list narrows as you type (the search box also works
   without JavaScript, by submitting it). */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-topic-filter]").forEach(function (input) {
      var root = document.getElementById(input.dataset.topicFilter);
      if (!root) { return; }
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        root.querySelectorAll("[data-topic-words]").forEach(function (item) {
          var text = item.dataset.topicWords.toLowerCase();
          item.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
        });
        root.querySelectorAll(".topic-group").forEach(function (group) {
          group.hidden = !group.querySelector("[data-topic-words]:not([hidden])");
        });
      });
    });
  });
})();
