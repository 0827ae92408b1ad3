// Autosave on the judging pages: each form with data-autosave posts itself through htmx on change.
// A refused save answers 4xx with its message; let htmx show it next to the field instead of
// dropping it, and hide the "Save" buttons that only people without JavaScript need.
document.documentElement.classList.add("js-autosave");

function autosaveSlot(event) {
  const form = event.detail.elt.closest("[data-autosave]");
  return form && form.querySelector(".autosave-slot");
}

// A save that failed says so in its slot; the page's own words, in the page's language, when it has them.
function showFailure(slot, text) {
  const failure = document.createElement("span");
  failure.className = "autosave-status autosave-error";
  failure.setAttribute("role", "alert");
  failure.textContent = text;
  slot.replaceChildren(failure);
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status >= 400 && status < 500 && event.detail.elt.closest("[data-autosave]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("htmx:sendError", (event) => {
  const slot = autosaveSlot(event);
  if (slot) {
    showFailure(slot, slot.dataset.offline || "Not saved: the connection failed. Try again.");
  }
});
// A server error (5xx) is not swapped in: without this the slot would say "Saving…" for ever.
document.addEventListener("htmx:responseError", (event) => {
  const slot = autosaveSlot(event);
  if (slot) {
    showFailure(slot, slot.dataset.failed || "Not saved: something went wrong on our side. Try again.");
  }
});
// While a save is on its way, say so: an earlier "Saved" must not stand for newer text.
document.addEventListener("htmx:beforeRequest", (event) => {
  const slot = autosaveSlot(event);
  if (slot) {
    const pending = document.createElement("span");
    pending.className = "autosave-status autosave-pending";
    pending.textContent = slot.dataset.saving || "Saving…";
    slot.replaceChildren(pending);
  }
});
