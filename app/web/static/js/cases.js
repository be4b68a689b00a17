/* Case-file pages: an upload form says at once that a chosen file is over the limit, instead of sending
   megabytes the server will refuse anyway (the server checks again: this only saves the wait). */
"use strict";

function tooLarge(form) {
  const input = form.querySelector("input[type=file]");
  const limit = Number(form.dataset.maxBytes || 0);
  const file = input && input.files && input.files[0];
  return Boolean(limit && file && file.size > limit) ? input : null;
}

function showFileError(form, input) {
  const id = input.id + "-error";
  let message = document.getElementById(id);
  if (!message) {
    message = document.createElement("p");
    message.className = "error";
    message.id = id;
    input.insertAdjacentElement("afterend", message);
  }
  message.textContent = form.dataset.tooLarge || "";
  input.setAttribute("aria-invalid", "true");
  const described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  if (!described.includes(id)) input.setAttribute("aria-describedby", described.concat(id).join(" "));
}

function clearFileError(input) {
  const message = document.getElementById(input.id + "-error");
  if (message) message.remove();
  input.removeAttribute("aria-invalid");
  const described = (input.getAttribute("aria-describedby") || "").split(/\s+/)
    .filter((id) => id && id !== input.id + "-error");
  if (described.length) input.setAttribute("aria-describedby", described.join(" "));
  else input.removeAttribute("aria-describedby");
}

document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
  const form = input.closest("form[data-max-bytes]");
  if (!form) return;
  if (tooLarge(form)) showFileError(form, input);
  else clearFileError(input);
});

// Capture phase: runs before htmx's own submit handler on the form, which then never sees the event.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.maxBytes) return;
  const input = tooLarge(form);
  if (!input) return;
  event.preventDefault();
  event.stopPropagation();
  showFileError(form, input);
  input.focus();
}, true);
