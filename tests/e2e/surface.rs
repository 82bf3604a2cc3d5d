//! What the page may call (ARCHITECTURE.md, "What the webview may call"):
//! the app's own commands and listening to events, nothing else of Tauri.
//! Every call refused below is one that Tauri's `core:default` allows (or, for
//! the plugins and the unknown command, one that needs the app's ACL), so
//! this test fails if the capability grows back.

use crate::harness::{App, Backend};
use crate::scenario;
use anyhow::{ensure, Context};
use serde_json::{json, Value};
use std::time::Duration;

/// Calls that must be refused by Tauri's ACL, with arguments they would
/// accept if they were allowed.
fn refused() -> Vec<(&'static str, Value)> {
    vec![
        // core:app:default
        ("plugin:app|version", json!({})),
        ("plugin:app|tauri_version", json!({})),
        // core:window:default
        ("plugin:window|title", json!({ "label": "main" })),
        ("plugin:window|internal_toggle_maximize", json!({ "label": "main" })),
        // core:webview:default
        ("plugin:webview|get_all_webviews", json!({})),
        // core:path:default
        ("plugin:path|resolve_directory", json!({ "directory": 6 })),
        // core:event:default beyond listen: the page may not forge the app's events.
        ("plugin:event|emit", json!({ "event": "device-status", "payload": { "backend_reachable": false } })),
        ("plugin:event|emit_to", json!({ "target": { "kind": "Any" }, "event": "deep-link", "payload": { "screen": "reset" } })),
        // core:resources:default, core:menu:default
        ("plugin:resources|close", json!({ "rid": 1 })),
        ("plugin:menu|new", json!({ "kind": "Menu", "options": {} })),
        // The app's plugins: none of their commands is granted.
        ("plugin:deep-link|get_current", json!({})),
        ("plugin:window-state|save_window_state", json!({ "flags": 0 })),
        // With an app ACL manifest even an app command must be granted: an unknown one is refused by the ACL.
        ("no_such_command", json!({})),
    ]
}

#[test]
fn the_page_reaches_the_apps_commands_and_events_and_nothing_else_of_tauri() {
    scenario(|| async {
        let backend = Backend::start(&[]).await?;
        let app = App::launch(Some(&backend.url()), "webview-surface").await?;
        app.screen("screen-home").await?;

        // withGlobalTauri is off: no JS API on window, only Tauri's internals.
        let globals = app.js("return [typeof window.__TAURI__, typeof window.__TAURI_INTERNALS__.invoke];").await?;
        assert_eq!(globals, json!(["undefined", "function"]));

        // The app's own commands work.
        let info = app.invoke("app_info").await?;
        ensure!(info["version"].is_string(), "app_info: {info}");
        assert_eq!(app.invoke("current_member").await?, Value::Null);

        // Listening works (as ui/ipc.js does it): the listener's id comes back.
        let listen = app.client.execute_async(
            "const done = arguments[arguments.length - 1]; \
             const i = window.__TAURI_INTERNALS__; \
             i.invoke('plugin:event|listen', { event: 'borne-surface-test', target: { kind: 'Any' }, handler: i.transformCallback(() => {}) }) \
              .then((id) => done({ ok: id }), (e) => done({ err: String(e) }));",
            vec![],
        );
        let listened = tokio::time::timeout(Duration::from_secs(20), listen).await.context("plugin:event|listen timed out")??;
        let listener_id = listened["ok"].clone();
        ensure!(listener_id.is_number(), "plugin:event|listen was refused: {listened}");

        // Everything else is refused before it runs.
        let mut calls = refused();
        calls.push(("plugin:event|unlisten", json!({ "event": "borne-surface-test", "eventId": listener_id })));
        let mut let_through = Vec::new();
        for (command, args) in calls {
            match app.try_invoke(command, args).await? {
                Err(Value::String(refusal)) if refusal.contains("not allowed") => {}
                answer => let_through.push(format!("{command}: {answer:?}")),
            }
        }
        ensure!(let_through.is_empty(), "calls not refused by the ACL:\n{}", let_through.join("\n"));

        // The page is untouched and the app still answers.
        app.screen("screen-home").await?;
        assert_eq!(app.invoke("current_member").await?, Value::Null);
        app.close().await;
        Ok(())
    });
}
