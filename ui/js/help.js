// Help panels: "Où trouver mon numéro de Sécurité Sociale avec la clé ?",
// "Où trouver mon numéro interne ?", "Un autre message d'erreur ?". One
// modal <dialog> (focus kept inside, Esc closes it); the focus goes back to
// the opener on close. Content from the `help` command (profile and
// language specific), with a short fallback when it cannot be read.
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { t } from "./i18n.js";
import { byTestid } from "./screens.js";
import { onWipe } from "./wipe.js";

const panel = byTestid("help-panel");
const title = byTestid("help-title");
const body = byTestid("help-body");
const image = byTestid("help-image");
const close = byTestid("help-close");
let opener = null;

const FALLBACK_IMAGES = { nir: "img/carte-vitale.svg", member_number: "img/carte-tiers-payant.svg" };

let loading = null;

/** Reads the help topics (profile and language specific). */
export function loadHelp() {
  loading = invoke("help")
    .then((topics) => {
      app.help = topics || [];
    })
    .catch(() => {
      app.help = [];
    });
  return loading;
}

function topic(id) {
  const found = app.help.find((h) => h.id === id);
  if (found) return found;
  const support = app.profile.support || {};
  return {
    id,
    title: t(`help.fallback.${id}.title`),
    paragraphs: [t(`help.fallback.${id}.text`, { insurer: support.insurer || app.profile.name, chat: support.chat, phone: support.phone })],
    image: FALLBACK_IMAGES[id] || null,
    image_alt: FALLBACK_IMAGES[id] ? t(`help.fallback.${id}.alt`) : "",
  };
}

export async function openHelp(id, from) {
  opener = from || document.activeElement;
  // Opened before the topics arrived (right after the start): wait for them;
  // before the start even asked for them: ask now.
  await (loading || loadHelp());
  const h = topic(id);
  panel.dataset.topic = id;
  title.textContent = h.title;
  body.replaceChildren(
    ...(h.paragraphs || []).map((text) => {
      const p = document.createElement("p");
      p.textContent = text;
      return p;
    }),
  );
  if (h.image) {
    image.src = h.image;
    image.alt = h.image_alt || "";
    image.hidden = false;
  } else {
    image.removeAttribute("src");
    image.alt = "";
    image.hidden = true;
  }
  if (typeof panel.showModal === "function") {
    if (!panel.open) panel.showModal();
  } else {
    panel.setAttribute("open", "");
    panel.classList.add("fallback-modal");
  }
  title.focus();
}

export function closeHelp() {
  if (typeof panel.close === "function" && panel.open) panel.close();
  else {
    panel.removeAttribute("open");
    restoreFocus();
  }
}

function restoreFocus() {
  const target = opener;
  opener = null;
  if (target && document.contains(target)) target.focus();
}

/** The wipe: the panel closed and emptied, no focus to give back. */
function resetHelp() {
  opener = null;
  if (panel.open && typeof panel.close === "function") panel.close();
  panel.removeAttribute("open");
  panel.classList.remove("fallback-modal");
  delete panel.dataset.topic;
  title.textContent = "";
  body.replaceChildren();
  image.removeAttribute("src");
  image.alt = "";
  image.hidden = true;
}

export function initHelp() {
  onWipe(resetHelp);
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-help]");
    if (button) {
      event.preventDefault();
      openHelp(button.dataset.help, button);
    }
  });
  close.addEventListener("click", closeHelp);
  // Esc (the dialog's "cancel") and close() both end here.
  panel.addEventListener("close", restoreFocus);
  // A tap outside the panel (on the backdrop) closes it.
  panel.addEventListener("click", (event) => {
    if (event.target !== panel) return;
    const r = panel.getBoundingClientRect();
    const inside = event.clientX >= r.left && event.clientX <= r.right && event.clientY >= r.top && event.clientY <= r.bottom;
    if (!inside) closeHelp();
  });
  // Fallback without showModal(): keep Tab inside, Esc closes.
  panel.addEventListener("keydown", (event) => {
    if (!panel.classList.contains("fallback-modal")) return;
    if (event.key === "Escape") {
      event.preventDefault();
      closeHelp();
    } else if (event.key === "Tab") {
      event.preventDefault();
      close.focus();
    }
  });
}
