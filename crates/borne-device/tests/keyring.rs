//! The real OS keyring. Needs `BORNE_KEYRING_TEST=1` (scripts/test.sh sets
//! it inside `dbus-run-session` with an unlocked gnome-keyring) and FAILS
//! without it, or when the keyring does not work: a test that did not run
//! never passes. To leave it out on purpose: `cargo test -- --skip keyring`.
//!
//! By hand: `export XDG_DATA_HOME=$(mktemp -d); dbus-run-session -- sh -c
//! 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
//! && BORNE_KEYRING_TEST=1 cargo test -p borne-device --test keyring'`

use borne_core::Secret;
use borne_device::{DeviceCredentials, DeviceStore, KeyringStore, StoreError};

fn require_keyring() {
    assert_eq!(
        std::env::var("BORNE_KEYRING_TEST").as_deref(),
        Ok("1"),
        "the keyring tests need BORNE_KEYRING_TEST=1 and a D-Bus session with an unlocked Secret Service \
         (scripts/test.sh provides one with gnome-keyring inside dbus-run-session); to leave them out on \
         purpose: `cargo test -- --skip keyring`"
    );
}

/// A service name of its own, so that a developer's app entries stay untouched.
fn test_service(name: &str) -> String {
    format!("fr.borneadherent.app.test.{name}.{}", std::process::id())
}

fn creds(n: u8) -> DeviceCredentials {
    DeviceCredentials { device_id: format!("{n:032x}"), key: Secret::new(format!("Y2xlZi1kZS10ZXN0LWR1LXRyb3Vzc2VhdS17{n}")) }
}

#[test]
fn the_device_survives_a_fresh_store_is_overwritten_and_deleted() {
    require_keyring();
    let service = test_service("device");
    let store = KeyringStore::with_service(&service);
    store.check_access().unwrap();
    let first = store.load_device();
    assert_eq!(first, Ok(None), "a working, unlocked keyring is required here: {}", first.as_ref().err().map(ToString::to_string).unwrap_or_default());

    store.save_device(&creds(1)).unwrap();
    // Another store object (as after a restart) finds it in the keyring.
    assert_eq!(KeyringStore::with_service(&service).load_device().unwrap(), Some(creds(1)));
    store.save_device(&creds(2)).unwrap();
    assert_eq!(KeyringStore::with_service(&service).load_device().unwrap(), Some(creds(2)));
    // Under another service name: nothing.
    assert_eq!(KeyringStore::with_service(&test_service("other")).load_device().unwrap(), None);

    store.forget_device().unwrap();
    assert_eq!(KeyringStore::with_service(&service).load_device().unwrap(), None);
    // Forgetting what is not there is fine.
    store.forget_device().unwrap();
}

#[test]
fn the_remembered_identifier_survives_a_fresh_store_is_overwritten_and_deleted() {
    require_keyring();
    let service = test_service("identifier");
    let store = KeyringStore::with_service(&service);
    assert_eq!(store.remembered_identifier(), Ok(None));
    store.remember_identifier(Some("278036912304534")).unwrap();
    assert_eq!(KeyringStore::with_service(&service).remembered_identifier().unwrap().as_deref(), Some("278036912304534"));
    store.remember_identifier(Some("jeanne.martin@exemple.fr")).unwrap();
    assert_eq!(KeyringStore::with_service(&service).remembered_identifier().unwrap().as_deref(), Some("jeanne.martin@exemple.fr"));
    // The identifier and the device are separate entries.
    assert_eq!(store.load_device().unwrap(), None);
    store.remember_identifier(None).unwrap();
    assert_eq!(KeyringStore::with_service(&service).remembered_identifier().unwrap(), None);
    store.remember_identifier(None).unwrap();
}

#[test]
fn a_damaged_device_entry_is_a_clear_error_not_a_crash() {
    require_keyring();
    let service = test_service("damaged");
    keyring::Entry::new(&service, "device").unwrap().set_password("pas du JSON").unwrap();
    let err = KeyringStore::with_service(&service).load_device().unwrap_err();
    assert!(matches!(&err, StoreError::Other(m) if m.contains("illisible") && !m.contains("pas du JSON")), "{err}");
    KeyringStore::with_service(&service).forget_device().unwrap();
}

/// Runs `child_keyring` in this test binary with `BORNE_KEYRING_CHILD=what`,
/// through `sh -c script` (the child command is `"$0" …`), in `data` as the
/// keyring's home and a private runtime dir (so that no other session's
/// gnome-keyring is reused).
fn child(what: &str, script: &str, data: &std::path::Path, runtime: &std::path::Path, service: &str) -> String {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("sh")
        .args(["-c", script, exe.to_str().unwrap()])
        .env("XDG_DATA_HOME", data)
        .env("XDG_RUNTIME_DIR", runtime)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("DISPLAY", "")
        .env("BORNE_KEYRING_CHILD", what)
        .env("BORNE_KEYRING_SERVICE", service)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child {what} failed:\n{text}");
    text
}

const CHILD: &str = r#"timeout 60 "$0" --exact child_keyring --nocapture --include-ignored"#;

/// Without a D-Bus session bus: a clear staff-facing error, no panic, no file.
#[test]
fn without_a_session_bus_the_error_says_so() {
    require_keyring();
    let (data, runtime) = (tempfile::tempdir().unwrap(), private_dir());
    let text = child("nobus", &format!("exec {CHILD}"), data.path(), runtime.path(), &test_service("nobus"));
    assert!(text.contains("1 passed"), "{text}");
    assert_eq!(std::fs::read_dir(data.path()).unwrap().count(), 0, "nothing may be written instead");
}

/// A keyring that holds the device but is locked (a session that did not
/// unlock it): a clear staff-facing error on read and on write.
#[test]
fn a_locked_keyring_is_a_clear_error() {
    require_keyring();
    let (data, runtime) = (tempfile::tempdir().unwrap(), private_dir());
    let service = test_service("locked");
    let unlocked = format!("dbus-run-session -- sh -c 'echo -n mot-de-passe | gnome-keyring-daemon --unlock --components=secrets >/dev/null && {CHILD}' \"$0\"");
    assert!(child("create", &unlocked, data.path(), runtime.path(), &service).contains("1 passed"));
    let locked = format!("dbus-run-session -- sh -c 'gnome-keyring-daemon --start --components=secrets >/dev/null && {CHILD}' \"$0\"");
    let text = child("locked", &locked, data.path(), runtime.path(), &service);
    assert!(text.contains("1 passed"), "{text}");
}

fn private_dir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

#[test]
#[ignore = "run in a child process by the tests above"]
fn child_keyring() {
    let Ok(what) = std::env::var("BORNE_KEYRING_CHILD") else { return };
    let store = KeyringStore::with_service(&std::env::var("BORNE_KEYRING_SERVICE").unwrap());
    match what.as_str() {
        "nobus" => {
            let err = store.load_device().unwrap_err();
            eprintln!("without a bus: {err}");
            assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
            // Told at once, without libdbus trying to start a bus (dbus-launch).
            assert!(format!("{err:?}").contains("no D-Bus session bus"), "{err:?}");
            assert!(err.to_string().contains("Trousseau du système introuvable"));
            assert!(matches!(store.check_access(), Err(StoreError::Unavailable(_))));
        }
        "create" => {
            store.save_device(&creds(3)).unwrap();
            assert_eq!(store.load_device().unwrap(), Some(creds(3)));
        }
        "locked" => {
            let err = store.load_device().unwrap_err();
            eprintln!("locked: {err}");
            assert_eq!(err, StoreError::Locked);
            assert!(err.to_string().contains("verrouillé"));
            // A missing entry reads as "none" when locked: only a write tells.
            assert_eq!(store.check_access(), Err(StoreError::Locked));
            assert_eq!(store.remember_identifier(Some("278036912304534")), Err(StoreError::Locked));
        }
        other => panic!("unknown child {other}"),
    }
}
