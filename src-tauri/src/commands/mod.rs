//! The IPC surface of the app (documented in docs/app-ipc.md). Each command
//! hands its input to the app core (`borne-app`), which keeps what must not
//! reach the webview and answers a view or a `UiError`.

pub mod account;
pub mod checks;
pub mod info;
pub mod kiosk;
pub mod procedures;
pub mod session;
pub mod speech;
