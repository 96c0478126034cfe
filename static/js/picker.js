/* Pickers (core/pickers.py): a text input becomes an ARIA combobox with suggestions from one scoped endpoint.
   Without this script the input still works: the server resolves a typed code or exact name.
   Keys: ArrowDown/ArrowUp move, Enter chooses, Escape closes, ArrowDown on an empty input (or "Browse") shows
   the top of the user's organizations; the inline-end arrow (Right in LTR, Left in RTL) opens a node and the
   inline-start arrow goes up one level. */
(function () {
  "use strict";

  var counter = 0;

  function isRtl(el) {
    return getComputedStyle(el).direction === "rtl";
  }

  function bdi(text) {
    var el = document.createElement("bdi");
    el.textContent = text;
    return el;
  }

  function setup(input) {
    if (input.dataset.pickerReady === "1") { return; }
    input.dataset.pickerReady = "1";
    counter += 1;
    var root = input.closest(".picker");
    var multiple = input.dataset.pickerMultiple === "1";
    var listId = (input.id || "picker-" + counter) + "-listbox";
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    root.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var browse = root.querySelector(".picker-browse");
    if (browse) { browse.hidden = false; browse.setAttribute("aria-controls", listId); }
    var label = root.querySelector(".picker-label");
    var options = [];
    var active = -1;
    var trail = [];  // codes of the nodes opened while browsing
    var timer = null;
    var request = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (o, i) { o.el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].el.id);
        options[index].el.scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(rows, browsing) {
      list.textContent = "";
      options = [];
      if (browsing && trail.length) {
        rows = [{up: true, name: input.dataset.pickerUp, selectable: false}].concat(rows);
      }
      rows.forEach(function (row, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.setAttribute("role", "option");
        li.className = "picker-option";
        if (row.up) {
          li.classList.add("picker-up");
          li.appendChild(bdi(row.name));
        } else {
          li.appendChild(bdi(row.name));
          var meta = document.createElement("span");
          meta.className = "picker-meta";
          meta.appendChild(document.createTextNode(" — "));
          meta.appendChild(bdi(row.code));
          if (row.parent) {
            meta.appendChild(document.createTextNode(" — "));
            meta.appendChild(bdi(row.parent));
          }
          li.appendChild(meta);
          if (!row.selectable) { li.setAttribute("aria-disabled", "true"); }
          if (row.expandable && browsing !== undefined) {
            var open = document.createElement("span");
            open.className = "picker-open";
            open.setAttribute("aria-hidden", "true");
            open.title = input.dataset.pickerOpen;
            open.dataset.open = "1";
            li.appendChild(open);
            li.setAttribute("aria-label", row.name + " — " + row.code + (row.parent ? " — " + row.parent : "")
                            + " (" + input.dataset.pickerOpen + ")");
          }
        }
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function (event) {
          if (row.up) { up(); return; }
          if (event.target.dataset.open === "1" || (!row.selectable && row.expandable)) { down(row); return; }
          choose(i);
        });
        list.appendChild(li);
        options.push({el: li, row: row});
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      var count = rows.filter(function (r) { return !r.up; }).length;
      status.textContent = count ? count + " " + input.dataset.pickerResults : input.dataset.pickerNone;
      if (!count) {
        var none = document.createElement("li");
        none.className = "picker-none";
        none.textContent = input.dataset.pickerNone;
        list.appendChild(none);
      }
      highlight(options.length ? (options[0].row.up && options.length > 1 ? 1 : 0) : -1);
    }

    function params(extra) {
      var query = input.dataset.pickerParams || "";
      var underField = input.dataset.pickerUnderField;
      if (underField && !extra.under) {
        var other = document.getElementById(underField);
        if (other && other.value) { extra.under = other.value.trim(); }
      }
      Object.keys(extra).forEach(function (key) {
        query += (query ? "&" : "") + key + "=" + encodeURIComponent(extra[key]);
      });
      return input.dataset.pickerUrl + "?" + query;
    }

    function load(extra, browsing) {
      request += 1;
      var mine = request;
      fetch(params(extra), {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.json(); })
        .then(function (data) { if (mine === request) { render(data.results || [], browsing); } })
        .catch(function () { if (mine === request) { render([], browsing); } });
    }

    function search() {
      var text = input.value.trim();
      if (multiple && text.indexOf(",") >= 0) { close(); return; }
      if (!text) { close(); return; }
      trail = [];
      load({q: text}, undefined);
    }

    function browseFrom(code) {
      load(code ? {under: code} : {}, true);
    }

    function down(row) {
      trail.push(row.code);
      browseFrom(row.code);
    }

    function up() {
      trail.pop();
      browseFrom(trail.length ? trail[trail.length - 1] : "");
    }

    function addChip(row) {
      var chosen = root.querySelector(".picker-chosen");
      var exists = Array.prototype.some.call(chosen.querySelectorAll("input[type=hidden]"), function (h) {
        return h.value === row.value;
      });
      if (exists) { return; }
      var li = document.createElement("li");
      li.className = "picker-chip";
      li.appendChild(bdi(row.name + " — " + row.code));
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = input.name;
      hidden.value = row.value;
      li.appendChild(hidden);
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "picker-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", "× " + row.name);
      li.appendChild(remove);
      chosen.appendChild(li);
    }

    function choose(index) {
      var option = options[index];
      if (!option) { return; }
      if (option.row.up) { up(); return; }
      if (!option.row.selectable) {
        if (option.row.expandable) { down(option.row); }
        return;
      }
      if (multiple) {
        addChip(option.row);
        input.value = "";
      } else {
        // A member suggestion's value is an internal token: the box shows what a user could type instead (the
        // party card number or citizen ID, which the field resolves the same way), never the token.
        var token = /^m\d+$/.test(option.row.value);
        input.value = token && option.row.code ? option.row.code : option.row.value;
        if (label) {
          label.textContent = "";
          label.appendChild(bdi(option.row.name + " — " + option.row.code));
          label.hidden = false;
        }
      }
      close();
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }

    input.addEventListener("input", function () {
      if (label) { label.hidden = true; }
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      var forward = isRtl(input) ? "ArrowLeft" : "ArrowRight";
      var back = isRtl(input) ? "ArrowRight" : "ArrowLeft";
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          if (input.value.trim()) { search(); } else { trail = []; browseFrom(""); }
        } else if (options.length) {
          highlight(Math.min(active + 1, options.length - 1));
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      } else if (event.key === forward && open && active >= 0 && options[active].row.expandable
                 && !input.value.trim()) {
        event.preventDefault();
        down(options[active].row);
      } else if (event.key === back && open && trail.length && !input.value.trim()) {
        event.preventDefault();
        up();
      } else if (event.key === "Tab" && open) {
        close();
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(function () { if (!root.contains(document.activeElement)) { close(); } }, 150);
    });

    if (browse) {
      browse.addEventListener("click", function () {
        trail = [];
        input.value = multiple ? "" : input.value;
        browseFrom("");
        input.focus();
      });
    }

    root.addEventListener("click", function (event) {
      var remove = event.target.closest ? event.target.closest(".picker-remove") : null;
      if (remove) {
        var chip = remove.closest(".picker-chip");
        if (chip) { chip.remove(); }
        input.focus();
      }
    });
  }

  function init(scope) {
    (scope || document).querySelectorAll("input.picker-input").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else {
    init();
  }
  document.addEventListener("htmx:afterSwap", function (event) { init(event.detail.target); });
})();
