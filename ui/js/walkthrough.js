// The stepper beside the procedure forms, as the Rust side answered it
// (borne-app computes which procedure, which step, and beside which screens
// it is shown): the steps' titles and notes come from the `guides` command,
// the current ones (`marked`: the steps that share this screen, e.g. the
// mailbox and the code) marked with aria-current="step".
import { app } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onScreenChange } from "./screens.js";

const aside = byTestid("walkthrough");
const title = byTestid("walkthrough-title");
const stepText = byTestid("walkthrough-step");
const list = byTestid("walkthrough-list");
const notes = byTestid("walkthrough-notes");
/** Where the notes start folded: the same widths and heights as in styles.css. */
const SMALL_SCREEN = window.matchMedia("(max-width: 55.99rem), (max-height: 1100px)");

/** The `stepper` of a command's answer (or null: no procedure). */
export function setStepper(stepper) {
  app.stepper = stepper || null;
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
  const at = app.stepper;
  const guide = at ? guideOf(at.procedure) : null;
  const steps = (guide && guide.steps) || [];
  const index = at ? at.step - 1 : -1;
  const shown = at && screen !== "guides" && Array.isArray(at.screens) && at.screens.includes(screen);
  if (!shown || !steps[index]) {
    hide();
    return;
  }
  const marked = (Array.isArray(at.marked) && at.marked.length ? at.marked : [at.step]).map((n) => n - 1).filter((i) => steps[i]);
  const here = marked.map((i) => steps[i]);
  title.textContent = guide.title;
  stepText.textContent = here.length > 1
    ? t("walkthrough.steps", { from: marked[0] + 1, to: marked[marked.length - 1] + 1, total: at.total, title: here.map((s) => s.title).join(" · ") })
    : t("walkthrough.step", { n: at.step, total: at.total, title: here[0].title });

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
      if (marked.includes(i)) {
        li.setAttribute("aria-current", "step");
        const mark = document.createElement("span");
        mark.className = "walkthrough-here";
        mark.textContent = ` (${t("walkthrough.current")})`;
        label.append(mark);
      }
      return li;
    }),
  );

  const stepNotes = here.flatMap((s) => (Array.isArray(s.notes) ? s.notes : s.notes ? [s.notes] : []));
  // The notes, in a disclosure « À noter » that is folded on small screens
  // (the walkthrough above the form, or a short kiosk screen: issue 14).
  const more = document.createElement("details");
  more.className = "walkthrough-more";
  more.dataset.testid = "walkthrough-more";
  more.open = !SMALL_SCREEN.matches;
  const summary = document.createElement("summary");
  summary.dataset.testid = "walkthrough-more-toggle";
  summary.textContent = t("walkthrough.more");
  more.append(
    summary,
    ...stepNotes.map((n) => {
      const p = document.createElement("p");
      p.textContent = n;
      return p;
    }),
  );
  notes.replaceChildren(more);
  notes.hidden = stepNotes.length === 0;
  aside.hidden = false;
  document.body.classList.add("with-walkthrough");
}

onScreenChange(render);
onLangChange(render);
