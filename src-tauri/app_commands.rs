// The app's own commands, by name: the list the build gives Tauri's ACL
// (build.rs, `AppManifest::commands`), which makes a permission
// `allow-<name>` (underscores become dashes) for each. Once the app has
// this manifest, Tauri refuses any app command that no capability allows;
// capabilities/default.json allows each of these for the main window.
// A test (src/webview_surface.rs) checks that this list, the
// `generate_handler!` list in src/lib.rs and the capability name the same
// commands. Included by build.rs and by that test; not a module of the app.
pub const APP_COMMANDS: &[&str] = &[
    "app_info",
    "set_language",
    "guides",
    "help",
    "take_deep_link",
    "demo_messages",
    "open_contact",
    "check_identifier",
    "check_unlock",
    "check_password",
    "login",
    "device_status",
    "remembered_identifier",
    "current_member",
    "change_password",
    "logout",
    "forgot_password",
    "register",
    "unlock",
    "unlock_send",
    "resend",
    "verify_code",
    "reset_password",
    "cancel_procedure",
    "start_procedure",
    "wipe",
    "staff_exit",
    "speak",
    "speech_control",
    "account_contacts",
    "change_contact",
    "resend_contact_code",
    "confirm_contact",
    "cancel_contact_change",
    "account_activity",
    "account_sessions",
    "end_other_sessions",
    "block_account",
];
