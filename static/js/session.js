/* Session limits in the browser (the server enforces them: lis1/accounts/sessions.py).

   On a page with a form, shortly before the idle log-out (data-warning seconds), a dialog
   (#session-timeout, role="alertdialog") offers "Stay logged in", which posts to the session
   endpoint. Someone typing is active although the server has not heard from them: when the
   warning is due and the user has typed since, the session is kept alive without asking.
   Before that, the endpoint is asked (GET, marked as background so that asking is not
   activity) what is left, since another tab may have kept the session alive.

   No typed text is lost. When the session has ended, the fields of the page's forms (never
   passwords, files, hidden fields or fields marked autocomplete="off") are saved to sessionStorage (this tab only, gone when it
   closes) and the page is loaded again: the server sends it to the log-in page, which comes back
   here after log-in, and the fields are filled in again. A draft is restored only for the same
   user, on the same address, right after the log-in page, and is deleted once read.

   htmx polling (hx-trigger="every …") is marked as background too: a forgotten tab watching a
   job must not keep its session alive. */
(function () {
  "use strict";

  const DRAFT_KEY = "lis1-form-draft";
  const BACKGROUND = { "X-LIS1-Background": "1" };
  const SKIPPED = new Set(["hidden", "password", "file", "submit", "button", "reset", "image"]);
  // A field the browser is told not to remember (autocomplete="off", as on the identity
  // number) is not kept either.
  function kept(element) {
    return element.name && !element.disabled && !SKIPPED.has(element.type) &&
      element.getAttribute("autocomplete") !== "off";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    const trigger = event.detail.elt && event.detail.elt.getAttribute("hx-trigger");
    if (trigger && /^\s*every\s/.test(trigger)) Object.assign(event.detail.headers, BACKGROUND);
  });

  function start() {
    const box = document.getElementById("session-timeout");
    if (!box) return;
    const forms = Array.from(document.querySelectorAll("main form"));
    const here = location.pathname + location.search;
    const user = box.dataset.user;
    restore(forms, here, user, box.dataset.loginPath);
    if (!forms.length) return;

    const statusUrl = box.dataset.statusUrl;
    const warning = Number(box.dataset.warning) * 1000;
    const stay = document.getElementById("session-timeout-stay");
    const close = document.getElementById("session-timeout-close");
    const absoluteAt = Date.now() + 1000 * Number(box.dataset.absoluteRemaining);
    let expiresAt = Math.min(Date.now() + 1000 * Number(box.dataset.idleRemaining), absoluteAt);
    let timer = null;
    let typed = false;
    let ending = false;
    let focusBefore = null;

    function csrfToken() {
      const input = document.querySelector("input[name=csrfmiddlewaretoken]");
      return input ? input.value : "";
    }

    function schedule(at, then) {
      clearTimeout(timer);
      timer = setTimeout(then, Math.max(0, at - Date.now()));
    }

    function ask(post) {
      return fetch(statusUrl, {
        method: post ? "POST" : "GET",
        credentials: "same-origin",
        headers: post ? { "X-CSRFToken": csrfToken() } : BACKGROUND,
      }).then(function (response) {
        if (!response.ok) throw new Error(`session status ${response.status}`);
        return response.json();
      });
    }

    function show(absolute) {
      box.querySelector("[data-when=idle]").hidden = absolute;
      box.querySelector("[data-when=absolute]").hidden = !absolute;
      stay.hidden = absolute;
      if (box.hidden) {
        focusBefore = document.activeElement;
        box.hidden = false;
        (absolute ? close : stay).focus();
      }
    }

    function hide() {
      if (box.hidden) return;
      box.hidden = true;
      if (focusBefore && document.contains(focusBefore)) focusBefore.focus();
    }

    function end() {
      if (ending) return;
      ending = true;
      save(forms, here, user);
      // A plain GET of this page (without its #fragment, which would only scroll): the
      // server logs out, says why and sends us to log in, and back here afterwards.
      location.assign(location.pathname + location.search);
    }

    // What the server says is left; `final` when the log-out was due by our own clock.
    function check(final) {
      ask(false).then(function (status) {
        const left = status.authenticated
          ? Math.min(status.idle_remaining, status.absolute_remaining) * 1000 : 0;
        if (left <= 0) return end();
        expiresAt = Date.now() + left;
        const absolute = status.absolute_remaining <= status.idle_remaining;
        if (left > warning + 1000) {
          hide();
          schedule(expiresAt - warning, function () { check(false); });
        } else if (typed && !absolute) {
          keepAlive();
        } else {
          show(absolute);
          schedule(expiresAt + 1000, function () { check(true); });
        }
      }).catch(function () {
        // The server cannot be reached: try again soon, and save the fields at the deadline.
        if (final) save(forms, here, user);
        schedule(Date.now() + 15000, function () { check(final); });
      });
    }

    function keepAlive() {
      typed = false;
      ask(true).then(function (status) {
        if (!status.authenticated) return end();
        hide();
        expiresAt = Date.now() + 1000 * Math.min(status.idle_remaining, status.absolute_remaining);
        schedule(expiresAt - warning, function () { check(false); });
      }).catch(function () { check(false); });
    }

    stay.addEventListener("click", keepAlive);
    close.addEventListener("click", hide);
    document.addEventListener("input", function () { typed = true; });
    // A form sent after the deadline (a sleeping laptop delays timers) is refused by the
    // server: keep its fields so that they come back after the log-in.
    forms.forEach(function (form) {
      form.addEventListener("submit", function () {
        if (Date.now() >= expiresAt - 1000) save(forms, here, user);
      });
    });
    // Requests the user made through htmx are activity: the server's clock restarted.
    document.addEventListener("htmx:afterRequest", function (event) {
      const headers = event.detail.requestConfig && event.detail.requestConfig.headers;
      if (event.detail.successful && !(headers && headers["X-LIS1-Background"])) {
        expiresAt = Math.min(Date.now() + Number(box.dataset.idleRemaining) * 1000, absoluteAt);
        schedule(expiresAt - warning, function () { check(false); });
      }
    });
    schedule(expiresAt - warning, function () { check(false); });
  }

  function fieldOf(element) {
    if (element.type === "checkbox" || element.type === "radio") {
      return { checked: element.checked };
    }
    if (element.type === "select-multiple") {
      return { values: Array.from(element.selectedOptions).map(function (o) { return o.value; }) };
    }
    return { value: element.value };
  }

  function fields(form) {
    const seen = {};
    const found = [];
    Array.from(form.elements).forEach(function (element) {
      if (!kept(element)) return;
      const index = seen[element.name] = (seen[element.name] ?? -1) + 1;
      found.push(Object.assign({ name: element.name, index: index }, fieldOf(element)));
    });
    return found;
  }

  function save(forms, here, user) {
    const draft = {
      path: here,
      user: user,
      savedAt: Date.now(),
      forms: forms.map(function (form) {
        return { action: form.getAttribute("action") || "", fields: fields(form) };
      }),
    };
    try {
      sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
    } catch (error) {
      // Storage full or refused (private mode): nothing more we can do.
    }
  }

  function restore(forms, here, user, loginPath) {
    let draft = null;
    try {
      draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
    } catch (error) {
      draft = null;
    }
    if (!draft) return;
    // The log-in page leads straight back to the draft's page: any other page of ours means
    // the draft is not wanted (a form sent just in time, say), so it goes.
    sessionStorage.removeItem(DRAFT_KEY);
    if (draft.path !== here) return;
    let cameFromLogin = false;
    try {
      cameFromLogin = new URL(document.referrer).pathname === loginPath;
    } catch (error) {
      cameFromLogin = false;
    }
    const fresh = Date.now() - draft.savedAt < 12 * 60 * 60 * 1000;
    if (draft.user !== user || !cameFromLogin || !fresh) return;
    let restored = false;
    draft.forms.forEach(function (saved, n) {
      const form = forms[n];
      if (!form || (form.getAttribute("action") || "") !== saved.action) return;
      saved.fields.forEach(function (field) {
        const element = Array.from(form.elements).filter(function (e) {
          return e.name === field.name && kept(e);
        })[field.index];
        if (!element) return;
        const before = JSON.stringify(fieldOf(element));
        if ("checked" in field) {
          element.checked = field.checked;
        } else if ("values" in field) {
          Array.from(element.options).forEach(function (o) {
            o.selected = field.values.includes(o.value);
          });
        } else {
          element.value = field.value;
        }
        if (JSON.stringify(fieldOf(element)) === before) return;
        restored = true;
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
    const notice = document.getElementById("session-restored");
    if (restored && notice) notice.hidden = false;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
