/* Where a number came from, on demand: every element with a data-lineage attribute (a glued number in the prose,
   a table cell) names a record in the page's lineage block (<script type="application/json" id="herd-lineage">,
   written by the book's build; data only, never run). Hovering or focusing the number shows a small card (what
   computed it, or the row it was read from, and its source); activating it (click, Enter or Space) opens the whole
   record in a dialog: the call that computed it (the function, with a link to its source at this edition's commit,
   and the arguments it was given), the earlier calls whose results it was given, which of the call's outputs the
   number is, and every row read with its value, source, table or figure and page (rows printed at the same place
   share one line, with their count), and for a computed number the value it was written from before rounding and the
   function that wrote it. Escape or the close button shuts it, and the focus goes back to the number. A table is one Tab stop: its traced cells
   hold a button each, and the arrow keys move between them. Works offline; every text is set with textContent, so
   nothing in a record is read as markup. */
(function () {
  var records = null;
  var card = null;
  var dialog = null;

  function load() {
    if (records !== null) { return records; }
    var block = document.getElementById("herd-lineage");
    try { records = block ? JSON.parse(block.textContent) : {}; } catch (e) { records = {}; }
    return records;
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function link(text, url) {
    if (!url || !/^https?:\/\//.test(url)) { return el("span", text); }
    var a = el("a", text);
    a.href = url;
    a.rel = "noopener";
    return a;
  }
  function where(read) {
    var parts = [];
    if (read.location) { parts.push(read.location); }
    if (read.page !== undefined) { parts.push("p. " + read.page); }
    return parts.join(", ");
  }
  function keyText(key) {
    return Object.keys(key || {}).map(function (k) { return key[k]; }).join(" · ");
  }
  function rowText(read) {
    var text = keyText(read.key);
    if (read.value !== undefined) { text += (read.column ? " (" + read.column + ")" : "") + " = " + read.value; }
    return text;
  }
  function sourceTail(line, read) {
    if (!read.source) { return; }
    line.appendChild(document.createTextNode(": "));
    line.appendChild(link(read.source.title, read.source.url));
    var place = where(read);
    if (place) { line.appendChild(document.createTextNode(", " + place)); }
  }
  function readLine(group) {
    var line = el("li");
    var read = group[0];
    if (read.rows !== undefined) {
      line.appendChild(el("span", "data/" + read.table + ".csv: " + read.rows + " rows"));
      var titles = (read.sources || []).map(function (s) { return s.title; });
      (read.sources || []).forEach(function (s, i) {
        line.appendChild(document.createTextNode(i === 0 ? ", from " : "; "));
        // two documents of one title (two versions of a paper) are told apart by their keys
        var twice = titles.indexOf(s.title) !== titles.lastIndexOf(s.title);
        line.appendChild(link(twice ? s.title + " [" + s.key + "]" : s.title, s.url));
      });
      if (read.locations && read.locations.length) {
        line.appendChild(document.createTextNode(" (" + read.locations.join("; ") + ")"));
      }
      return line;
    }
    var text = "data/" + read.table + ".csv, ";
    text += group.length === 1 ? "row " + rowText(read) : group.length + " rows: " + group.map(rowText).join("; ");
    line.appendChild(el("span", text));
    sourceTail(line, read);
    return line;
  }
  // the rows read, those of one table printed at the same place (source, location, page) on one line
  function grouped(reads) {
    var groups = [];
    var at = {};
    reads.forEach(function (r) {
      if (r.rows !== undefined) { groups.push([r]); return; }
      var place = JSON.stringify([r.table, r.source ? r.source.key : null, r.location || null, r.page === undefined ? null : r.page]);
      if (at[place] === undefined) { at[place] = groups.length; groups.push([]); }
      groups[at[place]].push(r);
    });
    return groups;
  }
  // the value(s) a number was written from, as the record keeps them (ten significant digits)
  function givenText(value) {
    return (value.given || []).map(function (v) { return String(v); }).join(" and ");
  }
  // the function of herd.base.formats that wrote the number: count(value), number(value, decimals=1), span(low, high)
  function writerText(value) {
    var names = (value.given || []).length === 1 ? ["value"] : ["low", "high"];
    var args = Object.keys(value.args || {}).map(function (k) { return k + "=" + JSON.stringify(value.args[k]); });
    return value["function"] + "(" + names.concat(args).join(", ") + ")";
  }
  function callText(call) {
    var args = Object.keys(call.params || {}).map(function (k) { return k + "=" + JSON.stringify(call.params[k]); });
    return call["function"] + "(" + args.join(", ") + ")";
  }
  function summary(record) {
    if (record.kind === "data") {
      var read = record.reads[0] || {};
      var text = "Read from data/" + read.table + ".csv";
      if (read.source) { text += " · " + read.source.title; }
      var place = where(read);
      return place ? text + ", " + place : text;
    }
    var rows = (record.reads || []).map(function (r) { return r.rows !== undefined ? r.rows : 1; });
    var total = rows.reduce(function (a, b) { return a + b; }, 0);
    var tables = (record.reads || []).map(function (r) { return r.table; }).filter(function (t, i, all) { return all.indexOf(t) === i; });
    var text = "Computed by " + record["function"];
    if (record.output) { text += " (output: " + record.output + ")"; }
    if (total) { text += " from " + total + (total === 1 ? " row" : " rows") + " of " + tables.join(", "); }
    if (record.value) { text += "; value before rounding " + givenText(record.value); }
    return text;
  }
  function params(record) {
    var list = el("ul");
    Object.keys(record.params || {}).forEach(function (k) {
      list.appendChild(el("li", k + " = " + JSON.stringify(record.params[k])));
    });
    return list;
  }
  function full(record, shown, mark) {
    var box = el("div", null, "herd-lineage-record");
    var what = mark ? shown : "“" + shown + "”";
    box.appendChild(el("p", what + ": " + (record.kind === "data" ? "read from the data package" : "computed"), "herd-lineage-title"));
    if (record.after && record.after.length) {
      box.appendChild(el("p", "After these calls, whose results it was given:"));
      var before = el("ol");
      record.after.forEach(function (c) { before.appendChild(el("li", callText(c))); });
      box.appendChild(before);
    }
    if (record["function"]) {
      var p = el("p");
      p.appendChild(document.createTextNode("Function called: "));
      p.appendChild(link(record["function"], record.function_url));
      box.appendChild(p);
      if (record.source_note) { box.appendChild(el("p", "(" + record.source_note + ")", "herd-lineage-hint")); }
    }
    if (record.params && Object.keys(record.params).length) {
      box.appendChild(el("p", "Called with these arguments:"));
      box.appendChild(params(record));
    }
    if (record.output) { box.appendChild(el("p", "The number is its output: " + record.output)); }
    if (record.then && record.then.length) {
      box.appendChild(el("p", "Then shown through these calls, which only present it:"));
      var later = el("ol");
      record.then.forEach(function (c) { later.appendChild(el("li", callText(c))); });
      box.appendChild(later);
    }
    if (record.value) {
      box.appendChild(el("p", "Its value before rounding: " + givenText(record.value) + ", written by " +
        writerText(record.value), "herd-lineage-value"));
    }
    if (record.format) {
      box.appendChild(el("p", "Shown as " + record.format["function"] + "(value × " + record.format.scale +
        (record.format.args.length ? ", " + record.format.args.join(", ") : "") + ")"));
    }
    if (record.reads && record.reads.length) {
      box.appendChild(el("p", record.kind === "data" ? "Row:" : "Data read:"));
      var list = el("ul");
      grouped(record.reads).forEach(function (g) { list.appendChild(readLine(g)); });
      box.appendChild(list);
    }
    if (record.note) { box.appendChild(el("p", record.note)); }
    return box;
  }
  function showCard(target) {
    var record = load()[target.dataset.lineage];
    if (!record) { return; }
    if (!card) {
      card = el("div", null, "herd-lineage-card");
      card.id = "herd-lineage-card";
      card.setAttribute("role", "tooltip");
      document.body.appendChild(card);
    }
    card.textContent = "";
    card.appendChild(el("span", summary(record)));
    card.appendChild(el("span", " (Enter or click for the whole record)", "herd-lineage-hint"));
    var box = target.getBoundingClientRect();
    card.style.left = Math.max(8, Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - 360)) + "px";
    card.style.top = (window.scrollY + box.bottom + 6) + "px";
    card.hidden = false;
    target.setAttribute("aria-describedby", card.id);
  }
  function hideCard() { if (card) { card.hidden = true; } }
  function open(target) {
    var record = load()[target.dataset.lineage];
    if (!record) { return; }
    hideCard();
    if (!dialog) {
      dialog = el("dialog", null, "herd-lineage-dialog");
      dialog.setAttribute("aria-label", "Where this number came from");
      document.body.appendChild(dialog);
    }
    dialog.textContent = "";
    var mark = target.classList.contains("herd-lineage-mark") || !!target.querySelector(".herd-lineage-mark");
    var what = target.tagName === "TD" ? "the numbers of this cell" : "the numbers of this sentence";
    // the record scrolls in its own box above a footer bar that holds Close, so that Close never covers a line
    var body = el("div", null, "herd-lineage-body");
    body.appendChild(full(record, mark ? what : target.textContent.trim(), mark));
    dialog.appendChild(body);
    var footer = el("div", null, "herd-lineage-footer");
    var close = el("button", "Close", "herd-lineage-close");
    close.type = "button";
    close.addEventListener("click", shut);
    footer.appendChild(close);
    dialog.appendChild(footer);
    dialog.returnFocus = target.querySelector(".herd-lineage-cell") || target;
    if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    // the focus goes to the record's first line, so a long record opens at its top (on a phone too)
    var title = dialog.querySelector(".herd-lineage-title");
    title.tabIndex = -1;
    title.focus();
    body.scrollTop = 0;
  }
  // Closing a record gives the focus back to the number or cell that opened it, at once (not in the close event,
  // which comes a task later: a Tab pressed in between had moved on, and the event took the focus back behind it),
  // so that Tab goes on from the opener, not from the dialog's place at the page's end.
  function giveBack(always) {
    var opener = dialog && dialog.returnFocus;
    if (!opener || !opener.isConnected) { return; }
    var at = document.activeElement;
    if (!always && at && at !== document.body && !dialog.contains(at)) { return; }
    opener.focus({ preventScroll: true });
  }
  function shut() {
    if (!dialog || !dialog.open) { return; }
    dialog.close();
    giveBack(true);
  }
  function find(event) {
    var t = event.target;
    return t && t.closest ? t.closest("[data-lineage]") : null;
  }
  // A table is one Tab stop: the traced cells of a table hold a button each (the cue that the number opens a record)
  // and only one of them is in the Tab order at a time (a roving tabindex); the arrow keys move between them, Home
  // and End to the first and last of the row (with Ctrl, of the table). A cell that holds a link keeps it, and a cell
  // of more than a short phrase is not underlined whole: either gets a mark after its text, the button.
  var PHRASE = 6;  // words: a longer cell is a sentence, marked after its end rather than underlined whole
  function cellButton(td) {
    var button = el("button", null, "herd-lineage-cell");
    button.type = "button";
    button.setAttribute("aria-haspopup", "dialog");
    if (td.querySelector("a") || td.textContent.trim().split(/\s+/).length > PHRASE) {
      button.classList.add("herd-lineage-mark");  // drawn by the stylesheet: the cell's text stays the cell's
      button.setAttribute("aria-label", "Where the numbers of this cell came from");
      td.appendChild(button);
    } else {
      while (td.firstChild) { button.appendChild(td.firstChild); }
      td.appendChild(button);
    }
    button.tabIndex = -1;
    return button;
  }
  function tableCells(table) {
    return Array.prototype.filter.call(table.querySelectorAll("td[data-lineage]"), function (td) {
      return td.closest("table") === table;
    });
  }
  function moveTo(from, to) {
    if (!to || to === from) { return; }
    var a = from.querySelector(".herd-lineage-cell");
    var b = to.querySelector(".herd-lineage-cell");
    if (!b) { return; }
    if (a) { a.tabIndex = -1; }
    b.tabIndex = 0;
    b.focus();
  }
  function neighbour(td, key, ctrl) {
    var table = td.closest("table");
    var all = tableCells(table);
    var row = td.parentNode;
    var inRow = all.filter(function (c) { return c.parentNode === row; });
    var i = all.indexOf(td);
    if (key === "ArrowRight") { return all[i + 1]; }
    if (key === "ArrowLeft") { return all[i - 1]; }
    if (key === "Home") { return ctrl ? all[0] : inRow[0]; }
    if (key === "End") { return ctrl ? all[all.length - 1] : inRow[inRow.length - 1]; }
    var rows = Array.prototype.slice.call(table.rows);
    var step = key === "ArrowDown" ? 1 : -1;
    for (var r = rows.indexOf(row) + step; r >= 0 && r < rows.length; r += step) {
      var cell = rows[r].cells[td.cellIndex];
      if (cell && cell.hasAttribute("data-lineage")) { return cell; }
    }
    return null;
  }
  var MOVES = ["ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown", "Home", "End"];
  function init() {
    document.querySelectorAll("table").forEach(function (table) {
      tableCells(table).forEach(function (td, i) {
        var button = cellButton(td);
        if (i === 0) { button.tabIndex = 0; }
      });
    });
    document.addEventListener("mouseover", function (e) { var t = find(e); if (t) { showCard(t); } });
    document.addEventListener("mouseout", function (e) { if (find(e)) { hideCard(); } });
    document.addEventListener("focusin", function (e) { var t = find(e); if (t) { showCard(t); } else { hideCard(); } });
    document.addEventListener("focusout", function (e) { if (find(e)) { hideCard(); } });
    document.addEventListener("click", function (e) {
      var t = find(e);
      if (t && !(e.target.closest && e.target.closest("a"))) { e.preventDefault(); open(t); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        hideCard();
        if (dialog && dialog.open) { e.preventDefault(); shut(); }
        return;
      }
      var t = find(e);
      if (t && t.tagName === "TD" && MOVES.indexOf(e.key) >= 0) {
        e.preventDefault();
        moveTo(t, neighbour(t, e.key, e.ctrlKey || e.metaKey));
        return;
      }
      if (t && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); open(t); }
    });
    // a record closed another way (the browser's own Escape) gives the focus back too, unless it has moved on
    document.addEventListener("close", function (e) { if (e.target === dialog) { giveBack(false); } }, true);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
