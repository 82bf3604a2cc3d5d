//! How a member reaches the insurer when the screen cannot help
//! (MPN guide: "Un autre message d'erreur ? … chat en ligne … 03 88 19 22 56").

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Support {
    pub insurer: String,
    pub phone: String,
    pub chat: String,
}

impl Default for Support {
    fn default() -> Self {
        Support {
            insurer: "MPN".into(),
            phone: "03 88 19 22 56".into(),
            chat: "le chat en ligne de votre Espace adhérent".into(),
        }
    }
}
