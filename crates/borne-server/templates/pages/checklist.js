// The live checklist of the password page (crates/borne-server/src/http/pages/):
// as the member types, the rules are asked of the server (POST /compte/regles:
// borne-core's rules, the same as the app's) and the list is updated. The page
// works without this script: the form is checked when it is posted. Addresses
// are relative, as every link of the pages, so that public_url may have a path.
"use strict";
(function () {
  const form = document.getElementById("formulaire");
  if (!form || !window.fetch) return;
  const password = document.getElementById("new-password");
  const confirmation = document.getElementById("confirmation");
  const list = document.getElementById("rules-list");
  const match = document.getElementById("match");
  const live = document.getElementById("rules-live");
  if (!password || !confirmation || !list || !match) return;
  if (live) live.hidden = false;
  let timer = null;
  let asked = 0;

  function show(answer) {
    const typed = password.value !== "";
    for (const r of answer.rules) {
      const li = list.querySelector('li[data-rule="' + r.rule + '"]');
      if (!li) continue;
      li.classList.toggle("met", typed && r.met);
      li.classList.toggle("unmet", typed && !r.met);
      const sr = li.querySelector(".sr");
      if (sr) sr.textContent = typed ? (r.met ? list.dataset.met : list.dataset.unmet) : "";
    }
    if (confirmation.value === "") {
      match.textContent = "";
      match.className = "match";
    } else {
      match.textContent = answer.confirmation_matches ? match.dataset.yes : match.dataset.no;
      match.className = "match " + (answer.confirmation_matches ? "yes" : "no");
    }
  }

  async function ask() {
    const n = ++asked;
    const body = new URLSearchParams();
    body.set("token", form.elements.token.value);
    body.set("csrf", form.elements.csrf.value);
    body.set("password", password.value);
    body.set("confirmation", confirmation.value);
    try {
      const response = await fetch("regles", { method: "POST", body: body, credentials: "same-origin", cache: "no-store" });
      if (!response.ok || n !== asked) return;
      show(await response.json());
    } catch (e) {
      // Offline or refused: the list stays as it is; the form still works.
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  }
  password.addEventListener("input", later);
  confirmation.addEventListener("input", later);
})();
