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

// --- The session: a warning before it ends for inactivity, and drafts of what is being typed ---
(() => {
  const body = document.body;
  const sessionUrl = body.dataset.sessionUrl;
  const draftsUrl = body.dataset.draftsUrl;
  const csrf = () => {
    try { return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (error) { return ""; }
  };
  const post = (url, fields, extra = {}) => fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    ...extra,
  });

  // Drafts: every form that is posted and has a text area keeps its text on the server.
  const SENT = "qme-draft-sent";
  const draftForms = draftsUrl
    ? [...document.querySelectorAll("form[method='post' i]:not([data-no-draft])")].filter(
        (form) => form.querySelector("textarea"))
    : [];
  const keyOf = (form, index) =>
    `${location.pathname}|${form.id || form.getAttribute("action") || index}`.slice(0, 300);
  const collect = (form) => {
    const data = {};
    for (const [name, value] of new FormData(form)) {
      if (typeof value !== "string" || name === "csrfmiddlewaretoken") continue;
      if (form.elements[name] && form.elements[name].type === "password") continue;
      (data[name] = data[name] || []).push(value);
    }
    return data;
  };
  const pristine = (form) =>
    ![...form.querySelectorAll("textarea")].some((area) => area.value.trim()) &&
    !form.querySelector(".errorlist, [aria-invalid='true']");
  const fill = (form, data) => {
    for (const [name, values] of Object.entries(data)) {
      const fields = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      fields.forEach((field, i) => {
        if (field.type === "checkbox" || field.type === "radio") field.checked = values.includes(field.value);
        else if (field.tagName === "SELECT" && field.multiple)
          [...field.options].forEach((o) => { o.selected = values.includes(o.value); });
        else if (field.type !== "file" && field.type !== "hidden" && values[i] !== undefined) field.value = values[i];
      });
    }
  };
  const sent = sessionStorage.getItem(SENT);
  const keys = draftForms.map(keyOf);
  if (draftsUrl && sent) {
    sessionStorage.removeItem(SENT);
    // Sent and answered with another page: the form went through, the draft has served.
    if (!keys.includes(sent)) post(`${draftsUrl}discard/`, { key: sent });
  }
  draftForms.forEach((form, index) => {
    const key = keys[index];
    let timer = null;
    const save = () => post(draftsUrl, { key, data: JSON.stringify(collect(form)) });
    form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(save, 1500); });
    form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(save, 1500); });
    form.addEventListener("submit", () => { clearTimeout(timer); sessionStorage.setItem(SENT, key); });
    if (!pristine(form)) return;
    fetch(`${draftsUrl}?${new URLSearchParams({ key })}`, { credentials: "same-origin" })
      .then((answer) => (answer.ok ? answer.json() : null))
      .then((answer) => {
        if (!answer || !answer.data || !pristine(form)) return;
        fill(form, answer.data);
        const note = document.getElementById("draft-restored");
        if (!note) return;
        const shown = note.content.firstElementChild.cloneNode(true);
        shown.querySelector("button").addEventListener("click", () => {
          post(`${draftsUrl}discard/`, { key }).then(() => location.reload());
        });
        form.before(shown);
      })
      .catch(() => {});
  });

  // The warning: asks the server how long the session has left (asking is not activity).
  const warning = document.getElementById("session-warning");
  if (!sessionUrl || !warning) return;
  const countdown = warning.querySelector("[data-countdown]");
  const ending = warning.querySelector("[data-ending]");
  const ended = warning.querySelector("[data-ended]");
  let left = null;
  let ticking = null;
  const minutes = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  const showEnded = () => {
    clearInterval(ticking);
    draftForms.forEach((form, index) =>
      post(draftsUrl, { key: keys[index], data: JSON.stringify(collect(form)) }).catch(() => {}));
    warning.hidden = false;
    ending.hidden = true;
    ended.hidden = false;
  };
  const show = (answer) => {
    if (!answer.signed_in) { showEnded(); return; }
    left = answer.seconds_left;
    if (left > answer.warn_seconds) { warning.hidden = true; schedule(left - answer.warn_seconds); return; }
    warning.hidden = false;
    ending.hidden = false;
    ended.hidden = true;
    countdown.textContent = minutes(Math.max(left, 0));
    clearInterval(ticking);
    ticking = setInterval(() => {
      left -= 1;
      countdown.textContent = minutes(Math.max(left, 0));
      if (left <= 0) check();
    }, 1000);
  };
  const check = () => fetch(sessionUrl, { credentials: "same-origin" })
    .then((answer) => answer.json()).then(show).catch(() => schedule(60));
  let next = null;
  const schedule = (seconds) => { clearTimeout(next); next = setTimeout(check, Math.min(seconds, 60) * 1000); };
  warning.querySelector("[data-stay]").addEventListener("click", () => {
    clearInterval(ticking);
    post(sessionUrl, {}).then((answer) => answer.json()).then(show).catch(() => {});
  });
  check();
})();
