// The insurer's profile (app_info.profile): its name in the top bar, the
// name of its online space in every text ({space}), its
// colours, the procedures it offers (the entry points of the others are
// hidden) and the fields of its forgotten-password form.
import { app, offers } from "./state.js";
import { t, onLangChange, setGlobals } from "./i18n.js";
import { byTestid } from "./screens.js";
import { applyForgotFields } from "./forgot.js";

function renderName() {
  const name = app.profile.name;
  byTestid("insurer-name").textContent = name ? t("top.space", { name }) : t("top.space_default");
}

export function applyProfile(profile) {
  if (!profile) {
    renderName();
    return;
  }
  app.profile = { ...app.profile, ...profile };
  // « Espace adhérent » or « Espace personnel » in every text of the UI.
  // Its name and phone number in the texts that give them.
  const support = profile.support || {};
  setGlobals({ space: profile.space || "", insurer: support.insurer || profile.name || "", phone: support.phone || "" });
  const colours = profile.colours || {};
  const root = document.documentElement.style;
  if (colours.primary) root.setProperty("--primary", colours.primary);
  if (colours.primary_dark) root.setProperty("--primary-dark", colours.primary_dark);
  if (colours.on_primary) root.setProperty("--on-primary", colours.on_primary);

  // Entry points of procedures this insurer does not offer.
  for (const el of document.querySelectorAll("[data-procedure]")) {
    if (!offers(el.dataset.procedure)) {
      el.hidden = true;
      el.dataset.notOffered = "true";
    }
  }
  if (Array.isArray(profile.forgot_fields)) applyForgotFields(profile.forgot_fields);
  renderName();
}

export function initProfile() {
  renderName();
  onLangChange(renderName);
}
