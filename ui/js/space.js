// The personal space ("Vous êtes désormais connecté !"): the member's name,
// « Mes coordonnées » and « Sécurité du compte » (contacts.js, security.js),
// changing the password (with the current one), log-out (at a kiosk, the
// full wipe and the attract screen).
import { invoke } from "../ipc.js";
import { app, isKiosk } from "./state.js";
import { wipe } from "./wipe.js";
import { byTestid, show } from "./screens.js";
import { busy, clearScreen } from "./forms.js";
import { forgetProcedures } from "./procedures.js";
import { setStepper } from "./walkthrough.js";
import { openContacts } from "./contacts.js";

/** A full session is open: shows the space with the member's name. */
export function enterSpace(member) {
  app.session = "full";
  forgetProcedures();
  clearScreen("login");
  byTestid("member-name", "space").textContent = `${member.first_name} ${member.last_name}`;
  show("space");
}

export function initSpace() {
  byTestid("space-contacts", "space").addEventListener("click", () => openContacts());
  byTestid("space-security", "space").addEventListener("click", () => show("security"));
  for (const screen of ["contacts", "security"]) {
    byTestid("back-space", screen).addEventListener("click", () => show("space"));
  }
  byTestid("space-change-password", "space").addEventListener("click", () => {
    app.changeOrigin = "space";
    clearScreen("change-password");
    show("change-password");
  });

  const logout = byTestid("logout", "space");
  logout.addEventListener("click", () =>
    busy(logout, async () => {
      if (isKiosk()) {
        // The next member finds nothing: session, fields, texts, storage.
        await wipe();
        return;
      }
      try {
        await invoke("logout");
      } catch (_) {
        // The Rust side forgets the session even when the backend does not answer.
      }
      app.session = null;
      forgetProcedures();
      byTestid("member-name", "space").textContent = "";
      setStepper(null);
      show("home");
    }),
  );
}
