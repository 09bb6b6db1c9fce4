/* What the book's theme and vega-embed leave a screen reader short of, filled in once the page has loaded:
   - a control's accessible name holds the text it shows (WCAG 2.5.3): the search button says what it shows, the
     version switcher names the edition it shows, the colour-mode switch names the mode it is in, a folded code
     cell's toggle is named by what it says;
   - each chart's menu of actions (vega-embed's "..." summary) has a name;
   - the boxes that scroll a wide table or chart sideways are reachable from the keyboard and named.
   It changes no layout. */
(function () {
  function named(el, label) { if (el && el.getAttribute("aria-label") !== label) { el.setAttribute("aria-label", label); } }
  function text(el) { return (el.textContent || "").replace(/\s+/g, " ").trim(); }
  function controls() {
    document.querySelectorAll(".search-button__button").forEach(function (b) {
      var shown = text(b);
      if (shown) { named(b, shown); }
    });
    document.querySelectorAll(".version-switcher__button").forEach(function (b) {
      var shown = text(b);
      if (shown) { named(b, shown + " (edition; choose another)"); }
    });
    document.querySelectorAll(".theme-switch-button").forEach(function (b) {
      var mode = document.documentElement.dataset.mode || "auto";
      var icon = b.querySelector('[data-mode="' + mode + '"]');
      var shown = icon ? (icon.getAttribute("title") || icon.getAttribute("data-title") || mode) : mode;
      named(b, "Color mode: " + shown);
    });
  }
  function toggles() {
    // myst-nb's "Show code cell source" toggles are named "Toggle hidden content", which a reader never sees
    document.querySelectorAll("details.hide > summary[aria-label]").forEach(function (s) {
      if (text(s)) { s.removeAttribute("aria-label"); }
    });
  }
  function charts() {
    document.querySelectorAll(".vega-embed > details > summary").forEach(function (s) {
      named(s, "Chart actions: save as SVG or PNG, view the source");
    });
  }
  function run() { controls(); toggles(); charts(); }
  function init() {
    run();
    new MutationObserver(run).observe(document.body, {childList: true, subtree: true, characterData: true});
    new MutationObserver(controls).observe(document.documentElement, {attributes: true, attributeFilter: ["data-mode"]});
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
