// « Sécurité du compte » (issue 16): the last log-ins, the account's events
// newest first (each disownable one with « Ce n'est pas moi »), the sessions
// open now (this device marked) and « Déconnecter les autres appareils ».
// « Ce n'est pas moi » → a confirmation → the account is blocked, the
// session ends, and the forgotten-password form opens with why.
// Dates, places and events come worded from the Rust side (borne-app,
// borne-content), in the member's language and the insurer's time zone.
import { invoke } from "../ipc.js";
import { app } from "./state.js";
import { t, onLangChange } from "./i18n.js";
import { byTestid, currentScreen, onScreenChange, onShow, show } from "./screens.js";
import { busy, clearErrors, clearScreen, showError } from "./forms.js";
import { forgetProcedures } from "./procedures.js";
import { setStepper } from "./walkthrough.js";

const S = "security";
const BLOCK = "block";
const status = byTestid("security-status", S);
const notice = byTestid("forgot-blocked-notice", "forgot");
/** The event « Ce n'est pas moi » was pressed for: {id, text}, or null. */
let disowned = null;

function item(testid, lines) {
  const li = document.createElement("li");
  li.dataset.testid = testid;
  for (const line of lines) li.append(line);
  return li;
}

function para(text, cls) {
  const p = document.createElement("p");
  p.textContent = text;
  if (cls) p.className = cls;
  return p;
}

function fill(list, rows, empty, make) {
  list.textContent = "";
  if (!rows.length) list.append(item("security-empty", [para(t(empty), "hint")]));
  rows.forEach((row, i) => list.append(make(row, i)));
}

function renderActivity(activity) {
  fill(byTestid("security-logins", S), activity.logins, "security.none_logins", (row) =>
    item("security-login", [para(capitalise(`${row.when} ${row.place}`))]),
  );
  fill(byTestid("security-events", S), activity.events, "security.none_events", (row, i) => {
    const text = para(t("security.event_line", { when: capitalise(row.when), what: row.what }));
    text.id = `security-event-${i}`;
    const lines = [text];
    if (row.disownable) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.dataset.testid = "security-disown";
      button.textContent = t("security.disown");
      button.setAttribute("aria-describedby", text.id);
      button.addEventListener("click", () => openBlock({ id: row.id, text: text.textContent }));
      lines.push(button);
    }
    return item("security-event", lines);
  });
}

function renderSessions(answer) {
  fill(byTestid("security-sessions", S), answer.sessions, "security.none_logins", (row) => {
    const lines = [para(t("security.opened", { when: row.when, place: row.place }))];
    const li = item("security-session", []);
    if (row.current) {
      li.dataset.current = "true";
      lines.unshift(para(t("security.this_device"), "tag"));
    }
    li.append(...lines);
    return li;
  });
  byTestid("security-end-others", S).hidden = !answer.sessions.some((s) => !s.current);
}

function capitalise(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

async function load() {
  clearErrors(S);
  try {
    const [activity, sessions] = await Promise.all([invoke("account_activity"), invoke("account_sessions")]);
    renderActivity(activity);
    renderSessions(sessions);
  } catch (err) {
    showError(S, err);
  }
}

async function endOthers(button) {
  clearErrors(S);
  await busy(button, async () => {
    try {
      const answer = await invoke("end_other_sessions");
      renderSessions(await invoke("account_sessions"));
      status.textContent = answer.message;
      status.hidden = false;
    } catch (err) {
      showError(S, err);
    }
  });
  if (!status.hidden) status.focus();
}

function openBlock(event) {
  disowned = event;
  clearScreen(BLOCK);
  byTestid("block-event", BLOCK).textContent = event ? event.text : t("block.whole");
  show(BLOCK);
}

async function confirmBlock(button) {
  clearErrors(BLOCK);
  let answer = null;
  await busy(button, async () => {
    try {
      answer = await invoke("block_account", { eventId: disowned ? disowned.id : null });
    } catch (err) {
      showError(BLOCK, err);
    }
  });
  if (!answer) return;
  // The session is over on both sides: the forgotten-password form, with why.
  disowned = null;
  app.session = null;
  forgetProcedures();
  for (const screen of ["space", S, BLOCK, "contacts"]) clearScreen(screen);
  byTestid("member-name", "space").textContent = "";
  setStepper(answer.stepper);
  clearScreen("forgot");
  show("forgot");
  notice.textContent = answer.message;
  notice.hidden = false;
}

export function initSecurity() {
  onShow(S, () => {
    status.textContent = "";
    status.hidden = true;
    load();
  });
  const endButton = byTestid("security-end-others", S);
  endButton.addEventListener("click", () => endOthers(endButton));
  const confirm = byTestid("block-confirm", BLOCK);
  confirm.addEventListener("click", () => confirmBlock(confirm));
  byTestid("block-cancel", BLOCK).addEventListener("click", () => {
    disowned = null;
    show(S);
  });
  // The notice belongs to the form it was shown on, this time only.
  onScreenChange((screen) => {
    if (screen !== "forgot" && !notice.hidden) {
      notice.hidden = true;
      notice.textContent = "";
    }
  });
  onLangChange(() => {
    if (currentScreen() === S) load();
  });
}
