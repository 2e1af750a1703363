//! The tenant choice of a login by a user of several tenants: written into the `tenantId`
//! field error by the server, read back by a console.

use protocol::{FieldError, TenantChoice, TenantId};

fn choices() -> Vec<TenantChoice> {
    ["acme", "globex"]
        .into_iter()
        .map(|slug| TenantChoice {
            id: TenantId::from(uuid::Uuid::new_v4()),
            slug: slug.to_owned(),
        })
        .collect()
}

#[test]
fn the_choices_round_trip_through_the_field_error() {
    let choices = choices();
    let error = TenantChoice::field_error(&choices);
    assert_eq!(error.field, "tenantId");
    assert_eq!(TenantChoice::parse(&error.message), choices);
    assert_eq!(
        TenantChoice::from_fields(&[FieldError::new("email", "x"), error]),
        Some(choices)
    );
}

/// The message is what the web client shows and earlier consoles parse: keep it as it was.
#[test]
fn the_message_keeps_its_words() {
    let choices = choices();
    assert_eq!(
        TenantChoice::message(&choices),
        format!(
            "you belong to several tenants; choose one of: acme ({}), globex ({})",
            choices[0].id, choices[1].id
        )
    );
}

#[test]
fn other_tenant_errors_offer_no_choice() {
    assert!(TenantChoice::parse("wrong password").is_empty());
    let other = FieldError::new("tenantId", "you are not a member of that tenant");
    assert_eq!(TenantChoice::from_fields(&[other]), None);
    assert_eq!(TenantChoice::from_fields(&[]), None);
}

/// Moved from the desktop shell, which parsed the message itself before.
#[test]
fn the_tenants_of_a_refused_sign_in_are_read_from_its_message() {
    let acme = uuid::Uuid::new_v4();
    let globex = uuid::Uuid::new_v4();
    let message =
        format!("you belong to several tenants; choose one of: acme ({acme}), globex ({globex})");
    let choices = TenantChoice::parse(&message);
    assert_eq!(choices.len(), 2);
    assert_eq!(choices[0].slug, "acme");
    assert_eq!(choices[0].id, TenantId::from(acme));
    assert_eq!(choices[1].slug, "globex");
    assert!(TenantChoice::parse("wrong password").is_empty());
}
