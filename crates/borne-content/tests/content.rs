//! Checks of every embedded content file: profiles, guides and help topics in
//! both languages, against each other and against the UI (`ui/index.html`,
//! `ui/img/`).

use borne_content::{guides, help, profile, profile_ids, ContentError, Guide, HelpTopic, Procedure, Profile, SCREENS};
use borne_core::Lang;
use std::path::PathBuf;

fn profiles() -> Vec<Profile> {
    profile_ids().iter().map(|id| profile(id).unwrap_or_else(|e| panic!("{e}"))).collect()
}

fn guides_of(id: &str, lang: Lang) -> Vec<Guide> {
    guides(id, lang).unwrap_or_else(|e| panic!("{e}"))
}

fn help_of(id: &str, lang: Lang) -> Vec<HelpTopic> {
    help(id, lang).unwrap_or_else(|e| panic!("{e}"))
}

fn guide_of(id: &str, procedure: Procedure, lang: Lang) -> Guide {
    guides_of(id, lang).into_iter().find(|g| g.procedure == procedure).unwrap()
}

fn screens(guide: &Guide) -> Vec<&str> {
    guide.steps.iter().map(|s| s.screen.as_str()).collect()
}

fn ui_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui")
}

#[test]
fn every_profile_parses() {
    assert_eq!(profile_ids(), ["mgen", "mpn"]);
    for p in profiles() {
        assert!(!p.name.is_empty() && !p.full_name.is_empty(), "{}", p.id);
        assert!(!p.support.phone.is_empty() && !p.support.chat.is_empty(), "{}", p.id);
        assert!(p.procedures.contains(&Procedure::Login), "{}", p.id);
        assert!(p.chat_url.as_deref().is_some_and(|u| u.starts_with("https://")), "{}", p.id);
    }
    let mpn = profile("mpn").unwrap();
    assert_eq!((mpn.name.as_str(), mpn.support.phone.as_str()), ("MPN", "03 88 19 22 56"));
    assert_eq!(mpn.procedures, [Procedure::Login, Procedure::Forgot, Procedure::Unlock, Procedure::Register]);
    let mgen = profile("mgen").unwrap();
    assert_eq!((mgen.name.as_str(), mgen.support.phone.as_str()), ("MGEN", "36 76"));
    assert_eq!(mgen.procedures, [Procedure::Login, Procedure::Unlock, Procedure::Forgot, Procedure::Register]);
}

#[test]
fn the_help_s_contacts_are_the_chat_and_a_tel_link() {
    use borne_content::Contact;
    let mpn = profile("mpn").unwrap();
    assert_eq!(mpn.contact_url(Contact::Chat).as_deref(), Some("https://www.e-mpn.fr"));
    assert_eq!(mpn.contact_url(Contact::Phone).as_deref(), Some("tel:0388192256"));
    let mgen = profile("mgen").unwrap();
    assert_eq!(mgen.contact_url(Contact::Phone).as_deref(), Some("tel:3676"));
    // Only an https:// chat is opened.
    let mut odd = mpn.clone();
    odd.chat_url = Some("file:///etc/passwd".into());
    assert_eq!(odd.contact_url(Contact::Chat), None);
}

#[test]
fn profile_json_follows_the_ipc_contract() {
    let json = serde_json::to_value(profile("mpn").unwrap()).unwrap();
    assert_eq!(json["id"], "mpn");
    assert_eq!(json["colours"]["primary"], "#0054a6");
    assert_eq!(json["support"]["insurer"], "MPN");
    assert_eq!(json["support"]["phone"], "03 88 19 22 56");
    assert_eq!(json["support"]["chat"], "le chat en ligne de votre Espace adhérent");
    assert_eq!(json["support"]["chat_url"], "https://www.e-mpn.fr");
    assert_eq!(json["procedures"], serde_json::json!(["login", "forgot", "unlock", "register"]));
    assert_eq!(json["forgot_fields"], serde_json::json!(["identifier", "member_number", "email"]));
    let back: Profile = serde_json::from_value(json).unwrap();
    assert_eq!(back, profile("mpn").unwrap());
}

#[test]
fn every_procedure_has_a_guide_in_each_language() {
    for p in profiles() {
        for lang in Lang::ALL {
            let order: Vec<Procedure> = guides_of(&p.id, lang).iter().map(|g| g.procedure).collect();
            assert_eq!(order, p.procedures, "{} {lang:?}", p.id);
        }
    }
}

#[test]
fn french_and_english_guides_have_the_same_steps() {
    for p in profiles() {
        for (fr, en) in guides_of(&p.id, Lang::Fr).iter().zip(guides_of(&p.id, Lang::En)) {
            let shape = |g: &Guide| g.steps.iter().map(|s| (s.id.clone(), s.screen.clone(), s.notes.len())).collect::<Vec<_>>();
            assert_eq!(shape(fr), shape(&en), "{} {:?}", p.id, fr.procedure);
            assert_ne!(fr.title, en.title);
            for (f, e) in fr.steps.iter().zip(&en.steps) {
                assert!(!e.title.is_empty() && !e.text.is_empty(), "{} {:?} {}", p.id, fr.procedure, e.id);
                assert_ne!(f.text, e.text, "{} {:?} {} not translated", p.id, fr.procedure, e.id);
            }
        }
    }
}

#[test]
fn step_ids_are_unique_within_a_guide() {
    for p in profiles() {
        for lang in Lang::ALL {
            for g in guides_of(&p.id, lang) {
                let mut ids: Vec<&str> = g.steps.iter().map(|s| s.id.as_str()).collect();
                ids.sort();
                ids.dedup();
                assert_eq!(ids.len(), g.steps.len(), "{} {:?}", p.id, g.procedure);
            }
        }
    }
}

#[test]
fn every_step_names_a_known_screen() {
    for p in profiles() {
        for lang in Lang::ALL {
            for g in guides_of(&p.id, lang) {
                for s in &g.steps {
                    assert!(SCREENS.contains(&s.screen.as_str()), "{} {:?} {}: {}", p.id, g.procedure, s.id, s.screen);
                }
            }
        }
    }
}

/// ui/index.html is written alongside this crate: every screen a step names
/// must be a `data-screen` there.
#[test]
fn every_step_screen_exists_in_the_ui() {
    let path = ui_dir().join("index.html");
    let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let missing: Vec<String> = SCREENS
        .iter()
        .filter(|s| !html.contains(&format!("data-screen=\"{s}\"")))
        .map(|s| s.to_string())
        .collect();
    assert!(missing.is_empty(), "screens named by SCREENS (and the guides) but not in ui/index.html: {missing:?}");
    for p in profiles() {
        for g in guides_of(&p.id, Lang::Fr) {
            for s in &g.steps {
                assert!(html.contains(&format!("data-screen=\"{}\"", s.screen)), "{} {:?} {}", p.id, g.procedure, s.screen);
            }
        }
    }
}

#[test]
fn unlock_guide_follows_the_mgen_guide() {
    for p in profiles() {
        for lang in Lang::ALL {
            let g = guide_of(&p.id, Procedure::Unlock, lang);
            assert_eq!(screens(&g), ["login", "unlock", "unlock-channel", "unlock-sent", "change-password"], "{} {lang:?}", p.id);
        }
    }
    let fr = guide_of("mgen", Procedure::Unlock, Lang::Fr);
    let all = serde_json::to_string(&fr).unwrap();
    assert!(all.contains("Débloquez votre compte") && all.contains("jj/mm/aaaa") && all.contains("Votre compte n'est pas bloqué."));
    for typo in ["débloquent", "Quelque soit", "A noter"] {
        assert!(!all.contains(typo), "{typo}");
    }
}

#[test]
fn forgot_guide_follows_the_mpn_guide() {
    for p in profiles() {
        for lang in Lang::ALL {
            let g = guide_of(&p.id, Procedure::Forgot, lang);
            assert_eq!(screens(&g), ["login", "forgot", "forgot-sent", "forgot-sent", "reset", "reset-done"], "{} {lang:?}", p.id);
        }
    }
    let fr = guide_of("mpn", Procedure::Forgot, Lang::Fr);
    assert!(fr.source.contains("étapes 4 à 10"), "{}", fr.source);
    let all = serde_json::to_string(&fr).unwrap();
    for words in ["«\u{a0}Envoyer\u{a0}»", "«\u{a0}Réinitialisation de mot de passe\u{a0}»", "spams", "au moins 8 caractères", "«\u{a0}Modifier le mot de passe\u{a0}»"] {
        assert!(all.contains(words), "{words}");
    }
}

#[test]
fn login_guide_lists_the_three_messages() {
    for p in profiles() {
        for lang in Lang::ALL {
            let g = guide_of(&p.id, Procedure::Login, lang);
            assert_eq!(screens(&g), ["login", "space"], "{} {lang:?}", p.id);
            assert_eq!(g.steps[0].notes.len(), 3, "{} {lang:?}", p.id);
            assert!(g.steps[0].notes[2].contains(&p.support.phone), "{} {lang:?}", p.id);
        }
    }
}

#[test]
fn help_topics_in_both_languages() {
    for p in profiles() {
        let shape = |lang| help_of(&p.id, lang).into_iter().map(|t| (t.id, t.image)).collect::<Vec<_>>();
        assert_eq!(shape(Lang::Fr), shape(Lang::En), "{}", p.id);
        let ids: Vec<String> = shape(Lang::Fr).into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, ["nir", "member_number", "other_error"], "{}", p.id);
        for lang in Lang::ALL {
            for t in help_of(&p.id, lang) {
                assert!(!t.title.is_empty() && !t.paragraphs.is_empty(), "{} {lang:?} {}", p.id, t.id);
                assert_eq!(t.image.is_some(), t.image_alt.is_some(), "{} {lang:?} {}: an image needs its alt text", p.id, t.id);
            }
        }
    }
}

#[test]
fn other_error_help_gives_the_insurer_phone() {
    for p in profiles() {
        for lang in Lang::ALL {
            let topic = help_of(&p.id, lang).into_iter().find(|t| t.id == "other_error").unwrap();
            assert!(topic.paragraphs.iter().any(|para| para.contains(&p.support.phone)), "{} {lang:?}", p.id);
            assert_eq!(topic.image, None);
        }
    }
}

/// The images are drawn in ui/img/ alongside this crate.
#[test]
fn every_help_image_exists_in_the_ui() {
    for p in profiles() {
        for lang in Lang::ALL {
            for image in help_of(&p.id, lang).into_iter().filter_map(|t| t.image) {
                assert!(["img/carte-vitale.svg", "img/carte-tiers-payant.svg"].contains(&image.as_str()), "{image}");
                let path = ui_dir().join(&image);
                assert!(path.is_file(), "{} {lang:?}: {} is missing", p.id, path.display());
            }
        }
    }
}

/// WCAG 2 relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    assert!(hex.len() == 7 && hex.starts_with('#'), "{hex}");
    let channel = |i: usize| {
        let c = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn contrast_formula() {
    assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((contrast("#777777", "#ffffff") - 4.48).abs() < 0.01);
}

#[test]
fn colours_pass_wcag_aa() {
    for p in profiles() {
        let c = &p.colours;
        for (fg, bg) in [(&c.on_primary, &c.primary), (&c.on_primary, &c.primary_dark), (&c.primary_dark, &"#ffffff".to_string())] {
            let ratio = contrast(fg, bg);
            assert!(ratio >= 4.5, "{}: {fg} on {bg} is {ratio:.2}:1", p.id);
        }
    }
}

#[test]
fn unknown_profile_names_the_available_ones() {
    let e = profile("x").unwrap_err();
    assert_eq!(e, ContentError::UnknownProfile { id: "x".into(), available: vec!["mgen".into(), "mpn".into()] });
    assert_eq!(e.to_string(), "unknown profile \"x\"; available: mgen, mpn");
    assert!(matches!(guides("../profiles/mpn", Lang::Fr), Err(ContentError::UnknownProfile { .. })));
    assert!(matches!(help("", Lang::En), Err(ContentError::UnknownProfile { .. })));
}

#[test]
fn index_html_loads_app_js_as_a_module_and_app_js_imports_every_module() {
    // The page loads the UI's own files as native ES modules (no bundle, no
    // file written by the build: docs/performance.md, "Native ES modules"):
    // one entry, app.js, whose imports reach every other script under ui/
    // (hello.js is borne-hello's page), each relative and ending in .js.
    let ui = ui_dir();
    let html = std::fs::read_to_string(ui.join("index.html")).unwrap();
    let scripts: Vec<&str> = html.match_indices("<script").map(|(at, _)| html[at..].split('>').next().unwrap()).collect();
    assert_eq!(scripts, [r#"<script type="module" src="app.js""#], "index.html's scripts");
    let mut reached = std::collections::BTreeSet::new();
    let mut todo = vec!["app.js".to_string()];
    while let Some(module) = todo.pop() {
        if !reached.insert(module.clone()) {
            continue;
        }
        let text = std::fs::read_to_string(ui.join(&module)).unwrap_or_else(|e| panic!("ui/{module}: {e}"));
        let dir = std::path::Path::new(&module).parent().unwrap().to_path_buf();
        for line in text.lines().filter(|l| l.starts_with("import ") || (l.starts_with("export ") && l.contains(" from "))) {
            let target = line.split(" from ").nth(1).and_then(|t| t.split('"').nth(1));
            let target = target.unwrap_or_else(|| panic!("ui/{module}: an import without a quoted path: {line}"));
            assert!(target.starts_with("./") || target.starts_with("../"), "ui/{module}: {target} is not relative");
            assert!(target.ends_with(".js"), "ui/{module}: {target} must name its .js file (no resolution in the browser)");
            let mut path = dir.clone();
            for part in target.split('/') {
                match part {
                    "." => {}
                    ".." => assert!(path.pop(), "ui/{module}: {target} leaves ui/"),
                    p => path.push(p),
                }
            }
            todo.push(path.to_string_lossy().replace('\\', "/"));
        }
    }
    fn walk(ui: &std::path::Path, dir: &std::path::Path, out: &mut std::collections::BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(ui, &path, out);
            } else if path.extension().is_some_and(|e| e == "js") {
                out.insert(path.strip_prefix(ui).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut on_disk = std::collections::BTreeSet::new();
    walk(&ui, &ui, &mut on_disk);
    on_disk.remove("hello.js");
    assert_eq!(reached, on_disk, "scripts under ui/ that app.js does not reach (or the reverse); nothing generated belongs in ui/");
    // Every module app.js reaches is preloaded, and nothing else.
    let preloaded: std::collections::BTreeSet<String> = html
        .match_indices(r#"<link rel="modulepreload" href=""#)
        .map(|(at, m)| html[at + m.len()..].split('"').next().unwrap().to_owned())
        .collect();
    reached.remove("app.js");
    assert_eq!(preloaded, reached, "index.html's <link rel=\"modulepreload\"> list is not the modules app.js imports");
}
