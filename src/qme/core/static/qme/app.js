// Small progressive enhancements; every page works without them.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".nav-toggle");
  if (toggle) {
    const open = toggle.getAttribute("aria-expanded") === "true";
    toggle.setAttribute("aria-expanded", String(!open));
  }
});
// Guard against double submits: a form disables its buttons once it is sent.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.submitting === "true") { event.preventDefault(); return; }
  if (form.method && form.method.toLowerCase() === "post") {
    form.dataset.submitting = "true";
    setTimeout(() => { form.dataset.submitting = "false"; }, 4000);
  }
});
