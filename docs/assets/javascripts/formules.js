// Formulas of the pages (pymdownx.arithmatex, generic mode: \( \) inline, \[ \] displayed)
// rendered by KaTeX, served by the site itself (docs/assets/katex/, no CDN). KaTeX builds
// its nodes through the DOM, which the site's Content-Security-Policy allows.
(function () {
  "use strict";
  if (typeof katex === "undefined") {
    return;
  }
  var formulas = document.querySelectorAll(".arithmatex");
  for (var i = 0; i < formulas.length; i++) {
    var element = formulas[i];
    var text = element.textContent.trim();
    var display = text.slice(0, 2) === "\\[";
    if (text.slice(0, 2) === "\\(" || display) {
      text = text.slice(2, -2);
    }
    katex.render(text, element, { displayMode: display, throwOnError: false });
  }
})();
