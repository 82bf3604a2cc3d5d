// The baseline page of crates/borne-app-bench: it is interactive once this
// module has run, and says so the way the app does (ui/app.js), so that a
// WebDriver client waits for the same signal in both.
document.body.dataset.ready = "true";
