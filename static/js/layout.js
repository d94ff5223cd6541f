/* Page frame on small screens.

   1. The header menu: on narrow screens (see lis1.css, "Header") the navigation and the
      language switch fold behind the "Menu" button (#site-menu-toggle, aria-expanded and
      aria-controls). Loaded in <head> without defer so that the class below is on <html>
      before the header is drawn: without JavaScript the button stays hidden and the links
      simply wrap below the brand.
   2. Tables that are wider than the screen scroll inside their .table-wrap. Such a region
      gets tabindex="0", role="region" and the table's caption as its name, so that keyboard
      users can scroll it too (axe: scrollable-region-focusable); the attributes go again
      when it fits. Checked on load, on resize and after htmx swaps. */
(function () {
  "use strict";

  document.documentElement.classList.add("has-menu-js");

  function setUpMenu() {
    const button = document.getElementById("site-menu-toggle");
    const panel = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;

    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-open", open);
    }

    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu from anywhere in it and gives the focus back to the button.
    button.parentElement.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") return;
      if (getComputedStyle(button).display === "none") return;
      setOpen(false);
      button.focus();
    });
  }

  const MARK = "data-scroll-region";

  function labelFor(wrap) {
    const caption = wrap.querySelector("caption");
    if (!caption) return null;
    if (!caption.id) {
      labelFor.count = (labelFor.count || 0) + 1;
      caption.id = `table-caption-${labelFor.count}`;
    }
    return caption.id;
  }

  function checkTables(root) {
    const scope = root instanceof Element || root instanceof Document ? root : document;
    const wraps = scope.querySelectorAll(".table-wrap");
    for (const wrap of wraps) {
      const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      const ours = wrap.hasAttribute(MARK);
      if (scrolls && !ours && !wrap.hasAttribute("tabindex")) {
        wrap.setAttribute(MARK, "");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        const label = labelFor(wrap);
        if (label) wrap.setAttribute("aria-labelledby", label);
      } else if (!scrolls && ours) {
        for (const name of [MARK, "tabindex", "role", "aria-labelledby"]) {
          wrap.removeAttribute(name);
        }
      }
    }
  }

  let pending = false;
  function checkSoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      checkTables(document);
    });
  }

  function start() {
    setUpMenu();
    checkTables(document);
    window.addEventListener("resize", checkSoon);
    window.addEventListener("load", checkSoon);
    document.body.addEventListener("htmx:afterSettle", checkSoon);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
