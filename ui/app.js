// Start of the UI: wires the modules, reads the profile, the language, the
// guides and the help topics, then shows the welcome screen (or the
// personal space, or the reset screen of a `borne://` link); at a kiosk the
// attract screen, with the idle timeout, the on-screen keyboard and the
// staff exit (issue 5). Rules and messages come from the Rust side
// (borne-core); the UI only shows them.
import { invoke, onDeepLink } from "./ipc.js";
import { app } from "./js/state.js";
import { applyTexts, getLang, LANGS, setLang } from "./js/i18n.js";
import { allByTestid, currentScreen, show } from "./js/screens.js";
import { clearErrors, initToggles, showAlert } from "./js/forms.js";
import { initBirthdates } from "./js/birthdate.js";
import { initHelp, loadHelp } from "./js/help.js";
import { initGuides, loadGuides } from "./js/guides.js";
import { initProfile, applyProfile } from "./js/profile.js";
import { initProcedures } from "./js/procedures.js";
import { initResend } from "./js/resend.js";
import { enterSpace, initSpace } from "./js/space.js";
import { initLogin, initRemember } from "./js/login.js";
import { initForgot } from "./js/forgot.js";
import { initReset, openFromLink } from "./js/reset.js";
import { initUnlock } from "./js/unlock.js";
import { initChangePassword } from "./js/change-password.js";
import { initContacts } from "./js/contacts.js";
import { initSecurity } from "./js/security.js";
import { initRegister } from "./js/register.js";
import { initDemo } from "./js/demo.js";
import { initKiosk } from "./js/kiosk.js";
import { configureKeyboard, initKeyboard } from "./js/keyboard.js";
import { initStatus } from "./js/status.js";
import { initDisplay } from "./js/display.js";
import { onWipe } from "./js/wipe.js";
import { initSpeech } from "./js/speech.js";
import { initTitle } from "./js/title.js";

// The steps of the start, for borne-app-bench (README, "App performance").
performance.mark("borne:modules");

function renderLangButtons() {
  for (const lang of LANGS) {
    for (const button of allByTestid(`lang-${lang}`)) button.setAttribute("aria-pressed", String(lang === getLang()));
  }
}

let switching = false;
/** The language the app started in: a wipe goes back to it. */
let startLang = "fr";

async function chooseLanguage(lang, button) {
  if (lang === getLang() || switching) return;
  switching = true;
  button.setAttribute("aria-busy", "true");
  try {
    await invoke("set_language", { lang });
    // Guides and help in the new language; then every text is re-rendered.
    await Promise.all([loadGuides(), loadHelp()]);
    setLang(lang);
  } catch (err) {
    const screen = currentScreen();
    if (screen) {
      clearErrors(screen);
      showAlert(screen, err.message);
    }
  } finally {
    switching = false;
    button.removeAttribute("aria-busy");
    renderLangButtons();
  }
}

function init() {
  applyTexts();
  initToggles();
  initBirthdates();
  initHelp();
  initProfile();
  initProcedures();
  initResend();
  initSpace();
  initLogin();
  initForgot();
  initReset();
  initUnlock();
  initChangePassword();
  initContacts();
  initSecurity();
  initRegister();
  initGuides();
  initKeyboard();
  initSpeech();
  initTitle();
  initDisplay();
  // The wipe: the next member starts in the app's language.
  onWipe(async (rustDone) => {
    await rustDone;
    if (getLang() === startLang) return;
    try {
      await invoke("set_language", { lang: startLang });
      await Promise.all([loadGuides(), loadHelp()]);
    } catch (_) {
      // The texts of the UI change anyway; the Rust side's follow at the next choice.
    }
    setLang(startLang);
    renderLangButtons();
  });
  for (const lang of LANGS) {
    for (const button of allByTestid(`lang-${lang}`)) button.addEventListener("click", () => chooseLanguage(lang, button));
  }
  renderLangButtons();
}

async function start() {
  init();
  let screen = "home";
  try {
    // app_info comes with the page (an initialization script of the window,
    // commands/info.rs); asked for only if it did not.
    const info = window.__BORNE_APP_INFO__ || (await invoke("app_info"));
    performance.mark("borne:app-info");
    app.info = info;
    if (info.lang && info.lang !== getLang()) setLang(info.lang);
    startLang = getLang();
    renderLangButtons();
    applyProfile(info.profile);
    document.querySelector('[data-testid="demo-badge"]').hidden = !info.demo;
    initDemo(info.demo);
    // Kiosk or member's PC: the attract screen, the keyboard, the staff exit,
    // or the remembered identifier.
    if (initKiosk()) screen = "attract";
    configureKeyboard();
    // One round of calls for the rest of the first screen; the guides and
    // the help follow once it is shown (below).
    const [member, link] = await Promise.all([
      invoke("current_member"),
      invoke("take_deep_link").catch(() => null),
      initRemember(),
      initStatus(),
    ]);
    if (member) {
      enterSpace(member);
      screen = null;
    }
    if (openFromLink(link)) screen = null;
    performance.mark("borne:data");
  } catch (err) {
    show("login");
    showAlert("login", err.message);
    screen = null;
  }
  if (screen) show(screen);
  onDeepLink((payload) => openFromLink(payload));
}

start().finally(() => {
  performance.mark("borne:ready");
  document.body.dataset.ready = "true";
  // Not needed by the first screen: the stepper's notes, the "Guides" screen
  // and the help panels (which wait for it if opened sooner). Asked for once
  // the first screen is painted (the timer set in the frame's callback runs
  // after its paint), so that their answers and DOM do not hold up the
  // member's first touch.
  requestAnimationFrame(() =>
    setTimeout(() => {
      loadGuides();
      loadHelp();
    }),
  );
});
