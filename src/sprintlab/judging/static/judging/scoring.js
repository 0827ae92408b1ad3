// Autosave on the judging pages: each form with data-autosave posts itself through htmx on change.
// A refused save answers 4xx with its message; let htmx show it next to the field instead of
// dropping it, and hide the "Save" buttons that only people without JavaScript need.
document.documentElement.classList.add("js-autosave");
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status >= 400 && status < 500 && event.detail.elt.closest("[data-autosave]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("htmx:sendError", (event) => {
  const slot = event.detail.elt.querySelector(".autosave-slot");
  if (slot) {
    slot.textContent = slot.dataset.offline || "Not saved: the connection failed. Try again.";
    slot.classList.add("autosave-error");
  }
});
// While a save is on its way, say so: an earlier "Saved" must not stand for text typed since.
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt.closest("[data-autosave]");
  const slot = form && form.querySelector(".autosave-slot");
  if (slot) {
    const pending = document.createElement("span");
    pending.className = "autosave-status autosave-pending";
    pending.textContent = slot.dataset.saving || "Saving…";
    slot.classList.remove("autosave-error");
    slot.replaceChildren(pending);
  }
});
