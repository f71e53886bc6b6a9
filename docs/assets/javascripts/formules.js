// Formulas of the pages (pymdownx.arithmatex, generic mode: \( \) inline, \[ \] displayed)
// rendered by KaTeX, served by the site itself (docs/assets/katex/, no CDN), as MathML: the
// browser lays the formula out itself, and KaTeX writes no style attribute, so the site's
// Content-Security-Policy keeps refusing inline styles.
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
    katex.render(text, element, { displayMode: display, throwOnError: false, output: "mathml" });
  }
})();
