/* Small progressive enhancements; every flow also works without this file (design §5). */
"use strict";

// A link or button with data-opens-dialog="<id>" opens that <dialog> as a modal. Without JavaScript
// (or without <dialog> support) the link's href, a page with the same form, is followed instead.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-opens-dialog]");
  if (!opener) return;
  const dialog = document.getElementById(opener.dataset.opensDialog);
  if (!dialog || typeof dialog.showModal !== "function") return;
  event.preventDefault();
  dialog.showModal();
});

// A form with data-closes-dialog="<id>" closes that dialog once the server accepted it (2xx). A 422
// keeps it open with the messages. The closed modal gives the focus back to its opener. (beforeSwap,
// not afterRequest: the form is gone by then, and htmx re-sends that event from the dialog.)
document.addEventListener("htmx:beforeSwap", (event) => {
  const id = event.detail.elt.dataset && event.detail.elt.dataset.closesDialog;
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  if (id && status >= 200 && status < 300) {
    const dialog = document.getElementById(id);
    if (dialog && dialog.open) dialog.close();
  }
});

// Cancel in a dialog's form (data-resets-form="<form id>"), and Escape, which cancels the dialog too,
// leave nothing behind: the form is emptied of what was typed and of the messages of a refused attempt,
// so reopening the dialog shows a clean form. (form.reset() is not enough: after a 422 the typed values
// are the inputs' own defaults.)
const TYPED = ["text", "email", "password", "search", "tel", "url", "number", "textarea"];

function clearForm(form) {
  for (const field of form.elements) {
    if (field.type === "checkbox" || field.type === "radio") {
      field.checked = false;
      field.defaultChecked = false;
    } else if (TYPED.includes(field.type)) {  // not the hidden CSRF token, nor the buttons
      field.value = "";
      field.defaultValue = "";
    }
    field.removeAttribute("aria-invalid");
    field.removeAttribute("autofocus");
  }
  form.querySelectorAll(".error, .alert.error").forEach((message) => message.remove());
  // Descriptions that pointed at a removed message go; the hints stay.
  form.querySelectorAll("[aria-describedby]").forEach((field) => {
    const kept = field.getAttribute("aria-describedby").split(/\s+/)
      .filter((id) => id && document.getElementById(id));
    if (kept.length) field.setAttribute("aria-describedby", kept.join(" "));
    else field.removeAttribute("aria-describedby");
  });
}

function clearFormOf(control) {
  const form = document.getElementById(control.dataset.resetsForm);
  if (form) clearForm(form);
}

document.addEventListener("click", (event) => {
  const cancel = event.target.closest("[data-resets-form]");
  if (cancel) clearFormOf(cancel);
});

// "cancel" does not bubble: listened for on the way down.
document.addEventListener("cancel", (event) => {
  if (!(event.target instanceof HTMLDialogElement)) return;
  event.target.querySelectorAll("[data-resets-form]").forEach(clearFormOf);
}, true);

// "Saved" and the like leave the status region after a while, so an old message does not linger on
// screen; errors stay until the next message replaces them.
let statusTimer = null;
document.addEventListener("htmx:oobAfterSwap", (event) => {
  const region = event.detail.target;
  if (!region || region.id !== "status") return;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    if (!region.querySelector(".status-error")) region.textContent = "";
  }, 8000);
});
