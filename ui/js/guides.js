// The "Guides pas à pas" screen: every procedure of the profile with its
// numbered steps, texts and notes (from the `guides` command); "Aller à cet
// écran" opens the real screen of a step with that procedure active.
import { invoke } from "../ipc.js";
import { app, offers } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, screenRoot, show } from "./screens.js";
import { clearErrors, showAlert } from "./forms.js";
import { render as renderWalkthrough, setStepper } from "./walkthrough.js";
import { onWipe } from "./wipe.js";

const S = "guides";
const list = byTestid("guides-list", S);
let returnTo = "home";
let loadFailed = false;

export async function loadGuides() {
  try {
    app.guides = (await invoke("guides")) || [];
    loadFailed = false;
  } catch (_) {
    app.guides = [];
    loadFailed = true;
  }
  renderGuides();
  renderWalkthrough();
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

function renderGuides() {
  clearErrors(S);
  if (loadFailed) showAlert(S, t("guides.unavailable"));
  const guides = app.guides.filter((g) => offers(g.procedure));
  list.replaceChildren(
    ...guides.map((guide) => {
      const id = `guide-${guide.procedure}`;
      const steps = el("ol", { class: "guide-steps" });
      guide.steps.forEach((step, i) => {
        const n = i + 1;
        const headingId = `${id}-step-${n}`;
        const notes = (Array.isArray(step.notes) ? step.notes : step.notes ? [step.notes] : []).map((note) =>
          el("p", { class: "note", text: note }),
        );
        const go = el("button", {
          type: "button",
          class: "secondary",
          "data-testid": `guide-go-${guide.procedure}-${n}`,
          "aria-describedby": headingId,
          text: t("guides.go"),
        });
        go.addEventListener("click", () => goToStep(guide.procedure, n, step.screen));
        steps.append(
          el(
            "li",
            { class: "guide-step", "data-testid": `guide-step-${guide.procedure}-${n}` },
            el("h3", { id: headingId, text: t("guides.step", { n, title: step.title }) }),
            el("p", { text: step.text || "" }),
            ...notes,
            go,
          ),
        );
      });
      const section = el("section", { class: "guide", "data-testid": id, "aria-labelledby": `${id}-title` });
      section.append(el("h2", { id: `${id}-title`, text: guide.title }));
      if (guide.source) section.append(el("p", { class: "guide-source", text: t("guides.source", { source: guide.source }) }));
      section.append(steps);
      return section;
    }),
  );
}

/** Opens the screen of step `n` of a guide, at that step on the Rust side. */
async function goToStep(procedure, n, screen) {
  if (!screenRoot(screen)) return;
  try {
    const answer = await invoke("start_procedure", { procedure, step: n });
    setStepper(answer.stepper);
    if (answer.stepper && screenRoot(answer.stepper.screen)) screen = answer.stepper.screen;
  } catch (_) {
    setStepper(null);
  }
  // change-password works out its form (with or without the current password).
  if (screen === "change-password") app.changeOrigin = null;
  show(screen);
}

export function openGuides() {
  const from = currentScreen();
  if (from && from !== S) returnTo = from;
  show(S);
}

export function initGuides() {
  byTestid("home-guides", "home").addEventListener("click", openGuides);
  byTestid("topbar-guides").addEventListener("click", openGuides);
  byTestid("guides-back", S).addEventListener("click", () => show(returnTo || "home"));
  onLangChange(renderGuides);
  // The wipe: "Retour" leads home again, the list at its top.
  onWipe(() => {
    returnTo = "home";
    list.scrollTop = 0;
  });
}
