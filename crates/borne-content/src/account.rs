//! The texts of « Mes coordonnées » and « Sécurité du compte » that the app
//! builds from the backend's answers (issue 16): dates, places, the
//! account's events in plain words, and the notices after a change.

use borne_api::{AccountEventKind, Channel, Place};
use crate::typography::french;
use borne_core::Lang;

/// The text in `lang`, the French one with French typography.
fn t(lang: Lang, fr: &str, en: &str) -> String {
    match lang {
        Lang::Fr => french(fr),
        Lang::En => en.to_owned(),
    }
}

const MONTHS_FR: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
const MONTHS_EN: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// A civil date and time, already in the insurer's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub year: i16,
    /// 1 to 12.
    pub month: i8,
    pub day: i8,
    pub hour: i8,
    pub minute: i8,
}

/// « le 3 mars 2025 à 14 h 05 » / "on 3 March 2025 at 14:05".
pub fn when(lang: Lang, w: When) -> String {
    let month = (w.month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Fr => {
            let day = if w.day == 1 { "1er".to_string() } else { w.day.to_string() };
            french(&format!("le {day} {} {} à {} h {:02}", MONTHS_FR[month], w.year, w.hour, w.minute))
        }
        Lang::En => format!("on {} {} {} at {:02}:{:02}", w.day, MONTHS_EN[month], w.year, w.hour, w.minute),
    }
}

/// Where a log-in or a session happened: « sur la borne de l'agence : Agence
/// de Nancy, borne 1 » or « sur un ordinateur ».
pub fn place(lang: Lang, place: Place, device_name: Option<&str>) -> String {
    match (lang, place, device_name) {
        (Lang::Fr, Place::Kiosk, Some(name)) => french(&format!("sur la borne de l'agence « {name} »")),
        (Lang::Fr, Place::Kiosk, None) => "sur une borne d'agence".into(),
        (Lang::Fr, Place::Computer, _) => "sur un ordinateur ou un téléphone".into(),
        (Lang::En, Place::Kiosk, Some(name)) => format!("at the branch kiosk “{name}”"),
        (Lang::En, Place::Kiosk, None) => "at a branch kiosk".into(),
        (Lang::En, Place::Computer, _) => "on a computer or a phone".into(),
    }
}

/// What happened to the account, in plain words.
pub fn event(lang: Lang, kind: AccountEventKind) -> String {
    use AccountEventKind::*;
    let (fr, en) = match kind {
        PasswordChanged => ("Votre mot de passe a été changé.", "Your password was changed."),
        PasswordReset => ("Votre mot de passe a été réinitialisé (« Mot de passe oublié ? »).", "Your password was reset (“Forgotten password?”)."),
        AccountBlocked => ("Votre compte a été bloqué après 3 mots de passe erronés.", "Your account was blocked after 3 wrong passwords."),
        AccountBlockedByMember => ("Vous avez bloqué votre compte (« Ce n'est pas moi »).", "You blocked your account (“This was not me”)."),
        UnlockRequested => ("Un déblocage du compte a été demandé (SMS ou e-mail).", "An unlock of the account was requested (SMS or e-mail)."),
        EmailChanged => ("Votre adresse e-mail a été changée.", "Your e-mail address was changed."),
        MobileChanged => ("Votre numéro de mobile a été changé.", "Your mobile number was changed."),
        OtherSessionsEnded => ("Vos autres appareils ont été déconnectés.", "Your other devices were signed out."),
    };
    t(lang, fr, en)
}

/// After « Recevoir un code »: where it went and for how long it is valid.
pub fn code_sent(lang: Lang, channel: Channel, masked: &str, minutes: u64) -> String {
    match (lang, channel) {
        (Lang::Fr, Channel::Email) => french(&format!("Un code à 6 chiffres vient d'être envoyé par e-mail à {masked}. Il est valable {minutes} minutes. Pensez à vérifier vos spams.")),
        (Lang::Fr, Channel::Sms) => french(&format!("Un code à 6 chiffres vient d'être envoyé par SMS au {masked}. Il est valable {minutes} minutes.")),
        (Lang::En, Channel::Email) => format!("A 6-digit code has just been sent by e-mail to {masked}. It is valid for {minutes} minutes. Remember to check your spam folder."),
        (Lang::En, Channel::Sms) => format!("A 6-digit code has just been sent by text message to {masked}. It is valid for {minutes} minutes."),
    }
}

/// The change is confirmed by its code.
pub fn contact_saved(lang: Lang, channel: Channel) -> String {
    let (fr, en) = match channel {
        Channel::Email => ("Votre nouvelle adresse e-mail est enregistrée. Nous avons prévenu l'ancienne adresse de ce changement.", "Your new e-mail address is saved. We have told your previous address about this change."),
        Channel::Sms => ("Votre nouveau numéro de mobile est enregistré. Nous avons prévenu vos anciennes coordonnées de ce changement.", "Your new mobile number is saved. We have told your previous contacts about this change."),
    };
    t(lang, fr, en)
}

/// « Déconnecter les autres appareils »: how many sessions were ended.
pub fn sessions_ended(lang: Lang, ended: u32) -> String {
    match (lang, ended) {
        (Lang::Fr, 0) => french("Aucun autre appareil n'était connecté : rien n'a été changé."),
        (Lang::Fr, 1) => "1 autre appareil a été déconnecté. Vous restez connecté sur celui-ci.".into(),
        (Lang::Fr, n) => format!("{n} autres appareils ont été déconnectés. Vous restez connecté sur celui-ci."),
        (Lang::En, 0) => "No other device was signed in: nothing has changed.".into(),
        (Lang::En, 1) => "1 other device has been signed out. You stay signed in on this one.".into(),
        (Lang::En, n) => format!("{n} other devices have been signed out. You stay signed in on this one."),
    }
}

/// « Ce n'est pas moi » is done: the account is blocked, the member chooses
/// a new password with the forgotten-password form.
pub fn blocked_by_member(lang: Lang, space: &str) -> String {
    match lang {
        Lang::Fr => french(&format!("Votre compte est bloqué et vous avez été déconnecté de tous vos appareils. Pour protéger votre {space}, choisissez maintenant un nouveau mot de passe : remplissez ce formulaire, vous recevrez un e-mail. Votre compte sera débloqué dès que le nouveau mot de passe sera enregistré.")),
        Lang::En => format!("Your account is blocked and you have been signed out of all your devices. To protect your {space}, choose a new password now: fill in this form and you will receive an e-mail. Your account will be unblocked as soon as the new password is saved."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        let w = When { year: 2025, month: 3, day: 1, hour: 9, minute: 5 };
        assert_eq!(when(Lang::Fr, w), "le 1er mars 2025 à 9 h 05");
        assert_eq!(when(Lang::En, w), "on 1 March 2025 at 09:05");
        let w = When { day: 14, month: 12, ..w };
        assert_eq!(when(Lang::Fr, w), "le 14 décembre 2025 à 9 h 05");
    }

    #[test]
    fn places_and_counts() {
        assert_eq!(place(Lang::Fr, Place::Kiosk, Some("Agence de Nancy, borne 1")), french("sur la borne de l'agence « Agence de Nancy, borne 1 »"));
        assert_eq!(place(Lang::Fr, Place::Computer, None), "sur un ordinateur ou un téléphone");
        assert_eq!(sessions_ended(Lang::Fr, 2), "2 autres appareils ont été déconnectés. Vous restez connecté sur celui-ci.");
        assert!(sessions_ended(Lang::En, 1).starts_with("1 other device has"));
    }

    #[test]
    fn every_french_text_keeps_french_typography() {
        use crate::typography::faults;
        use AccountEventKind::*;
        let mut texts = vec![blocked_by_member(Lang::Fr, "Espace adhérent"), place(Lang::Fr, Place::Kiosk, Some("Agence"))];
        for k in [PasswordChanged, PasswordReset, AccountBlocked, AccountBlockedByMember, UnlockRequested, EmailChanged, MobileChanged, OtherSessionsEnded] {
            texts.push(event(Lang::Fr, k));
        }
        for c in [Channel::Email, Channel::Sms] {
            texts.push(contact_saved(Lang::Fr, c));
            texts.push(code_sent(Lang::Fr, c, "j•••@exemple.fr", 30));
        }
        texts.extend((0..3).map(|n| sessions_ended(Lang::Fr, n)));
        for text in texts {
            assert!(faults(&text).is_empty(), "{text}");
        }
    }
}
