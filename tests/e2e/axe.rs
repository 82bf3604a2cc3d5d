//! axe-core in every e2e run (issue 15 §4): each screen state a test reaches
//! (a screen shown, a message that appears, a dialog opened) is checked once
//! per app launch with axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, in
//! whichever mode (kiosk, member's PC) and language the test runs; any
//! violation fails the test that reached it. axe-core comes from npm
//! (`scripts/setup.sh --test` installs it into the git-ignored `.axe/`, or
//! `BORNE_AXE_JS` names its `axe.min.js`); without it the e2e tests fail.
//!
//! Its source is injected through WebDriver's script execution, which the
//! page's CSP (`script-src 'self'`) does not govern in WebKit: the app keeps
//! its CSP, no script tag is added to the page.
//!
//! The run's report, `target/e2e-artifacts/axe-report.json` and
//! `axe-report.md` (rules checked, screen states checked, violations), is
//! rewritten after each check; a summary is printed when the test binary ends.

use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// The WCAG levels axe checks: 2.0, 2.1 and 2.2, A and AA.
pub const TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// Where axe-core's browser build is: `BORNE_AXE_JS`, else what
/// `scripts/setup.sh --test` installs.
pub fn axe_path() -> PathBuf {
    match std::env::var_os("BORNE_AXE_JS") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../.axe/node_modules/axe-core/axe.min.js"),
    }
}

/// axe-core's source, read once; an error (which fails the test) when it is
/// not installed.
fn axe_source() -> Result<&'static str> {
    static SOURCE: OnceLock<std::result::Result<String, String>> = OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        let path = axe_path();
        std::fs::read_to_string(&path).map_err(|e| {
            format!("axe-core is missing ({}: {e}): run scripts/setup.sh --test, or set BORNE_AXE_JS to axe.min.js", path.display())
        })
    });
    source.as_deref().map_err(|e| anyhow!("{e}"))
}

/// What names one screen state: mode, language, screen, open dialog, which
/// messages and field errors are shown, the on-screen keyboard and its
/// layout. Texts are left out (a countdown changes them, not the markup).
const STATE_KEY: &str = r#"
const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const mode = document.documentElement.classList.contains('kiosk') ? 'kiosk' : 'pc';
const lang = document.documentElement.lang || '?';
const screen = document.body.dataset.currentScreen || '?';
const dialogs = [...document.querySelectorAll('dialog[open]')].map((d) => d.dataset.testid || d.id || 'dialog');
const messages = [...document.querySelectorAll("[role='alert'], [role='status'], .field-error, .message")]
  .filter((el) => shown(el) && el.textContent.trim())
  .map((el) => el.dataset.testid || el.id || el.className)
  .sort();
const osk = document.querySelector("[data-testid='osk']");
const keyboard = osk && shown(osk) ? `osk:${osk.dataset.layout || ''}` : '';
return { mode, lang, screen, key: [mode, lang, screen, dialogs.join('+'), messages.join('+'), keyboard].join(' | ') };
"#;

/// Runs axe on the document, WCAG A/AA rules only, and returns the rules it
/// ran and its violations (rule, impact, help, the nodes' selectors and
/// axe's summary).
///
/// The kiosk's sticky submit buttons are put back at their place in the
/// page (`position: static`) while axe runs, then made sticky again: axe's
/// `target-size` treats a sticky element as if it were not sticky, so a
/// field that the page scrolled under the button is reported as a target
/// « partially obscured » depending on the scroll position alone — a false
/// positive axe-core's maintainers name in dequelabs/axe-core#3720 (open),
/// whose proposed fix is to check sticky elements at their original place,
/// which is what this does. The geometry walk checks the sticky buttons
/// themselves (in view, not covered).
const RUN: &str = r#"
const [tags, done] = [arguments[0], arguments[arguments.length - 1]];
const rules = axe.getRules(tags).map((r) => r.ruleId).sort();
const sticky = [...document.querySelectorAll('body *')].filter((el) => getComputedStyle(el).position === 'sticky');
const kept = sticky.map((el) => el.style.getPropertyValue('position'));
sticky.forEach((el) => el.style.setProperty('position', 'static', 'important'));
const restore = () => sticky.forEach((el, i) => {
  if (kept[i]) el.style.setProperty('position', kept[i]); else el.style.removeProperty('position');
});
axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  .finally(restore)
  .then((r) => done({
    axe: axe.version,
    rules,
    violations: r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 300), summary: n.failureSummary })),
    })),
  }))
  .catch((e) => done({ error: String(e && e.stack || e) }));
"#;

/// One screen state checked.
#[derive(Clone, serde::Serialize)]
struct Checked {
    launch: String,
    mode: String,
    lang: String,
    screen: String,
    state: String,
    violations: Value,
}

#[derive(Default, serde::Serialize)]
struct Report {
    axe_version: String,
    tags: Vec<&'static str>,
    rules: BTreeSet<String>,
    checked: Vec<Checked>,
}

fn report() -> &'static Mutex<Report> {
    static REPORT: OnceLock<Mutex<Report>> = OnceLock::new();
    REPORT.get_or_init(|| {
        extern "C" fn print_summary() {
            if let Ok(r) = report().lock() {
                if !r.checked.is_empty() {
                    eprintln!("\n{}", summary(&r));
                }
            }
        }
        // Printed when the test binary ends, after the last test.
        unsafe { libc::atexit(print_summary) };
        Mutex::new(Report { tags: TAGS.to_vec(), ..Report::default() })
    })
}

fn violation_count(c: &Checked) -> usize {
    c.violations.as_array().map_or(0, Vec::len)
}

fn summary(r: &Report) -> String {
    let combos: BTreeSet<(String, String)> = r.checked.iter().map(|c| (c.mode.clone(), c.lang.clone())).collect();
    let screens: BTreeSet<&str> = r.checked.iter().map(|c| c.screen.as_str()).collect();
    let failed: Vec<&Checked> = r.checked.iter().filter(|c| violation_count(c) > 0).collect();
    format!(
        "axe-core {}: {} rules ({}) on {} screen states ({} screens; {}) — {} with violations. Report: {}",
        r.axe_version,
        r.rules.len(),
        r.tags.join(", "),
        r.checked.len(),
        screens.len(),
        combos.iter().map(|(m, l)| format!("{m}/{l}")).collect::<Vec<_>>().join(", "),
        failed.len(),
        crate::harness::artifacts_dir().join("axe-report.md").display(),
    )
}

fn write_report(r: &Report) -> Result<()> {
    let dir = crate::harness::artifacts_dir();
    std::fs::write(dir.join("axe-report.json"), serde_json::to_string_pretty(r)?)?;
    let mut md = format!("# axe-core in the e2e run\n\n{}\n\n## Rules checked ({})\n\n", summary(r), r.rules.len());
    md.push_str(&r.rules.iter().cloned().collect::<Vec<_>>().join(", "));
    md.push_str("\n\n## Screen states checked\n\n| launch | mode | lang | state | violations |\n| --- | --- | --- | --- | --- |\n");
    for c in &r.checked {
        let v: Vec<String> = c.violations.as_array().into_iter().flatten().map(|v| v["id"].as_str().unwrap_or("?").to_owned()).collect();
        md.push_str(&format!("| {} | {} | {} | {} | {} |\n", c.launch, c.mode, c.lang, c.state.replace('|', "/"), if v.is_empty() { "0".into() } else { v.join(", ") }));
    }
    std::fs::write(dir.join("axe-report.md"), md)?;
    Ok(())
}

/// The script that defines `window.axe` unless the page already has it
/// (defined once per page: the app never reloads its page, a wipe
/// included), and returns `typeof window.axe`.
fn inject_script() -> Result<String> {
    let source = axe_source()?;
    Ok(format!("if (typeof window.axe === 'undefined') {{ {source}\n }} return typeof window.axe;"))
}

/// The screen states of one app launch already checked.
#[derive(Default)]
pub struct Audited(Mutex<BTreeSet<String>>);

/// Checks the page's current state with axe, unless this launch already
/// checked the same state; fails on any violation.
pub async fn check(client: &fantoccini::Client, launch: &str, audited: &Audited) -> Result<()> {
    let call = |what: &'static str, script: &str, args: Vec<Value>, is_async: bool| {
        let client = client.clone();
        let script = script.to_owned();
        async move {
            let fut = async {
                if is_async { client.execute_async(&script, args).await } else { client.execute(&script, args).await }
            };
            tokio::time::timeout(Duration::from_secs(30), fut)
                .await
                .map_err(|_| anyhow!("axe: {what} timed out"))?
                .map_err(|e| anyhow!("axe: {what} failed: {e}"))
        }
    };
    let state = call("state", STATE_KEY, vec![], false).await?;
    let key = state["key"].as_str().unwrap_or_default().to_owned();
    if !audited.0.lock().unwrap().insert(key.clone()) {
        return Ok(());
    }
    let inject = inject_script()?;
    let defined = call("injecting axe-core", &inject, vec![], false).await?;
    if defined != json!("object") {
        bail!("axe-core was injected but window.axe is {defined}");
    }
    let result = call("axe.run", RUN, vec![json!(TAGS)], true).await?;
    if let Some(e) = result.get("error") {
        bail!("axe.run failed on {key}: {e}");
    }
    let checked = Checked {
        launch: launch.to_owned(),
        mode: state["mode"].as_str().unwrap_or_default().to_owned(),
        lang: state["lang"].as_str().unwrap_or_default().to_owned(),
        screen: state["screen"].as_str().unwrap_or_default().to_owned(),
        state: key.clone(),
        violations: result["violations"].clone(),
    };
    {
        let mut r = report().lock().unwrap();
        r.axe_version = result["axe"].as_str().unwrap_or_default().to_owned();
        r.rules.extend(result["rules"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)));
        r.checked.push(checked.clone());
        write_report(&r).context("writing the axe report")?;
    }
    if violation_count(&checked) > 0 {
        bail!("axe-core found {} WCAG A/AA violation(s) on {key}:\n{}", violation_count(&checked), describe(&checked.violations));
    }
    Ok(())
}

/// One line per violation and node: rule, impact, element, axe's summary.
pub fn describe(violations: &Value) -> String {
    let mut out = Vec::new();
    for v in violations.as_array().into_iter().flatten() {
        for n in v["nodes"].as_array().into_iter().flatten() {
            out.push(format!(
                "- {} ({}): {} — {} — {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                n["target"].as_str().unwrap_or(""),
                n["summary"].as_str().unwrap_or("").replace('\n', " "),
            ));
        }
    }
    out.join("\n")
}

/// Runs only the axe rules `rules` (e.g. the best-practice rule `region`:
/// all content inside landmarks) on the page as it is, and returns their
/// violations; not part of the report.
pub async fn run_rules(client: &fantoccini::Client, rules: &[&str]) -> Result<Value> {
    client.execute(&inject_script()?, vec![]).await.map_err(|e| anyhow!("injecting axe-core: {e}"))?;
    let script = "const [rules, done] = [arguments[0], arguments[arguments.length - 1]]; \
                  axe.run(document, { runOnly: { type: 'rule', values: rules }, resultTypes: ['violations'] }) \
                  .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, \
                    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })) })))) \
                  .catch((e) => done({ error: String(e) }));";
    let found = tokio::time::timeout(Duration::from_secs(30), client.execute_async(script, vec![json!(rules)]))
        .await
        .map_err(|_| anyhow!("axe.run timed out"))?
        .map_err(|e| anyhow!("axe.run failed: {e}"))?;
    if let Some(e) = found.get("error") {
        bail!("axe.run failed: {e}");
    }
    Ok(found)
}
