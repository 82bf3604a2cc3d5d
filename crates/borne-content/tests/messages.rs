//! The server's e-mails and SMS (content/messages/): every profile has every
//! kind of message in every language, each insurer with its own wording.

use borne_content::messages::{messages, MessageKind};
use borne_content::{profile, profile_ids, ContentError, Lang};

const LANGS: [Lang; 2] = [Lang::Fr, Lang::En];

fn values(profile_id: &str) -> Vec<(&'static str, String)> {
    let support = profile(profile_id).unwrap().support;
    vec![
        ("first_name", "Jeanne".into()),
        ("link", "borne://reset?token=abc".into()),
        ("code", "123456".into()),
        ("temporary_password", "Tmp-4242".into()),
        ("minutes", "30".into()),
        ("insurer", support.insurer),
        ("phone", support.phone),
        ("chat", support.chat),
    ]
}

fn fill(profile_id: &str, lang: Lang, kind: MessageKind) -> borne_content::messages::Filled {
    let values = values(profile_id);
    let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
    messages(profile_id, lang).unwrap().fill(kind, &pairs)
}

#[test]
fn every_profile_has_every_message_in_every_language() {
    assert_eq!(profile_ids(), ["mgen", "mpn"]);
    for id in profile_ids() {
        for lang in LANGS {
            let templates = messages(&id, lang).unwrap_or_else(|e| panic!("{id} {lang:?}: {e}"));
            for kind in MessageKind::ALL {
                let t = templates.template(kind);
                assert_eq!(t.subject.is_some(), kind.is_email(), "{id} {lang:?} {}", kind.as_str());
                let filled = fill(&id, lang, kind);
                assert!(!filled.text.contains(['{', '}']), "{id} {lang:?} {}: a placeholder left: {}", kind.as_str(), filled.text);
                for required in kind.required() {
                    let value = values(&id).into_iter().find(|(n, _)| n == required).unwrap().1;
                    assert!(filled.text.contains(&value), "{id} {lang:?} {}: {required}", kind.as_str());
                }
                if kind.is_email() {
                    assert!(filled.text.starts_with(if lang == Lang::Fr { "Bonjour Jeanne," } else { "Hello Jeanne," }), "{}", filled.text);
                    assert!(filled.text.contains(&profile(&id).unwrap().support.phone), "signed with the contacts: {}", filled.text);
                }
            }
        }
    }
}

#[test]
fn english_messages_are_in_english() {
    for id in profile_ids() {
        for kind in MessageKind::ALL {
            let en = fill(&id, Lang::En, kind);
            let fr = fill(&id, Lang::Fr, kind);
            if kind.is_email() {
                assert_ne!(en.subject, fr.subject, "{id} {}", kind.as_str());
            }
            assert_ne!(en.text, fr.text, "{id} {}", kind.as_str());
            for french in ["Bonjour", "Cordialement", "mot de passe", "Connectez-vous"] {
                assert!(!en.text.contains(french), "{id} {}: {french:?} in English: {}", kind.as_str(), en.text);
            }
        }
    }
}

#[test]
fn each_insurer_names_its_own_space() {
    for lang in LANGS {
        for kind in [MessageKind::ResetPassword, MessageKind::RegistrationCode, MessageKind::PasswordChanged] {
            let mgen = fill("mgen", lang, kind).text;
            let mpn = fill("mpn", lang, kind).text;
            assert!(mgen.contains("Espace personnel") && !mgen.contains("Espace adhérent"), "{lang:?} {}: {mgen}", kind.as_str());
            assert!(mpn.contains("Espace adhérent") && !mpn.contains("Espace personnel"), "{lang:?} {}: {mpn}", kind.as_str());
        }
    }
}

#[test]
fn the_sms_fits_one_gsm_sms_in_every_language() {
    // Under 160 characters, all of them in GSM 03.38's basic alphabet
    // (the server's own test counts septets exactly).
    for id in profile_ids() {
        for lang in LANGS {
            let text = fill(&id, lang, MessageKind::UnlockTemporaryPassword).text;
            assert!(text.chars().count() <= 160, "{id} {lang:?}: {text}");
            assert!(!text.contains(['’', '«', '»', 'ê', 'â', 'î', 'ô', 'û', 'ç']), "{id} {lang:?}: {text}");
        }
    }
}

#[test]
fn unknown_profile_is_refused() {
    assert!(matches!(messages("x", Lang::Fr), Err(ContentError::UnknownProfile { .. })));
}
