/* Ranking page: drag and drop, and Alt+Arrow keys on a row's handle, reorder the list and
   save the whole order at once. Without this script the Up/Down/Remove/Add forms still work. */
(function () {
  "use strict";
  var lastFocus = null; // {applicant, kind} to restore focus after the list is replaced

  function root() { return document.getElementById("ranking"); }

  function order(list) {
    return Array.prototype.map.call(list.querySelectorAll(".ranking-item"), function (li) {
      return li.dataset.applicant;
    });
  }

  function restoreFocus() {
    if (!lastFocus) return;
    var item = document.querySelector('.ranking-item[data-applicant="' + lastFocus.applicant + '"]');
    var target = item && (item.querySelector(lastFocus.selector) || item.querySelector(".ranking-handle"));
    if (target) target.focus();
    lastFocus = null;
  }

  // One save at a time: a change made while a save is in flight is sent after it, with the
  // order as it is then, and the stale response is not shown.
  var inFlight = false;
  var pending = null;

  function save(moved) {
    var form = document.getElementById("ranking-order-form");
    var list = document.getElementById("ranking-list");
    if (!form || !list) return;
    Array.prototype.forEach.call(list.querySelectorAll(".ranking-item--moved"), function (li) {
      li.classList.remove("ranking-item--moved");
    });
    if (inFlight) { pending = moved || ""; return; }
    inFlight = true;
    form.elements.order.value = order(list).join(",");
    form.elements.moved.value = moved || "";
    // form.action would be the hidden input named "action", not the attribute.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "HX-Request": "true" },
      credentials: "same-origin"
    }).then(function (response) { return response.text(); }).then(function (html) {
      inFlight = false;
      if (pending !== null) { var next = pending; pending = null; save(next); return; }
      var old = root();
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var fresh = holder.firstElementChild;
      old.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
      restoreFocus();
    }, function () { inFlight = false; });
  }

  document.addEventListener("keydown", function (event) {
    var handle = event.target.closest && event.target.closest(".ranking-handle");
    if (!handle || !event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    var item = handle.closest(".ranking-item");
    var sibling = event.key === "ArrowUp" ? item.previousElementSibling : item.nextElementSibling;
    if (!sibling) return;
    if (event.key === "ArrowUp") sibling.before(item); else sibling.after(item);
    lastFocus = { applicant: item.dataset.applicant, selector: ".ranking-handle" };
    handle.focus();
    save(item.dataset.applicant);
  });

  var dragged = null;
  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("#ranking-list .ranking-item");
    if (!item) return;
    dragged = item;
    item.classList.add("ranking-item--dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.applicant);
  });
  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest("#ranking-list .ranking-item");
    if (!over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) over.before(dragged); else over.after(dragged);
  });
  document.addEventListener("drop", function (event) { if (dragged) event.preventDefault(); });
  document.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("ranking-item--dragging");
    var moved = dragged.dataset.applicant;
    dragged = null;
    save(moved);
  });

  // After an htmx Up/Down, keep focus on the same button of the moved row.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (!form.closest || !form.closest("#ranking")) return;
    var applicant = form.querySelector('input[name="applicant"]');
    var button = form.querySelector("[data-move]");
    if (applicant && button) {
      lastFocus = { applicant: applicant.value, selector: '[data-move="' + button.dataset.move + '"]' };
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id === "ranking" || (event.target.closest && event.target.closest("#ranking"))) restoreFocus();
  });
})();
