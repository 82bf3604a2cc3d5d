use super::*;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq)]
enum Call {
    Speak(String, bool),
    Stop,
    Rate(u8),
    Volume(u8),
    Language(Lang),
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Call>>>);

impl Recorder {
    fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
    fn said(&self) -> Vec<String> {
        self.take()
            .into_iter()
            .filter_map(|c| match c {
                Call::Speak(t, _) => Some(t),
                _ => None,
            })
            .collect()
    }
}

impl Voice for Recorder {
    fn speak(&mut self, text: &str, interrupt: bool) -> Result<(), String> {
        self.0
            .lock()
            .unwrap()
            .push(Call::Speak(text.into(), interrupt));
        Ok(())
    }
    fn stop(&mut self) -> Result<(), String> {
        self.0.lock().unwrap().push(Call::Stop);
        Ok(())
    }
    fn set_rate(&mut self, level: u8) -> Result<(), String> {
        self.0.lock().unwrap().push(Call::Rate(level));
        Ok(())
    }
    fn set_volume(&mut self, level: u8) -> Result<(), String> {
        self.0.lock().unwrap().push(Call::Volume(level));
        Ok(())
    }
    fn set_language(&mut self, lang: Lang) -> Result<(), String> {
        self.0.lock().unwrap().push(Call::Language(lang));
        Ok(())
    }
}

fn speaker() -> (Speaker, Recorder) {
    let rec = Recorder::default();
    let r = rec.clone();
    let mut s = Speaker::new(Arc::new(move || Ok(Box::new(r.clone()) as Box<dyn Voice>)));
    s.transcript = None;
    (s, rec)
}

fn on(lang: Lang) -> (Speaker, Recorder) {
    let (mut s, rec) = speaker();
    s.control(Control::Start { lang });
    rec.take();
    (s, rec)
}

/// Off, at the default speed and volume, with a voice.
const OFF: Status = Status {
    on: false,
    rate: 5,
    volume: 7,
    voice: true,
};

fn screen(title: &str) -> Event {
    Event::Screen {
        title: title.into(),
        step: None,
    }
}

fn focus(label: &str, role: Role) -> Event {
    Event::Focus {
        label: label.into(),
        role,
        checked: None,
        required: false,
        invalid: false,
        disabled: false,
        length: None,
    }
}

#[test]
fn nothing_is_said_before_the_mode_starts_and_the_voice_is_made_only_then() {
    let made = Arc::new(Mutex::new(0));
    let m = made.clone();
    let mut s = Speaker::new(Arc::new(move || {
        *m.lock().unwrap() += 1;
        Ok(Box::new(Recorder::default()) as Box<dyn Voice>)
    }));
    s.event(&focus("Identifiant", Role::TextField));
    assert_eq!(
        s.control(Control::Repeat),
        Status {
            on: false,
            rate: 5,
            volume: 7,
            voice: false
        }
    );
    assert_eq!(*made.lock().unwrap(), 0);
    let status = s.control(Control::Start { lang: Lang::Fr });
    assert_eq!(
        status,
        Status {
            on: true,
            rate: 5,
            volume: 7,
            voice: true
        }
    );
    s.control(Control::Start { lang: Lang::En });
    assert_eq!(
        *made.lock().unwrap(),
        1,
        "one connection for the app's life"
    );
}

#[test]
fn start_sets_the_language_speed_and_volume_then_says_how_to_use_the_mode() {
    let (mut s, rec) = speaker();
    s.control(Control::Start { lang: Lang::Fr });
    let calls = rec.take();
    assert_eq!(
        &calls[..3],
        &[Call::Language(Lang::Fr), Call::Rate(5), Call::Volume(7)]
    );
    match &calls[3] {
        Call::Speak(t, true) => assert!(
            t.starts_with("Mode vocal activé.") && t.contains("F2 : répéter"),
            "{t}"
        ),
        other => panic!("{other:?}"),
    }
    s.control(Control::Start { lang: Lang::En });
    assert_eq!(rec.take()[0], Call::Language(Lang::En));
}

#[test]
fn a_screen_is_its_title_then_its_step_and_cuts_what_was_being_said() {
    let (mut s, rec) = on(Lang::Fr);
    s.event(&Event::Screen {
        title: "Mot de passe oublié".into(),
        step: Some(StepPosition {
            number: 2,
            total: 5,
            title: Some("Saisissez votre numéro de Sécurité sociale".into()),
        }),
    });
    s.event(&screen("Se connecter"));
    assert_eq!(
        rec.take(),
        vec![
            Call::Speak(
                "Mot de passe oublié. Étape 2 sur 5 — Saisissez votre numéro de Sécurité sociale."
                    .into(),
                true
            ),
            Call::Speak("Se connecter.".into(), true),
        ]
    );
    let (mut s, rec) = on(Lang::En);
    s.event(&Event::Screen {
        title: "Unlock".into(),
        step: Some(StepPosition {
            number: 1,
            total: 5,
            title: None,
        }),
    });
    assert_eq!(rec.said(), vec!["Unlock. Step 1 of 5."]);
}

#[test]
fn a_control_is_its_label_role_and_state() {
    let (mut s, rec) = on(Lang::Fr);
    s.event(&Event::Focus {
        label: "Se souvenir de mon identifiant".into(),
        role: Role::Checkbox,
        checked: Some(false),
        required: false,
        invalid: false,
        disabled: false,
        length: None,
    });
    s.event(&Event::Focus {
        label: "Numéro de Sécurité sociale".into(),
        role: Role::TextField,
        checked: None,
        required: true,
        invalid: true,
        disabled: false,
        length: Some(0),
    });
    s.event(&Event::Focus {
        label: "Mot de passe".into(),
        role: Role::PasswordField,
        checked: None,
        required: true,
        invalid: false,
        disabled: false,
        length: Some(3),
    });
    s.event(&focus("Valider", Role::Button));
    assert_eq!(
        rec.said(),
        vec![
            "Se souvenir de mon identifiant, case à cocher, non cochée",
            "Numéro de Sécurité sociale, zone de saisie, obligatoire, en erreur, vide",
            "Mot de passe, zone de saisie de mot de passe, masquée, obligatoire, 3 caractères saisis",
            "Valider, bouton",
        ]
    );
}

#[test]
fn a_password_character_is_never_said_only_that_one_was_typed() {
    let (mut s, rec) = on(Lang::Fr);
    s.event(&Event::Typed { text: None });
    s.event(&Event::Typed {
        text: Some("7".into()),
    });
    s.event(&Event::Typed {
        text: Some(" ".into()),
    });
    s.event(&Event::Erased);
    assert_eq!(rec.said(), vec!["caractère saisi", "7", "espace", "effacé"]);
    // The page's JSON: a masked character carries no text at all.
    let e: Event = serde_json::from_str(r#"{"kind":"typed","text":null}"#).unwrap();
    assert_eq!(e, Event::Typed { text: None });
    let (mut s, rec) = on(Lang::En);
    s.event(&e);
    assert_eq!(rec.said(), vec!["character typed"]);
}

#[test]
fn echoes_cut_echoes_but_never_a_screen_or_a_message() {
    let (mut s, rec) = on(Lang::Fr);
    s.event(&screen("Se connecter"));
    s.event(&focus("Identifiant", Role::TextField));
    s.event(&Event::Typed {
        text: Some("1".into()),
    });
    s.event(&Event::Message {
        level: Level::Error,
        text: "Le mot de passe est incorrect".into(),
    });
    s.event(&Event::Key { label: "A".into() });
    s.event(&Event::Key {
        label: "Entrée".into(),
    });
    s.event(&Event::Message {
        level: Level::Status,
        text: "Code envoyé.".into(),
    });
    assert_eq!(
        rec.take(),
        vec![
            Call::Speak("Se connecter.".into(), true),
            Call::Speak("Identifiant, zone de saisie".into(), false),
            Call::Speak("1".into(), true),
            Call::Speak("Erreur : Le mot de passe est incorrect.".into(), false),
            Call::Speak("A, touche".into(), false),
            Call::Speak("Entrée, touche".into(), true),
            Call::Speak("Code envoyé.".into(), false),
        ]
    );
}

#[test]
fn repeat_says_the_last_message_again_not_a_speed_or_volume_change() {
    let (mut s, rec) = on(Lang::Fr);
    s.event(&Event::Message {
        level: Level::Error,
        text: "Ce numéro est incomplet.".into(),
    });
    s.control(Control::Faster);
    s.control(Control::Quieter);
    rec.take();
    s.control(Control::Repeat);
    assert_eq!(
        rec.take(),
        vec![Call::Speak(
            "Erreur : Ce numéro est incomplet.".into(),
            true
        )]
    );
    // Right after the start, the mode's instructions are what is repeated.
    let (mut s, rec) = on(Lang::Fr);
    s.control(Control::Repeat);
    let said = rec.said();
    assert_eq!(said.len(), 1);
    assert!(said[0].starts_with("Mode vocal activé."), "{said:?}");
}

#[test]
fn speed_and_volume_go_by_steps_within_bounds_and_are_said() {
    let (mut s, rec) = on(Lang::Fr);
    for _ in 0..6 {
        s.control(Control::Faster);
    }
    assert_eq!(s.status().rate, LEVELS);
    for _ in 0..12 {
        s.control(Control::Slower);
    }
    assert_eq!(s.status().rate, 1);
    let calls = rec.take();
    assert_eq!(calls[0], Call::Language(Lang::Fr));
    assert!(
        calls.contains(&Call::Rate(6))
            && calls.contains(&Call::Rate(9))
            && calls.contains(&Call::Rate(1))
    );
    assert!(
        calls.contains(&Call::Speak("Vitesse 9 sur 9".into(), true)),
        "{calls:?}"
    );
    assert_eq!(s.control(Control::Louder).volume, 8);
    assert_eq!(s.control(Control::Quieter).volume, 7);
    assert!(rec
        .take()
        .contains(&Call::Speak("Volume 8 sur 9".into(), true)));
}

#[test]
fn leaving_says_so_then_forgets_the_mode_and_its_settings() {
    let (mut s, rec) = on(Lang::En);
    s.control(Control::Faster);
    s.event(&screen("Log in"));
    rec.take();
    let status = s.control(Control::Leave);
    assert_eq!(status, OFF);
    assert_eq!(rec.said(), vec!["Spoken mode off."]);
    s.event(&screen("Log in"));
    s.control(Control::Repeat);
    assert!(rec.take().is_empty());
    s.control(Control::Start { lang: Lang::Fr });
    rec.take();
    s.control(Control::Repeat);
    let said = rec.said();
    assert!(
        said.len() == 1 && said[0].starts_with("Mode vocal activé."),
        "nothing of the previous member is kept: {said:?}"
    );
    assert_eq!(
        s.status().rate,
        5,
        "the previous member's speed is forgotten"
    );
}

#[test]
fn the_wipe_stops_at_once_says_nothing_and_forgets_everything() {
    let (mut s, rec) = on(Lang::Fr);
    s.control(Control::Louder);
    s.event(&screen("Bonjour Marie Dupont"));
    rec.take();
    let status = s.control(Control::Forget);
    assert_eq!(rec.take(), vec![Call::Stop]);
    assert_eq!(status, OFF);
    assert_eq!(s.last, None);
    s.event(&Event::Message {
        level: Level::Status,
        text: "x".into(),
    });
    assert!(rec.take().is_empty());
}

#[test]
fn without_a_speech_stack_the_mode_still_runs_and_says_nothing() {
    let mut s = Speaker::new(Arc::new(|| Err("no speech-dispatcher".to_string())));
    s.transcript = None;
    let status = s.control(Control::Start { lang: Lang::Fr });
    assert_eq!(
        status,
        Status {
            on: true,
            rate: 5,
            volume: 7,
            voice: false
        }
    );
    s.event(&screen("Se connecter"));
    assert_eq!(s.last.as_deref(), Some("Se connecter."));
}

#[test]
fn the_test_transcript_gets_every_sentence_in_order() {
    let dir = std::env::temp_dir().join(format!("borne-speech-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("said.txt");
    let (mut s, _rec) = speaker();
    s.transcript = Some(path.clone());
    s.control(Control::Start { lang: Lang::Fr });
    s.event(&Event::Typed { text: None });
    s.control(Control::Leave);
    let said = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<_> = said.lines().collect();
    assert_eq!(lines.len(), 3, "{said}");
    assert!(lines[0].starts_with("Mode vocal activé."));
    assert_eq!(&lines[1..], &["caractère saisi", "Mode vocal désactivé."]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn events_and_controls_read_the_pages_json() {
    let e: Event = serde_json::from_str(
        r#"{"kind":"screen","title":"Déblocage","step":{"number":3,"total":5,"title":"Choisissez"}}"#,
    )
    .unwrap();
    assert!(matches!(
        e,
        Event::Screen {
            step: Some(StepPosition {
                number: 3,
                total: 5,
                ..
            }),
            ..
        }
    ));
    let e: Event =
        serde_json::from_str(r#"{"kind":"focus","label":"OK","role":"button"}"#).unwrap();
    assert_eq!(e, focus("OK", Role::Button));
    let e: Event =
        serde_json::from_str(r#"{"kind":"message","level":"error","text":"x"}"#).unwrap();
    assert_eq!(
        e,
        Event::Message {
            level: Level::Error,
            text: "x".into()
        }
    );
    let c: Control = serde_json::from_str(r#"{"action":"start","lang":"en"}"#).unwrap();
    assert_eq!(c, Control::Start { lang: Lang::En });
    let c: Control = serde_json::from_str(r#"{"action":"forget"}"#).unwrap();
    assert_eq!(c, Control::Forget);
}

#[test]
fn a_speech_stack_that_does_not_answer_never_blocks_the_mode_and_its_voice_is_taken_when_it_comes()
{
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let wait = Mutex::new(wait);
    let rec = Recorder::default();
    let r = rec.clone();
    let mut s = Speaker::new(Arc::new(move || {
        wait.lock().unwrap().recv().unwrap();
        Ok(Box::new(r.clone()) as Box<dyn Voice>)
    }));
    s.transcript = None;
    s.connect_wait = std::time::Duration::from_millis(50);
    let started = std::time::Instant::now();
    let status = s.control(Control::Start { lang: Lang::En });
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(status.on && !status.voice, "{status:?}");
    s.event(&screen("Log in"));
    assert_eq!(s.last.as_deref(), Some("Log in."));
    release.send(()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    s.event(&screen("Unlock"));
    assert!(s.status().voice);
    assert_eq!(
        rec.take(),
        vec![
            Call::Language(Lang::En),
            Call::Rate(5),
            Call::Volume(7),
            Call::Speak("Unlock.".into(), true)
        ]
    );
}
