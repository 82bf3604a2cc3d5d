// Demo only: the e-mails and SMS the embedded server kept instead of sending
// them, so that anyone trying the app can finish every procedure (read the
// code, the link or the temporary password). Hidden with a real backend.
import { invoke } from "../ipc.js";
import { t } from "./i18n.js";
import { onWipe } from "./wipe.js";

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
let opener = null;

async function open() {
  const panel = $("demo-messages-panel");
  const list = $("demo-messages-list");
  list.replaceChildren();
  let messages = [];
  try {
    messages = await invoke("demo_messages");
  } catch (err) {
    messages = [];
    const li = document.createElement("li");
    li.textContent = err.message;
    list.append(li);
  }
  if (!messages.length && !list.children.length) {
    const li = document.createElement("li");
    li.textContent = t("demo.messages.empty");
    list.append(li);
  }
  for (const m of messages) {
    const li = document.createElement("li");
    li.dataset.testid = "demo-message";
    const head = document.createElement("p");
    head.className = "demo-message-head";
    head.textContent = `${m.channel === "sms" ? "SMS" : "E-mail"} — ${t("demo.messages.to")} ${m.to}${m.subject ? ` — ${m.subject}` : ""}`;
    const body = document.createElement("pre");
    body.className = "demo-message-text";
    body.textContent = m.text;
    li.append(head, body);
    list.append(li);
  }
  opener = document.activeElement;
  if (!panel.open) panel.showModal();
  $("demo-messages-title").focus();
}

export function initDemo(isDemo) {
  const button = $("demo-messages");
  button.hidden = !isDemo;
  if (!isDemo || button.dataset.wired) return;
  button.dataset.wired = "true";
  button.addEventListener("click", open);
  const panel = $("demo-messages-panel");
  $("demo-messages-close").addEventListener("click", () => panel.close());
  onWipe(() => {
    opener = null;
    if (panel.open) panel.close();
    $("demo-messages-list").replaceChildren();
  });
  panel.addEventListener("close", () => {
    $("demo-messages-list").replaceChildren();
    if (opener && typeof opener.focus === "function") opener.focus();
  });
}
