//! Creating members through the library, on each database backend: a
//! duplicate is refused with the field it repeats, and the refused member
//! leaves nothing behind.

#[macro_use]
mod common;

use borne_core::Secret;
use borne_server::{InvalidMember, NewMember};
use common::{migrated, nir_with_key, Backend, TestDatabase};

on_each_backend! {
    a_duplicate_names_the_repeated_field,
}

fn lucie() -> NewMember {
    NewMember {
        nir: nir_with_key("2900133123456"),
        email: "lucie.bernard@exemple.fr".into(),
        phone: Some("06 11 22 33 44".into()),
        birthdate: "05/01/1990".into(),
        member_number: "MPN-000789".into(),
        first_name: "Lucie".into(),
        last_name: "Bernard".into(),
        password: Secret::new("Bernard2024"),
    }
}

async fn a_duplicate_names_the_repeated_field(backend: Backend) {
    let database = TestDatabase::create(&backend).await;
    let db = migrated(&database).await;
    let first = db.add_member(&lucie()).await.unwrap();

    let other_nir = nir_with_key("1850775123456");
    let cases = [
        // The same NIR typed with spaces: compared canonical.
        (NewMember { email: "autre@exemple.fr".into(), member_number: "MPN-1".into(), nir: "2 90 01 33 123 456".to_owned() + &lucie().nir[13..], ..lucie() }, "NIR"),
        // The same e-mail in another case: compared lower-cased.
        (NewMember { nir: other_nir.clone(), member_number: "MPN-2".into(), email: "Lucie.Bernard@Exemple.FR".into(), ..lucie() }, "e-mail"),
        (NewMember { nir: other_nir.clone(), email: "autre@exemple.fr".into(), ..lucie() }, "numéro d'adhérent"),
    ];
    for (member, field) in cases {
        let e = db.add_member(&member).await.unwrap_err();
        let invalid = e.downcast_ref::<InvalidMember>().unwrap_or_else(|| panic!("{field}: {e:#}"));
        assert_eq!(invalid.field, field);
        assert!(invalid.reason.contains("déjà"), "{invalid}");
    }

    // None of the refused members was created: the e-mail two of them
    // carried is still free.
    let second = db
        .add_member(&NewMember { nir: other_nir, email: "autre@exemple.fr".into(), member_number: "MPN-3".into(), ..lucie() })
        .await
        .unwrap();
    assert_ne!(second, first);
    db.close().await;
}
