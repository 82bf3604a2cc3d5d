// Log-in (MPN guide "CONNEXION"): field (A) NIR or e-mail, field (B)
// password, "Valider"; the guide's messages under the form; the links (C)
// "Mot de passe oublié ?", (D) "Pas encore inscrit ?", and "Débloquez votre
// compte" when the account is blocked (MGEN guide, step 1). A log-in with an
// SMS temporary password leads to the change of password. On a member's PC
// « Se souvenir de mon identifiant » keeps the identifier (never the
// password) in the OS keyring: the Rust side stores it after a successful
// log-in, `remembered_identifier` prefills it at the next start.
import { invoke } from "../ipc.js";
import { app, isKiosk, offers } from "./state.js";
import { byTestid, onShow, show } from "./screens.js";
import { announce, clearErrors, clearScreen, looksLikeNir, onSubmit, setFieldError, showError } from "./forms.js";
import { enterSpace } from "./space.js";
import { startProcedure } from "./procedures.js";
import { setStepper } from "./walkthrough.js";

const S = "login";
const form = document.getElementById("login-form");
const identifier = byTestid("login-identifier", S);
const password = byTestid("login-password", S);
const linkUnlock = byTestid("link-unlock", S);
const remember = byTestid("login-remember", S);
const rememberField = remember.closest("[data-remember]");

/** Shows the log-in form, emptied, with the identifier prefilled if given. */
export function openLogin(prefill = "") {
  clearScreen(S);
  identifier.value = prefill;
  show(S);
}

function handleLoginError(err) {
  const blocked = err.code === "account_blocked";
  linkUnlock.hidden = !(blocked && offers("unlock"));
  showError(S, err, { focus: blocked ? linkUnlock : null });
}

async function submit() {
  clearErrors(S);
  const typedPassword = password.value;
  password.value = "";
  try {
    const typedIdentifier = identifier.value;
    const keep = !isKiosk() && !rememberField.hidden && remember.checked;
    const answer = await invoke("login", { identifier: typedIdentifier, password: typedPassword, remember: keep });
    const member = answer.member || answer;
    // The Rust side kept (or forgot) the identifier in the keyring.
    if (!isKiosk()) app.remembered = keep ? typedIdentifier.trim() : null;
    if (answer.must_change_password) {
      // SMS temporary password (MGEN guide, step 5): choose a new one first.
      app.session = "temporary";
      app.changeOrigin = "temporary";
      setStepper(answer.stepper);
      clearScreen(S);
      clearScreen("change-password");
      show("change-password");
    } else {
      setStepper(answer.stepper);
      enterSpace(member);
    }
  } catch (err) {
    handleLoginError(err);
  }
}

/** The identifier typed, when it may prefill a NIR field. */
function typedNir() {
  return looksLikeNir(identifier.value) ? identifier.value.trim() : "";
}

/** The remembered identifier, in an emptied form (member's PC only). */
function prefillRemembered() {
  if (isKiosk() || rememberField.hidden || !app.remembered) return;
  if (!identifier.value) identifier.value = app.remembered;
  if (identifier.value.trim() === app.remembered) remember.checked = true;
}

/**
 * Called once app_info is known: the checkbox on a member's PC only, and the
 * identifier remembered there (`remembered_identifier`, null at a kiosk).
 */
export async function initRemember() {
  rememberField.hidden = isKiosk();
  app.remembered = null;
  if (isKiosk()) return;
  try {
    const kept = await invoke("remembered_identifier");
    app.remembered = typeof kept === "string" && kept.trim() ? kept.trim() : null;
  } catch (_) {
    // No keyring (or an older Rust side): nothing prefilled.
    app.remembered = null;
  }
  prefillRemembered();
}

export function initLogin() {
  onSubmit(form, submit);
  onShow(S, prefillRemembered);

  // Precise feedback on field (A) as soon as the member leaves it.
  identifier.addEventListener("blur", async () => {
    if (!identifier.value.trim()) return;
    try {
      await invoke("check_identifier", { identifier: identifier.value });
      setFieldError(identifier, "");
    } catch (err) {
      setFieldError(identifier, err.message);
      announce(err.message);
    }
  });

  byTestid("home-login", "home").addEventListener("click", () => startProcedure("login"));

  linkUnlock.addEventListener("click", () => {
    const nir = typedNir();
    clearScreen(S);
    startProcedure("unlock", { "unlock-nir": nir });
  });

  byTestid("link-forgot-password", S).addEventListener("click", () => {
    const typed = identifier.value.trim();
    clearScreen(S);
    startProcedure("forgot", { "forgot-identifier": typed });
  });

  byTestid("link-register", S).addEventListener("click", () => {
    const nir = typedNir();
    clearScreen(S);
    startProcedure("register", { "register-nir": nir });
  });

  byTestid("back-home", S).addEventListener("click", () => {
    clearScreen(S);
    setStepper(null);
    show("home");
  });
}
