// The applicant's ranking page: drag and drop. The up/down buttons (plain form posts, or htmx
// when loaded) are the keyboard path; dragging reorders the rows and posts the new order the
// same way htmx does, and the server answers with the fresh list.
(function () {
  "use strict";
  var FORM_ID = "my-ranking";
  var dragged = null;
  var lastButton = null;

  function form() { return document.getElementById(FORM_ID); }

  function rowOf(node) { return node && node.closest ? node.closest(".ranking__item") : null; }

  function save(row) {
    var f = form();
    if (!f) return;
    f.querySelector("input[name=moved]").value = row.dataset.position;
    fetch(f.action, {
      method: "POST",
      body: new FormData(f),
      headers: { "HX-Request": "true" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var current = form();
      current.insertAdjacentHTML("afterend", html);
      current.remove();
      if (window.htmx) window.htmx.process(form());
      var again = form().querySelector('.ranking__item[data-position="' + row.dataset.position + '"] button:not([disabled])');
      if (again) again.focus();
    }).catch(function () {
      f.submit();
    });
  }

  document.addEventListener("dragstart", function (event) {
    var row = rowOf(event.target);
    if (!row || !form() || !form().contains(row)) return;
    dragged = row;
    row.classList.add("ranking__item--dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.position);
  });

  document.addEventListener("dragover", function (event) {
    var row = rowOf(event.target);
    if (!dragged || !row || row === dragged) return;
    event.preventDefault();
    var box = row.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var row = dragged;
    dragged = null;
    row.classList.remove("ranking__item--dragging");
    save(row);
  });

  // Up/down buttons: send the form through htmx ourselves. Left to htmx's own submit
  // handling, a second press that came right after a swap was sometimes not intercepted and
  // the browser submitted the form natively (a full page load that loses the focus). This
  // listener runs first (capture phase on the document) for every submit of the list.
  document.addEventListener("submit", function (event) {
    var f = event.target;
    if (!window.htmx || !f || f.id !== FORM_ID) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var submitter = event.submitter;
    var values = {};
    if (submitter && submitter.name) {
      values[submitter.name] = submitter.value;
      if (submitter.name === "move") lastButton = submitter.value;
    }
    window.htmx.ajax("POST", f.action, { source: f, target: f, swap: "outerHTML", values: values });
  }, true);

  // After htmx swaps the list, put the focus back on the button that was pressed, so that
  // keyboard users can press it again to keep moving the same position.
  // htmx itself re-focuses the element with the pressed button's id when it settles the swap
  // (20 ms after it), which fails when that button is now disabled (moved to the top or the
  // bottom). htmx:load fires on the new list as soon as it is in the document; the focus is
  // set after htmx's settle delay so that htmx's own attempt cannot undo it.
  document.addEventListener("htmx:load", function (event) {
    if (event.target === form()) window.setTimeout(restoreFocus, 60);
  });
  function restoreFocus() {
    if (!lastButton || !form()) return;
    var again = form().querySelector('button[value="' + lastButton + '"]');
    if (!again || again.disabled) {
      var position = lastButton.split(":")[0];
      again = form().querySelector('.ranking__item[data-position="' + position + '"] button:not([disabled])');
    }
    if (again) again.focus();
    lastButton = null;
  }
})();
