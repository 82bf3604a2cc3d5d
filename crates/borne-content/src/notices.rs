//! Short notices the app shows after a call, in the member's language.

use borne_core::Lang;

/// "Renvoyer" of an unlock e-mail: a new one went to `masked`.
pub fn unlock_email_sent_again(lang: Lang, masked: &str) -> String {
    match lang {
        Lang::Fr => format!("Un nouvel e-mail vient d'être envoyé à {masked}. Il remplace le précédent ; pensez à vérifier vos spams."),
        Lang::En => format!("A new e-mail has just been sent to {masked}. It replaces the previous one; remember to check your spam folder."),
    }
}
