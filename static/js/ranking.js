/* Ranking lists (the applicant's positions, an employer's applicants): reorder by drag and
   drop, by the list's own buttons, and, where the rows have a handle, by Alt+Arrow up/down on
   it. Every change is saved at once and the server answers with the fresh list.

   One form protocol for every list (read on the server by lis1.ui.ranking_change_of), the
   same with and without JavaScript:
     action=<verb>:<key>          one row: up, down, to (the place in "to"), add, remove;
                                  from the row's button (its name and value) or its form
     action=order (or none)       a new order: the rows' "order" inputs, best first, "moved"
                                  the key of the row moved, "offset" the places before them
                                  when the rows are one page of the list

   Configured on the element that the server's answer replaces:
     data-ranking                 marks it
     data-ranking-item="…"        selector of the rows that can move
     data-ranking-key="…"         the row's data attribute with its id (data-<key>)
     data-ranking-moved="…"       class the server gives the row it just moved; cleared when
                                  the rows are reordered here, until the new order is saved
     data-ranking-handle="…"      optional: selector of a row's handle for Alt+Arrow keys
     data-ranking-form="…"        optional: id of the form that saves a new order (default:
                                  the element itself); it holds a "moved" input and the
                                  rows' "order" inputs
     data-ranking-url="…"         optional: the address of the list as shown (a paginated
                                  list answers with the page showing the row it moved); the
                                  browser's address is updated to it
   A row at the edge of a page moved on by Alt+Arrow is moved by its own up/down button
   (data-move="up|down"), so the server takes it on to the next page. A field the server's
   answer marks aria-invalid gets the focus. Without JavaScript the same forms work as plain
   posts. */
(function () {
  "use strict";

  function rootOf(node) {
    return node instanceof Element ? node.closest("[data-ranking]") : null;
  }

  function idOf(row, s) {
    return row.getAttribute(`data-${s.key}`);
  }

  function settings(root) {
    const data = root.dataset;
    return {
      item: data.rankingItem,
      key: data.rankingKey,
      moved: data.rankingMoved,
      handle: data.rankingHandle,
      form: data.rankingForm
    };
  }

  // One request at a time, in the order of the changes: a button pressed twice quickly moves
  // its row twice. Only the last answer is shown; earlier ones are already out of date.
  const queue = [];
  let busy = false;
  let dragged = null;

  function send(root, form, data, focus) {
    // getAttribute: the employer's forms have an input named "action", which form.action is.
    queue.push({ id: root.id, url: form.getAttribute("action"), data, focus });
    if (!busy) drain();
  }

  async function drain() {
    busy = true;
    while (queue.length) {
      const change = queue.shift();
      let html;
      try {
        const response = await fetch(change.url, {
          method: "POST",
          body: change.data,
          headers: { "HX-Request": "true" },
          credentials: "same-origin"
        });
        // 400 (bad input) and 409 (refused by a rule) are a list with an error message;
        // anything else (a login page after a redirect, a server error) is shown by loading
        // the page afresh.
        const usable =
          !response.redirected &&
          (response.ok || response.status === 400 || response.status === 409);
        if (!usable) throw new Error(response.statusText);
        html = await response.text();
      } catch (error) {
        window.location.reload();
        return;
      }
      // A row being dragged stays where the pointer has it; its drop sends the next change.
      if (queue.length || dragged) continue;
      replace(document.getElementById(change.id), html, change.focus);
    }
    busy = false;
  }

  // The swap and the focus happen in one go, and the listeners below are on the document, so
  // a key press right after the swap is handled like the first one (with htmx, a form swapped
  // in was briefly not yet processed and could submit natively: a full page load).
  function replace(old, html, focus) {
    if (!old) return;
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.firstElementChild;
    const active = document.activeElement;
    const hadFocus = old.contains(active) || active === document.body;
    old.replaceWith(fresh);
    const url = fresh.dataset.rankingUrl;
    if (url && new URL(url, window.location.href).href !== window.location.href) {
      window.history.replaceState(window.history.state, "", url);
    }
    announce(fresh);
    if (hadFocus && focus) restoreFocus(fresh, focus);
  }

  // A live region that arrives with the swapped-in list is not read out by every screen
  // reader, so its message is said by one region that stays on the page. The list's own
  // region keeps the text on screen but stops being live (no message twice).
  function announce(fresh) {
    const status = fresh.querySelector("[aria-live]");
    if (!status) return;
    status.removeAttribute("aria-live");
    status.removeAttribute("role");
    let region = document.getElementById("ranking-announcer");
    if (!region) {
      region = document.createElement("div");
      region.id = "ranking-announcer";
      region.className = "ds-sr-only";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.append(region);
    }
    // Emptied first, so that the same message twice in a row is said twice.
    region.textContent = "";
    const text = status.textContent.trim();
    if (text) setTimeout(() => { region.textContent = text; }, 50);
  }

  // Back on the control that moved the row, or, when it is gone or disabled (the row reached
  // the top or the bottom), on the row's handle or first enabled button.
  function restoreFocus(root, focus) {
    const s = settings(root);
    const invalid = root.querySelector("[aria-invalid='true']");
    if (invalid) {
      invalid.focus();
      return;
    }
    let target = focus.control ? document.getElementById(focus.control) : null;
    if (!target || target.disabled || !root.contains(target)) {
      const row = root.querySelector(`${s.item}[data-${s.key}="${focus.row}"]`);
      target = row && row.querySelector(s.handle || "button:not([disabled])");
    }
    if (target) target.focus();
  }

  function saveOrder(root, row) {
    const s = settings(root);
    const form = s.form ? document.getElementById(s.form) : root;
    const id = idOf(row, s);
    if (s.moved) {
      root.querySelectorAll(`.${s.moved}`).forEach((marked) => marked.classList.remove(s.moved));
    }
    form.elements.moved.value = id;
    send(root, form, new FormData(form), { row: id });
  }

  // The list's own forms (up, down, add, remove): sent by us rather than by the browser.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const root = rootOf(form);
    if (!root) return;
    event.preventDefault();
    const submitter = event.submitter;
    // With the submitter, the button's own name and value (action=up:<key>) are sent too.
    const data = new FormData(form, submitter || null);
    const s = settings(root);
    const row = submitter && submitter.closest(s.item);
    send(root, form, data, { row: row && idOf(row, s), control: submitter && submitter.id });
  });

  document.addEventListener("keydown", function (event) {
    const root = rootOf(event.target);
    if (!root || !event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const s = settings(root);
    const handle = s.handle && event.target.closest(s.handle);
    if (!handle) return;
    event.preventDefault();
    const row = handle.closest(s.item);
    const up = event.key === "ArrowUp";
    const sibling = up ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling || !sibling.matches(s.item)) {
      // The first or last row of a page: its own button moves it on to the next page (none
      // at the very top or bottom of the list). The focus stays on the handle.
      const button = row.querySelector(`[data-move="${up ? "up" : "down"}"]`);
      if (button && button.form) send(root, button.form, new FormData(button.form, button), { row: idOf(row, s) });
      return;
    }
    if (up) sibling.before(row); else sibling.after(row);
    handle.focus();
    saveOrder(root, row);
  });

  document.addEventListener("dragstart", function (event) {
    const root = rootOf(event.target);
    const s = root && settings(root);
    const row = s && event.target.closest(s.item);
    if (!row || !row.draggable) return;
    dragged = row;
    row.setAttribute("data-dragging", "");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", idOf(row, s));
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    const item = settings(rootOf(dragged)).item;
    const over = event.target instanceof Element ? event.target.closest(item) : null;
    if (!over || over === dragged || over.parentNode !== dragged.parentNode) return;
    event.preventDefault();
    const box = over.getBoundingClientRect();
    if (event.clientY < box.top + box.height / 2) over.before(dragged); else over.after(dragged);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    const row = dragged;
    dragged = null;
    row.removeAttribute("data-dragging");
    saveOrder(rootOf(row), row);
  });
})();
