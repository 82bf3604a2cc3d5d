// The stepper beside the procedure forms: the steps of the active procedure
// (from the `guides` command), the current one marked with
// aria-current="step" = the first step whose `screen` is the current screen.
import { app } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onScreenChange } from "./screens.js";

const aside = byTestid("walkthrough");
const title = byTestid("walkthrough-title");
const stepText = byTestid("walkthrough-step");
const list = byTestid("walkthrough-list");
const notes = byTestid("walkthrough-notes");

/** The entry point chose a procedure (login, forgot, unlock, register, or null). */
export function setProcedure(procedure) {
  app.procedure = procedure;
  render();
}

export function guideOf(procedure) {
  return app.guides.find((g) => g.procedure === procedure) || null;
}

function hide() {
  aside.hidden = true;
  document.body.classList.remove("with-walkthrough");
}

export function render() {
  const screen = currentScreen();
  const guide = guideOf(app.procedure);
  const steps = (guide && guide.steps) || [];
  const index = screen === "guides" ? -1 : steps.findIndex((s) => s.screen === screen);
  if (index < 0) {
    hide();
    return;
  }
  const step = steps[index];
  title.textContent = guide.title;
  stepText.textContent = t("walkthrough.step", { n: index + 1, total: steps.length, title: step.title });

  list.replaceChildren(
    ...steps.map((s, i) => {
      const li = document.createElement("li");
      li.className = "walkthrough-item";
      li.dataset.testid = "walkthrough-item";
      const num = document.createElement("span");
      num.className = "walkthrough-num";
      num.setAttribute("aria-hidden", "true");
      num.textContent = String(i + 1);
      const label = document.createElement("span");
      label.className = "walkthrough-label";
      label.textContent = s.title;
      li.append(num, label);
      if (i === index) {
        li.setAttribute("aria-current", "step");
        const here = document.createElement("span");
        here.className = "walkthrough-here";
        here.textContent = ` (${t("walkthrough.current")})`;
        label.append(here);
      }
      return li;
    }),
  );

  const stepNotes = Array.isArray(step.notes) ? step.notes : step.notes ? [step.notes] : [];
  notes.replaceChildren(
    ...stepNotes.map((n) => {
      const p = document.createElement("p");
      p.textContent = n;
      return p;
    }),
  );
  notes.hidden = stepNotes.length === 0;
  aside.hidden = false;
  document.body.classList.add("with-walkthrough");
}

onScreenChange(render);
onLangChange(render);
