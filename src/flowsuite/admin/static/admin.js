// flowsuite console: small progressive enhancements; every page works without them.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // "I have copied them": the Done button waits for the checkbox.
  for (const box of document.querySelectorAll("input[data-enables]")) {
    const target = document.getElementById(box.dataset.enables);
    if (!target) continue;
    const sync = () => { target.disabled = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  }
  // Copy buttons next to a secret shown once.
  if (navigator.clipboard) {
    for (const button of document.querySelectorAll("button[data-copy]")) {
      button.hidden = false;
      button.addEventListener("click", async () => {
        const source = document.getElementById(button.dataset.copy);
        if (!source) return;
        await navigator.clipboard.writeText(source.textContent.trim());
        button.textContent = "Copied";
      });
    }
  }
  // Destructive forms ask first.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
});
