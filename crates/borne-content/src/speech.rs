//! What the spoken mode says besides the page's own texts (issue 15: EN 301 549
//! §5.1.3): the step, the roles and states of controls, a typed character, the
//! mode's own announcements, in the member's language. The page's titles,
//! labels and messages are spoken as the page shows them; these words are the
//! glue between them (crates/borne-speech composes the sentences).

use borne_core::Lang;

/// « Étape 2 sur 5 ».
pub fn step(lang: Lang, number: u32, total: u32) -> String {
    match lang {
        Lang::Fr => format!("Étape {number} sur {total}"),
        Lang::En => format!("Step {number} of {total}"),
    }
}

/// The kinds of control the spoken mode names after a control's label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Button,
    Link,
    TextField,
    PasswordField,
    Checkbox,
    Radio,
    Key,
    Dialog,
}

pub fn role(lang: Lang, role: Role) -> &'static str {
    match (lang, role) {
        (Lang::Fr, Role::Button) => "bouton",
        (Lang::Fr, Role::Link) => "lien",
        (Lang::Fr, Role::TextField) => "zone de saisie",
        (Lang::Fr, Role::PasswordField) => "zone de saisie de mot de passe, masquée",
        (Lang::Fr, Role::Checkbox) => "case à cocher",
        (Lang::Fr, Role::Radio) => "bouton radio",
        (Lang::Fr, Role::Key) => "touche",
        (Lang::Fr, Role::Dialog) => "fenêtre",
        (Lang::En, Role::Button) => "button",
        (Lang::En, Role::Link) => "link",
        (Lang::En, Role::TextField) => "edit text",
        (Lang::En, Role::PasswordField) => "password edit text, masked",
        (Lang::En, Role::Checkbox) => "check box",
        (Lang::En, Role::Radio) => "radio button",
        (Lang::En, Role::Key) => "key",
        (Lang::En, Role::Dialog) => "dialog",
    }
}

/// The states of a control the spoken mode says after its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Checked,
    NotChecked,
    Required,
    Invalid,
    Disabled,
    Empty,
    /// A password field holding `n` characters (never what they are).
    Characters(u32),
}

pub fn state(lang: Lang, state: State) -> String {
    match (lang, state) {
        (Lang::Fr, State::Checked) => "cochée".into(),
        (Lang::Fr, State::NotChecked) => "non cochée".into(),
        (Lang::Fr, State::Required) => "obligatoire".into(),
        (Lang::Fr, State::Invalid) => "en erreur".into(),
        (Lang::Fr, State::Disabled) => "indisponible".into(),
        (Lang::Fr, State::Empty) => "vide".into(),
        (Lang::Fr, State::Characters(1)) => "1 caractère saisi".into(),
        (Lang::Fr, State::Characters(n)) => format!("{n} caractères saisis"),
        (Lang::En, State::Checked) => "checked".into(),
        (Lang::En, State::NotChecked) => "not checked".into(),
        (Lang::En, State::Required) => "required".into(),
        (Lang::En, State::Invalid) => "invalid entry".into(),
        (Lang::En, State::Disabled) => "unavailable".into(),
        (Lang::En, State::Empty) => "blank".into(),
        (Lang::En, State::Characters(1)) => "1 character typed".into(),
        (Lang::En, State::Characters(n)) => format!("{n} characters typed"),
    }
}

/// A character typed in a password field: never the character itself.
pub fn masked_character(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "caractère saisi",
        Lang::En => "character typed",
    }
}

/// A character erased (Backspace, the on-screen keyboard's « Effacer »).
pub fn erased(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "effacé",
        Lang::En => "deleted",
    }
}

/// A space typed (a space alone would be silent).
pub fn space(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "espace",
        Lang::En => "space",
    }
}

/// Said before an error message.
pub fn error_prefix(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Erreur :",
        Lang::En => "Error:",
    }
}

/// Said when the spoken mode starts: how to use it without seeing the screen.
pub fn mode_on(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Mode vocal activé. Touche Tabulation : élément suivant. Entrée : valider. \
                     F2 : répéter. F3 et F4 : plus lent, plus rapide. F5 et F6 : moins fort, plus fort. \
                     F1 : quitter le mode vocal.",
        Lang::En => "Spoken mode on. Tab key: next item. Enter: confirm. F2: repeat. \
                     F3 and F4: slower, faster. F5 and F6: quieter, louder. F1: leave the spoken mode.",
    }
}

/// Said when the member leaves the spoken mode.
pub fn mode_off(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "Mode vocal désactivé.",
        Lang::En => "Spoken mode off.",
    }
}

/// Said after a change of speed: `level` from 1 (slowest) to `max`.
pub fn rate(lang: Lang, level: u8, max: u8) -> String {
    match lang {
        Lang::Fr => format!("Vitesse {level} sur {max}"),
        Lang::En => format!("Speed {level} of {max}"),
    }
}

/// Said after a change of volume: `level` from 1 (quietest) to `max`.
pub fn volume(lang: Lang, level: u8, max: u8) -> String {
    match lang {
        Lang::Fr => format!("Volume {level} sur {max}"),
        Lang::En => format!("Volume {level} of {max}"),
    }
}
