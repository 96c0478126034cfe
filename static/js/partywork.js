/* Partywork: small behaviours on top of server-rendered pages. No inline scripts (CSP). */
(function () {
  "use strict";

  // Language selects submit their form when changed (the button stays for keyboard and no-JS users).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("js-autosubmit") && target.form) {
      target.form.submit();
    }
  });

  // Lazy tree: the first click loads the children through htmx; later clicks only show or hide them.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".tree-toggle") : null;
    if (!button) { return; }
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (!list) { return; }
    if (button.dataset.loaded === "1") {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      list.hidden = open;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list || !list.classList.contains("tree")) { return; }
    var button = document.querySelector('[aria-controls="' + list.id + '"]');
    list.hidden = false;
    if (button) {
      button.dataset.loaded = "1";
      button.setAttribute("aria-expanded", "true");
    }
  });

  // Tables become cards on a phone (partywork.css): each cell gets its column's name as data-label.
  function labelTables(root) {
    var tables = (root && root.querySelectorAll ? root : document).querySelectorAll("table.data");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows.length ? table.tHead.rows[table.tHead.rows.length - 1] : null;
      if (!head || head.cells.length < 3) { return; }
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (th) {
        for (var i = 0; i < th.colSpan; i += 1) { labels.push(th.textContent.replace(/\s+/g, " ").trim()); }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (cell.colSpan === 1 && labels[column]) { cell.setAttribute("data-label", labels[column]); }
            column += cell.colSpan;
          });
        });
      });
      table.classList.add("js-cards");
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { labelTables(document); });
  } else {
    labelTables(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { labelTables(document); });

  // Errors of partial requests are shown, not swallowed.
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (target && event.detail.xhr && event.detail.xhr.responseText) {
      var note = document.createElement("p");
      note.className = "message message-error";
      note.setAttribute("role", "alert");
      note.textContent = document.documentElement.dataset.errorText || "Error " + event.detail.xhr.status;
      target.prepend(note);
    }
  });
})();
