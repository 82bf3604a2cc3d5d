//! The answers that say nothing about whether an account exists: the same
//! text whatever the data typed (MPN guide, "MOT DE PASSE OUBLIÉ", step 6).

use borne_core::Lang;

/// The answer to every forgotten-password request.
pub fn forgot_password(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Si les informations saisies correspondent à un compte, un e-mail « Réinitialisation de mot de passe » vient de vous être envoyé. Il contient un lien et un code valables 30 minutes. Si vous n'avez rien reçu, pensez à vérifier dans vos spams ou courriers indésirables.",
        Lang::En => "If the information entered matches an account, an e-mail “Réinitialisation de mot de passe” (password reset) has just been sent to you. It contains a link and a code valid for 30 minutes. If you have not received anything, remember to check your spam or junk mail folder.",
    }
    .into()
}

/// The answer to every registration request ("Pas encore inscrit ?").
pub fn registration(lang: Lang) -> String {
    match lang {
        Lang::Fr => "Si les informations saisies correspondent à un adhérent, un e-mail contenant un code d'activation valable 30 minutes vient de vous être envoyé. Si vous n'avez rien reçu, pensez à vérifier dans vos spams ou courriers indésirables.",
        Lang::En => "If the information entered matches a member, an e-mail containing an activation code valid for 30 minutes has just been sent to you. If you have not received anything, remember to check your spam or junk mail folder.",
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_in_both_languages() {
        assert!(forgot_password(Lang::Fr).contains("« Réinitialisation de mot de passe »"));
        let en = forgot_password(Lang::En);
        assert!(en.contains("30 minutes") && en.contains("spam"), "{en}");
        assert!(registration(Lang::En).contains("activation code"));
        assert!(registration(Lang::Fr).contains("code d'activation"));
    }
}
