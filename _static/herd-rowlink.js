/* A link to a section that holds a table keyed by the link's text (class herd-row-link: a rule's label in the claims
   audit, linking to the one list of rules) lands on that row, not on the section's top: the row whose first cell
   reads as the link does is scrolled into view, marked for a moment and given the focus. Without this script, or
   when no row matches, the link goes to the section as any link does. */
(function () {
  "use strict";
  function rowFor(link) {
    var id = decodeURIComponent((link.getAttribute("href") || "").replace(/^#/, ""));
    var section = id && document.getElementById(id);
    if (!section) { return null; }
    // the section's heading is a label (MyST: an empty span before the heading), so its table comes after it
    var scope = section.closest("section") || section.parentNode;
    var text = link.textContent.trim();
    var rows = scope.querySelectorAll("table tbody tr");
    for (var i = 0; i < rows.length; i++) {
      var first = rows[i].querySelector("td, th");
      if (first && first.textContent.trim() === text) { return rows[i]; }
    }
    return null;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.herd-row-link") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var row = rowFor(link);
    if (!row) { return; }
    event.preventDefault();
    history.pushState(null, "", link.getAttribute("href"));
    row.scrollIntoView({ block: "center" });
    row.classList.add("herd-row-target");
    row.tabIndex = -1;
    row.focus({ preventScroll: true });
    window.setTimeout(function () { row.classList.remove("herd-row-target"); }, 2500);
  });
})();
