/* A table or chart wider than the page scrolls sideways inside its own box; this marks each
   such box (class "herd-overflows") and shows a line above it saying so, and hides the line
   again when the box fits (after a resize, or once a chart has drawn). A table's box is a Tab
   stop only while it scrolls (so the keyboard can scroll it), then named by its caption; a box
   that fits leaves the table's one stop to its cells. */
(function () {
  var SELECTOR = ".herd-table-wrap, .pst-scrollable-table-container, [id^='altair-viz-']";
  function cue(box) {
    var prev = box.previousElementSibling;
    if (prev && prev.classList.contains("herd-scroll-cue")) { return prev; }
    var line = document.createElement("p");
    line.className = "herd-scroll-cue";
    line.setAttribute("aria-hidden", "true");
    line.textContent = !/^altair-viz-/.test(box.id || "")
      ? "Wider than the page: scroll sideways in the table for more columns →"
      : "Wider than the page: scroll sideways in the chart to see all of it →";
    line.hidden = true;
    box.parentNode.insertBefore(line, box);
    return line;
  }
  // the width a chart's box gives its drawing: its own, less its padding (where the chart's menu stands)
  function room(box) {
    var style = getComputedStyle(box);
    return box.clientWidth - parseFloat(style.paddingLeft || 0) - parseFloat(style.paddingRight || 0);
  }
  function check(box) {
    var wrapper = box.querySelector(".chart-wrapper");
    var drawing = box.querySelector("svg.marks, canvas.marks");
    if (wrapper && drawing) {  // a drawing wider than the room its box gives it scrolls, never cut off
      var past = drawing.getBoundingClientRect().width - room(box);
      wrapper.classList.toggle("herd-wide-drawing", past > 1);
    }
    var over = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("herd-overflows", over);
    cue(box).hidden = !over;
    if (box.classList.contains("herd-table-wrap")) {
      var caption = box.querySelector("caption");
      if (over) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table, scrolls sideways" + (caption ? ": " + caption.textContent.trim() : ""));
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }
  function init() {
    var boxes = document.querySelectorAll(SELECTOR);
    var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
      entries.forEach(function (e) { var box = e.target.closest(SELECTOR) || e.target; check(box); });
    }) : null;
    boxes.forEach(function (box) {
      check(box);
      if (observer) {
        observer.observe(box);
        new MutationObserver(function () {
          check(box);
          Array.prototype.forEach.call(box.children, function (child) { observer.observe(child); });
        }).observe(box, { childList: true });
      }
    });
    window.addEventListener("resize", function () { boxes.forEach(check); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
