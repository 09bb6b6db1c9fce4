// The layout checks of tests/test_browser.py, run in the page: returns {check: [problems]}.
({ strictCharts }) => {
  const article = document.querySelector("article.bd-article") || document.body;
  const body = article.getBoundingClientRect();
  const found = { "table clipped without a scroll box": [], "scroll box without a visible cue": [],
                  "truncated chart label": [], "overlapping chart labels": [], "chart wider than the text column": [],
                  "empty toggle": [], "page scrolls sideways": [], "chart cut off without a scroll box": [],
                  "chart wider than its box without a visible cue": [] };
  const name = (el) => (el.querySelector("caption, .herd-caption, th") || el).textContent.trim().slice(0, 70);
  const scrollsX = (el) => { const s = getComputedStyle(el).overflowX; return s === "auto" || s === "scroll"; };

  // Tables: content wider than the page body needs its own scroll box inside the body, and a
  // box that does scroll says so.
  for (const table of article.querySelectorAll("table")) {
    if (!table.offsetParent) continue;  // inside a closed toggle
    const r = table.getBoundingClientRect();
    let box = null;
    for (let el = table.parentElement; el && el !== article; el = el.parentElement) {
      if (scrollsX(el)) { box = el; break; }
    }
    if (!box) {
      if (r.right > body.right + 1 || table.scrollWidth > table.clientWidth + 1) found["table clipped without a scroll box"].push(name(table));
      continue;
    }
    if (box.getBoundingClientRect().right > body.right + 1) found["table clipped without a scroll box"].push(name(table) + " (its box is wider than the page)");
    if (box.scrollWidth > box.clientWidth + 1) {
      const cue = box.previousElementSibling;
      if (!(cue && cue.classList.contains("herd-scroll-cue") && !cue.hidden && cue.offsetParent)) found["scroll box without a visible cue"].push(name(table));
    }
  }

  // Charts: no visible label cut short by Vega (an ellipsis) or by the edge of its SVG; at the
  // book's width every chart fits its column; a chart that scrolls on a phone says so.
  for (const chart of article.querySelectorAll(".vega-embed")) {
    const svg = chart.querySelector("svg.marks");
    if (!svg) continue;
    const s = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      const content = text.textContent;
      const r = text.getBoundingClientRect();
      if (!content || r.width === 0) continue;
      let hidden = false;
      for (let el = text; el && el !== svg; el = el.parentElement) {
        if (el.getAttribute("opacity") === "0" || getComputedStyle(el).opacity === "0") { hidden = true; break; }
      }
      if (hidden) continue;
      if (content.includes("…") || r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1) {
        found["truncated chart label"].push(`${chart.id}: ${content.slice(0, 60)}`);
      }
    }
    // the labels a chart draws as marks (a law's name at its line's end, a value on a bar) never meet one another
    const labels = [...svg.querySelectorAll("g.mark-text.role-mark text")].filter((t) => {
      if (!t.textContent.trim()) return false;
      for (let el = t; el && el !== svg; el = el.parentElement) {
        if (el.getAttribute("opacity") === "0" || getComputedStyle(el).opacity === "0") return false;
      }
      return true;
    }).map((t) => [t.textContent.trim(), t.getBoundingClientRect()]);
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const [a, ra] = labels[i], [b, rb] = labels[j];
        if (Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left) > 1 && Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top) > 1) {
          found["overlapping chart labels"].push(`${chart.id}: ${a.slice(0, 40)} / ${b.slice(0, 40)}`);
        }
      }
    }
    // a drawing wider than the box that shows it (its wrapper, where that clips, else the chart's box) by even a
    // pixel must scroll, never be cut off
    const wrapper = svg.closest(".chart-wrapper");
    const clips = wrapper && getComputedStyle(wrapper).overflowX !== "visible";
    const cut = s.width - (clips ? wrapper.clientWidth : chart.clientWidth);
    if (cut > 1 && !(scrollsX(chart) && chart.scrollWidth > chart.clientWidth + 1 && !clips)) {
      found["chart cut off without a scroll box"].push(`${chart.id}: ${Math.round(cut)} px past its box`);
    }
    // a drawing wider than its box (a chart of fixed width on a phone) opens with part of it off-screen: the line
    // that says so is shown, right above the box, so that a row whose marks all lie past the edge is not read as empty
    if (s.width > chart.clientWidth + 1 || chart.scrollWidth > chart.clientWidth + 1) {
      const cue = chart.previousElementSibling;
      const shown = cue && cue.classList.contains("herd-scroll-cue") && !cue.hidden && cue.offsetParent
        && cue.getBoundingClientRect().height > 0 && chart.getBoundingClientRect().top - cue.getBoundingClientRect().bottom < 24;
      if (!shown) found["chart wider than its box without a visible cue"].push(`${chart.id}: ${Math.round(s.width)} px in ${chart.clientWidth} px`);
    }
    if (chart.scrollWidth > chart.clientWidth + 1) {
      if (strictCharts) found["chart wider than the text column"].push(`${chart.id}: ${chart.scrollWidth} px in ${chart.clientWidth} px`);
      const cue = chart.previousElementSibling;
      if (!(cue && cue.classList.contains("herd-scroll-cue") && !cue.hidden)) found["scroll box without a visible cue"].push(chart.id);
    }
  }

  // Toggles: a folded code cell must have something to show beside its code.
  for (const cell of article.querySelectorAll("div.cell")) {
    if (!cell.querySelector("details.hide, .toggle-details, button.toggle-button")) continue;
    const output = cell.querySelector(".cell_output");
    const shows = output && (output.textContent.trim() || output.querySelector("img, svg, canvas, table, [id^='altair-viz-']"));
    if (!shows) found["empty toggle"].push((cell.querySelector("pre") || cell).textContent.trim().split("\n")[0].slice(0, 70));
  }

  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    const wide = [...article.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .map((el) => el.tagName + "." + (el.className.baseVal ?? el.className)).slice(0, 3);
    found["page scrolls sideways"].push(`${document.documentElement.scrollWidth} px in ${window.innerWidth} px (${wide.join(", ")})`);
  }
  return found;
}
