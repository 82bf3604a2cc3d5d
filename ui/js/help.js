// Help panels: "Où trouver mon numéro de Sécurité Sociale avec la clé ?",
// "Où trouver mon numéro interne ?", "Un autre message d'erreur ?". One
// modal <dialog> (focus kept inside, Esc closes it); the focus goes back to
// the opener on close. Content from the `help` command (profile and
// language specific), with a short fallback when it cannot be read.
// « Un autre message d'erreur ? » leads somewhere: on a member's PC the chat
// and the phone are links the system opens (open_contact: its browser and
// dialer, never this window); at a kiosk, the branch's sentence (help_staff)
// and the phone number, large, and nothing that opens outside the app.
import { invoke } from "../ipc.js";
import { app, isKiosk } from "./state.js";
import { t } from "./i18n.js";
import { byTestid } from "./screens.js";
import { onWipe } from "./wipe.js";

const panel = byTestid("help-panel");
const title = byTestid("help-title");
const body = byTestid("help-body");
const image = byTestid("help-image");
const close = byTestid("help-close");
const contact = byTestid("help-contact");
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

function element(tag, testid, text) {
  const el = document.createElement(tag);
  el.dataset.testid = testid;
  el.textContent = text;
  return el;
}

/** A link the system opens (browser, dialer); the address is the profile's, on the Rust side. */
function contactLink(testid, href, text, which) {
  const a = element("a", testid, text);
  a.href = href;
  a.addEventListener("click", (event) => {
    event.preventDefault();
    invoke("open_contact", { contact: which }).catch(() => {});
  });
  return a;
}

/** Where « Un autre message d'erreur ? » leads: staff and phone at a kiosk, chat and phone links on a PC. */
function renderContact(id) {
  const support = app.profile.support || {};
  const phone = support.phone || "";
  if (id !== "other_error" || !phone) {
    contact.replaceChildren();
    contact.hidden = true;
    return false;
  }
  if (isKiosk()) {
    const staff = (app.info && app.info.kiosk && app.info.kiosk.help_staff) || t("help.staff_default");
    contact.replaceChildren(
      element("p", "help-staff", staff),
      element("p", "help-phone-label", t("help.phone_label", { insurer: support.insurer || app.profile.name })),
      element("p", "help-phone", phone),
    );
    contact.querySelector('[data-testid="help-phone"]').className = "help-phone";
  } else {
    // The addresses as app_info computed them (Profile::contact_url), the ones open_contact opens.
    const urls = (app.info && app.info.contacts) || {};
    const links = [];
    if (urls.chat) links.push(contactLink("help-chat-link", urls.chat, t("help.chat_link", { chat: support.chat || "" }), "chat"));
    if (urls.phone) links.push(contactLink("help-phone-link", urls.phone, t("help.phone_link", { phone }), "phone"));
    contact.replaceChildren(...links);
  }
  contact.hidden = false;
  return true;
}

export async function openHelp(id, from) {
  opener = from || document.activeElement;
  // Opened before the topics arrived (right after the start): wait for them;
  // before the start even asked for them: ask now.
  await (loading || loadHelp());
  const h = topic(id);
  panel.dataset.topic = id;
  title.textContent = h.title;
  // At a kiosk the chat is out of reach: the staff and the phone say it instead.
  const replaced = renderContact(id) && isKiosk();
  body.replaceChildren(
    ...(replaced ? [] : h.paragraphs || []).map((text) => {
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
  contact.replaceChildren();
  contact.hidden = true;
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
