// The live checklist under "Nouveau mot de passe": one
// <li data-testid="rule-RULE" data-met="true|false"> per rule that
// `check_password` returns (the policy of borne-core), a visible ✓ or ✗ and
// the rule's text, a polite summary, and whether the confirmation matches.
// While the field is empty nothing is checked yet: each rule shows a neutral
// « – » (data-met="empty"), never a green tick.
// Updated 150 ms after the member stops typing.
import { invoke } from "../ipc.js";
import { t } from "./i18n.js";
import { byTestid } from "./screens.js";

const DEBOUNCE_MS = 150;
/** The match status is said at most this often while the member types. */
const ANNOUNCE_MS = 1000;

export function attachPasswordRules(screenRoot) {
  const password = byTestid("new-password", screenRoot);
  const confirmation = byTestid("new-password-confirm", screenRoot);
  const list = byTestid("password-rules", screenRoot);
  const summary = byTestid("password-rules-summary", screenRoot);
  const match = byTestid("password-match", screenRoot);
  // The match status, said politely while typing (the visible line is
  // hidden while the confirmation is empty, and a hidden element is not
  // announced when it appears): only a change, at most once a second.
  const matchAnnounce = byTestid("password-match-announce", screenRoot);
  let announced = "";
  let announceAt = 0;
  let announceTimer = null;
  function announceMatch(text) {
    clearTimeout(announceTimer);
    if (!matchAnnounce || text === announced) return;
    const wait = Math.max(0, announceAt + ANNOUNCE_MS - Date.now());
    announceTimer = setTimeout(() => {
      announced = text;
      announceAt = Date.now();
      matchAnnounce.textContent = text;
    }, wait);
  }
  let timer = null;
  let sequence = 0;
  let last = null;

  function renderRule(check, empty) {
    const testid = `rule-${check.rule}`;
    let li = list.querySelector(`[data-testid="${testid}"]`);
    if (!li) {
      li = document.createElement("li");
      li.dataset.testid = testid;
      li.className = "rule";
      const mark = document.createElement("span");
      mark.className = "rule-mark";
      mark.setAttribute("aria-hidden", "true");
      const label = document.createElement("span");
      label.className = "rule-label";
      const state = document.createElement("span");
      state.className = "sr-only rule-state";
      li.append(mark, label, state);
      list.append(li);
    }
    li.dataset.met = empty ? "empty" : String(Boolean(check.met));
    li.querySelector(".rule-mark").textContent = empty ? "–" : check.met ? "✓" : "✗";
    li.querySelector(".rule-label").textContent = check.label;
    li.querySelector(".rule-state").textContent = ` (${t(empty ? "rules.empty" : check.met ? "rules.met" : "rules.unmet")})`;
    return li;
  }

  function render(result) {
    last = result;
    const rules = result.rules || [];
    const empty = password.value === "";
    const keep = new Set(rules.map((r) => renderRule(r, empty)));
    for (const li of [...list.children]) if (!keep.has(li)) li.remove();
    const met = empty ? 0 : rules.filter((r) => r.met).length;
    const text = met === rules.length
      ? t("rules.summary_all", { total: rules.length })
      : t("rules.summary", { met, total: rules.length });
    // Only a change is announced (aria-live="polite").
    if (summary.textContent !== text) summary.textContent = text;
    if (confirmation.value === "") {
      match.hidden = true;
      delete match.dataset.met;
      clearTimeout(announceTimer);
      announced = "";
      if (matchAnnounce) matchAnnounce.textContent = "";
    } else {
      match.hidden = false;
      match.dataset.met = String(Boolean(result.confirmation_matches));
      const said = t(result.confirmation_matches ? "rules.match_yes" : "rules.match_no");
      match.textContent = `${result.confirmation_matches ? "✓" : "✗"} ${said}`;
      announceMatch(said);
    }
  }

  async function refresh() {
    clearTimeout(timer);
    const mine = ++sequence;
    try {
      const result = await invoke("check_password", { password: password.value, confirmation: confirmation.value });
      if (mine === sequence && result) render(result);
    } catch (_) {
      // The checklist is a help; the submit still reports the rules broken.
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, DEBOUNCE_MS);
  }

  password.addEventListener("input", schedule);
  confirmation.addEventListener("input", schedule);

  return {
    /** Asks for the rules now (e.g. when the screen is shown, fields empty). */
    refresh,
    /** Re-renders the texts built here in the current language. */
    relabel() {
      if (last) render(last);
      refresh();
    },
  };
}
