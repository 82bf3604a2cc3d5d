//! The member's texts as a whole (issue 14 §3): French typography in every
//! French text, each insurer's own « Espace … » everywhere, one answer on
//! the number's format, the forgotten password's letters (A) (B) (C), and
//! what the screens say when nothing arrives. The texts are read where they
//! are written: content/ (guides, help, e-mails and SMS, web pages,
//! profiles) and ui/i18n/*.js, plus the French messages written in Rust.

use borne_content::typography::faults;
use borne_content::{accepted, guides, notices, profile, profile_ids, Lang, Procedure};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.toml` file under `dir`, recursively.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(toml_files(&path));
        } else if path.extension().is_some_and(|e| e == "toml") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// Every string of a TOML file, with its key (dotted path, `steps.title`).
fn toml_strings(path: &Path) -> Vec<(String, String)> {
    fn walk(key: &str, value: &toml::Value, out: &mut Vec<(String, String)>) {
        match value {
            toml::Value::String(s) => out.push((key.to_string(), s.clone())),
            toml::Value::Array(items) => items.iter().for_each(|v| walk(key, v, out)),
            toml::Value::Table(table) => {
                table.iter().for_each(|(k, v)| walk(&if key.is_empty() { k.clone() } else { format!("{key}.{k}") }, v, out))
            }
            _ => {}
        }
    }
    let text = std::fs::read_to_string(path).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    walk("", &value, &mut out);
    out
}

/// The texts of `ui/i18n/<lang>.js`: key → text (one `"key": "text",` a line).
fn ui_texts(lang: &str) -> BTreeMap<String, String> {
    let path = root().join(format!("ui/i18n/{lang}.js"));
    let source = std::fs::read_to_string(&path).unwrap();
    let line = regex_lite(&source);
    assert!(line.len() > 150, "{}: only {} texts read", path.display(), line.len());
    line
}

/// `"key": "value"` lines (the files hold nothing else but comments).
fn regex_lite(source: &str) -> BTreeMap<String, String> {
    let mut texts = BTreeMap::new();
    for line in source.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix('"') else { continue };
        let Some((key, value)) = rest.split_once("\": \"") else { continue };
        let value = value.trim_end_matches(',').strip_suffix('"').unwrap_or_else(|| panic!("{line}"));
        texts.insert(key.to_string(), value.replace("\\'", "'").replace("\\\"", "\""));
    }
    texts
}

fn french_files() -> Vec<PathBuf> {
    toml_files(&root().join("content"))
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.ends_with(".fr.toml") || p.parent().unwrap().ends_with("profiles")
        })
        .collect()
}

#[test]
fn every_french_text_keeps_french_typography() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for path in french_files() {
        // The SMS is the exception: GSM 03.38 has no non-breaking space
        // (server tests/delivery.rs keeps every SMS in that alphabet).
        for (key, text) in toml_strings(&path).into_iter().filter(|(k, _)| k != "unlock_temporary_password.text") {
            seen += 1;
            for fault in faults(&text) {
                problems.push(format!("{} [{key}]: «{fault}»", path.display()));
            }
        }
    }
    for (key, text) in ui_texts("fr") {
        seen += 1;
        for fault in faults(&text) {
            problems.push(format!("ui/i18n/fr.js [{key}]: «{fault}»"));
        }
    }
    for text in [accepted::forgot_password(Lang::Fr), accepted::registration(Lang::Fr), notices::unlock_email_sent_again(Lang::Fr, "j•••@exemple.fr")] {
        seen += 1;
        problems.extend(faults(&text));
    }
    // Guides, help, e-mails and SMS of both insurers, the pages, the profiles, the UI.
    assert!(seen > 400, "only {seen} French texts read");
    assert!(problems.is_empty(), "a plain space before ! ? : ; or inside « »:\n{}", problems.join("\n"));
}

#[test]
fn the_typography_check_finds_a_plain_space_in_a_french_file() {
    // The check above is able to fail: a plain space before « ? » in a
    // text as the files hold it.
    let sample = "\"login.link_forgot\": \"Mot de passe oublié ?\",\n";
    let texts = regex_lite(sample);
    assert_eq!(faults(&texts["login.link_forgot"]).len(), 1);
}

#[test]
fn each_insurer_names_its_own_space_everywhere() {
    let spaces: BTreeMap<String, String> = profile_ids().into_iter().map(|id| (id.clone(), profile(&id).unwrap().space)).collect();
    assert_eq!(spaces["mpn"], "Espace adhérent");
    assert_eq!(spaces["mgen"], "Espace personnel");
    for (id, own) in &spaces {
        let mut files: Vec<PathBuf> = toml_files(&root().join("content/guides").join(id));
        for kind in ["messages", "pages"] {
            files.extend(toml_files(&root().join("content").join(kind)).into_iter().filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&format!("{id}."))));
        }
        files.push(root().join(format!("content/profiles/{id}.toml")));
        assert!(files.len() >= 15, "{id}: {files:?}");
        for other in spaces.values().filter(|s| *s != own) {
            for path in &files {
                // `source` names the insurers' guides the steps follow, by their titles.
                for (key, text) in toml_strings(path).into_iter().filter(|(k, _)| k != "source") {
                    assert!(!text.to_lowercase().contains(&other.to_lowercase()), "{} [{key}] says « {other} » to a member of {id}: {text}", path.display());
                }
            }
        }
    }
    // The UI's own texts name no space: they say {space}, the profile's.
    for lang in ["fr", "en"] {
        let texts = ui_texts(lang);
        for (key, text) in &texts {
            for space in spaces.values() {
                assert!(!text.to_lowercase().contains(&space.to_lowercase()), "ui/i18n/{lang}.js [{key}]: {text}");
            }
        }
        for key in ["home.title", "login.title", "space.welcome", "change.lead_new", "top.space"] {
            assert!(texts[key].contains("{space}"), "ui/i18n/{lang}.js [{key}]: {}", texts[key]);
        }
    }
}

#[test]
fn the_number_s_format_has_one_answer_spaces_are_accepted() {
    // The rule: a NIR copied from the card, spaces included, is accepted.
    assert!(borne_core::Nir::parse("2 69 05 49 588 157 80").is_ok());
    let support = borne_core::support::Support::default();
    let unknown = |lang| borne_content::errors::message(&borne_core::BorneError::UnknownProfile, lang, &support);
    let (fr, en) = (ui_texts("fr"), ui_texts("en"));
    let says_fr = |t: &str| t.contains("espaces sont acceptés");
    let says_en = |t: &str| t.contains("spaces are accepted");
    assert!(says_fr(&fr["hint.nir"]) && says_fr(&fr["hint.identifier"]), "{} / {}", fr["hint.nir"], fr["hint.identifier"]);
    assert!(says_en(&en["hint.nir"]) && says_en(&en["hint.identifier"]));
    assert!(says_fr(&unknown(Lang::Fr)), "{}", unknown(Lang::Fr));
    assert!(says_en(&unknown(Lang::En)), "{}", unknown(Lang::En));
    for id in profile_ids() {
        for lang in Lang::ALL {
            let login = guides(&id, lang).unwrap().into_iter().find(|g| g.procedure == Procedure::Login).unwrap();
            let notes = login.steps[0].notes.join(" ");
            assert!(if lang == Lang::Fr { says_fr(&notes) } else { says_en(&notes) }, "{id} {lang:?}: {notes}");
        }
    }
    // Nothing says the opposite anywhere.
    let mut all: Vec<String> = fr.values().chain(en.values()).cloned().collect();
    for path in toml_files(&root().join("content")) {
        all.extend(toml_strings(&path).into_iter().map(|(_, t)| t));
    }
    all.extend([unknown(Lang::Fr), unknown(Lang::En)]);
    for text in all {
        let lower = text.to_lowercase();
        assert!(!lower.contains("sans espace") && !lower.contains("without space"), "{text}");
    }
}

#[test]
fn the_forgotten_password_fields_carry_the_guides_letters_and_the_walkthrough_names_them() {
    for lang in ["fr", "en"] {
        let texts = ui_texts(lang);
        for (key, letter) in [("forgot.field_a", "(A) "), ("forgot.field_b", "(B) "), ("forgot.field_c", "(C) ")] {
            assert!(texts[key].starts_with(letter), "ui/i18n/{lang}.js [{key}]: {}", texts[key]);
        }
    }
    for id in profile_ids() {
        for lang in Lang::ALL {
            let forgot = guides(&id, lang).unwrap().into_iter().find(|g| g.procedure == Procedure::Forgot).unwrap();
            let form = forgot.steps.iter().find(|s| s.screen == "forgot").unwrap();
            for letter in ["(A)", "(B)", "(C)"] {
                assert!(form.text.contains(letter), "{id} {lang:?}: {}", form.text);
            }
        }
    }
}

#[test]
fn the_forgotten_password_sent_screen_says_what_to_do_when_nothing_arrives() {
    let index = std::fs::read_to_string(root().join("ui/index.html")).unwrap();
    assert!(index.contains(r#"data-testid="forgot-sent-nothing-text" data-i18n="forgot_sent.nothing""#));
    assert!(index.contains(r#"data-testid="forgot-sent-again""#));
    for (lang, spam, again) in [("fr", "spams", "refaites la demande"), ("en", "spam", "ask again")] {
        let text = &ui_texts(lang)["forgot_sent.nothing"];
        for needed in [spam, "(B)", "(C)", "{insurer}", "{phone}", again] {
            assert!(text.contains(needed), "ui/i18n/{lang}.js [forgot_sent.nothing] lacks « {needed} »: {text}");
        }
        // Whether the data matched is never told.
        for telling in ["aucun compte", "ne correspond", "no account", "does not match", "did not match"] {
            assert!(!text.to_lowercase().contains(telling), "{text}");
        }
    }
}

#[test]
fn the_unlock_screens_say_what_the_member_can_do() {
    for lang in ["fr", "en"] {
        let texts = ui_texts(lang);
        // The channel button says what it does.
        let (sms, email) = (&texts["channel.submit_sms"], &texts["channel.submit_email"]);
        assert!(sms.contains("SMS") || sms.contains("text message"), "{sms}");
        assert!(email.contains("e-mail"), "{email}");
        // A member whose mobile is overseas is not told that only the e-mail is known.
        let auto = texts["unlock_sent.auto_email"].to_lowercase();
        assert!(!auto.contains("ne connaît que") && !auto.contains("only knows"), "{auto}");
    }
    assert_eq!(ui_texts("fr")["channel.submit_sms"], "Recevoir le SMS");
    assert_eq!(ui_texts("fr")["channel.submit_email"], "Recevoir l'e-mail");
}
