//! Staff administration and the audit log.

use crate::common::{PASSWORD, app};
use actix_web::http::StatusCode;
use diesel::prelude::*;
use jobcenter_crm::db::schema::{audit_log, users};
use jobcenter_crm::models::user::Role;

#[actix_web::test]
async fn an_admin_creates_a_consultant_who_can_sign_in() {
    let app = app().await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    let res = admin
        .post_from(
            "/admin/users/new",
            "/admin/users",
            &[
                ("name", "Mads Mølgaard"),
                ("email", "Mads@Koege.dk"),
                ("phone", "12 34 56 78"),
                ("title", "Virksomhedskonsulent"),
                ("role", "consultant"),
                ("password", "min første adgangskode"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = admin.get("/admin/users").await;
    assert!(list.body.contains("Mads Mølgaard er oprettet."));
    assert!(list.body.contains("mads@koege.dk"));

    let mads = app.client();
    assert_eq!(
        mads.login("mads@koege.dk", "min første adgangskode")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(mads.get("/").await.body.contains("Jobcenter Køge"));

    let audit = admin.get("/admin/audit").await;
    assert!(audit.body.contains("Medarbejder oprettet"));
    assert!(audit.body.contains("mads@koege.dk (Konsulent)"));
}

#[actix_web::test]
async fn bad_user_input_is_refused_with_reasons() {
    let app = app().await;
    app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    let res = admin
        .post_from(
            "/admin/users/new",
            "/admin/users",
            &[
                ("name", " "),
                ("email", "konsulent@koege.dk"),
                ("role", "superuser"),
                ("password", "123"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Skriv medarbejderens navn."));
    assert!(res.body.contains("Vælg en rolle."));
    assert!(
        res.body
            .contains("Adgangskoden skal være på mindst 10 tegn.")
    );

    // A taken e-mail (in any case) is refused.
    let res = admin
        .post(
            "/admin/users",
            &[
                ("name", "Dublet"),
                ("email", "KONSULENT@koege.dk"),
                ("role", "consultant"),
                ("password", "en lang adgangskode"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("E-mailadressen er allerede i brug."));
    let count: i64 = users::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(count, 4);
}

#[actix_web::test]
async fn disabling_a_user_ends_their_sessions_and_blocks_sign_in() {
    let app = app().await;
    let seed = app.seed();
    let consultant = app.signed_in("konsulent@koege.dk").await;
    let admin = app.signed_in("admin@koege.dk").await;
    let res = admin
        .post_from(
            "/admin/users",
            &format!("/admin/users/{}/active", seed.consultant.id),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(consultant.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let res = admin
        .post_from(
            "/admin/users",
            &format!("/admin/users/{}/active", seed.consultant.id),
            &[("active", "true")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let actions: Vec<String> = audit_log::table
        .filter(audit_log::entity_id.eq(seed.consultant.id))
        .filter(audit_log::entity.eq("user"))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(actions, vec!["user_disabled", "user_enabled"]);
}

#[actix_web::test]
async fn admins_cannot_disable_themselves() {
    let app = app().await;
    let seed = app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    let res = admin
        .post_from(
            "/admin/users",
            &format!("/admin/users/{}/active", seed.admin.id),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .get("/admin/users")
            .await
            .body
            .contains("Du kan ikke deaktivere dig selv.")
    );
}

#[actix_web::test]
async fn another_jobcenters_staff_and_log_stay_out_of_sight() {
    let app = app().await;
    let seed = app.seed();
    let other = app.signed_in("admin@stevns.dk").await;
    let list = other.get("/admin/users").await;
    assert!(list.body.contains("Søren Stevns"));
    assert!(!list.body.contains("konsulent@koege.dk"));

    // A guessed id of another jobcenter's user answers 404 and changes nothing.
    let res = other
        .post_from(
            "/admin/users",
            &format!("/admin/users/{}/active", seed.consultant.id),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    let audit = other.get("/admin/audit").await;
    assert!(!audit.body.contains("Karen Konsulent"));
    assert!(!audit.body.contains("Anne Admin"));
}

#[actix_web::test]
async fn the_audit_log_records_sign_in_failures_and_logout() {
    let app = app().await;
    app.seed();
    let client = app.client();
    client
        .login("konsulent@koege.dk", "forkert adgangskode")
        .await;
    let consultant = app.signed_in("konsulent@koege.dk").await;
    consultant.get("/").await;
    consultant.post("/logout", &[]).await;
    let admin = app.signed_in("admin@koege.dk").await;
    let page = admin.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    for label in ["Mislykket log ind", "Logget ind", "Logget ud"] {
        assert!(page.body.contains(label), "{label}");
    }
    assert!(!page.body.contains(PASSWORD), "no passwords in the log");
}

#[actix_web::test]
async fn the_audit_log_pages_by_id() {
    let app = app().await;
    let seed = app.seed();
    {
        let mut c = app.conn();
        for i in 0..120 {
            jobcenter_crm::models::audit::NewAuditEntry {
                jobcenter_id: Some(seed.jobcenter.id),
                action: "login",
                details: format!("post nummer {i:03}"),
                created_at: app.now(),
                ..Default::default()
            }
            .insert(&mut c)
            .unwrap();
        }
    }
    let admin = app.signed_in("admin@koege.dk").await;
    let first = admin.get("/admin/audit").await;
    assert!(first.body.contains("post nummer 119"));
    assert!(!first.body.contains("post nummer 060"));
    let marker = "/admin/audit?before=";
    let start = first.body.find(marker).expect("link to older entries") + marker.len();
    let id: String = first.body[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let second = admin.get(&format!("{marker}{id}")).await;
    assert!(second.body.contains("post nummer 060"));
    assert!(!second.body.contains("post nummer 119"));
}

#[actix_web::test]
async fn admins_set_the_local_rules_and_bad_values_are_refused() {
    let app = app().await;
    let seed = app.seed();
    let consultant = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(
        consultant.get("/admin/settings").await.status,
        StatusCode::FORBIDDEN
    );
    let admin = app.signed_in("admin@koege.dk").await;
    let page = admin.get("/admin/settings").await;
    assert!(
        page.body.contains(r#"value="20""#),
        "default småjob maximum"
    );
    assert!(page.body.contains(r#"value="0,5""#), "decimal comma");
    let fields = [
        ("smaajob_min_hours", "2,5"),
        ("smaajob_max_hours", "15"),
        ("other_min_hours", "1"),
        ("other_max_hours", "37"),
        ("praktik_max_weeks", "8"),
        ("answer_promise_days", "1"),
        ("privacy_url", "https://koege.dk/privatliv"),
        ("team_email", "virksomhedsservice@koege.dk"),
        ("request_retention_months", "24"),
        ("spam_retention_days", "30"),
        ("require_two_step", "managers"),
        ("access_log_retention_months", "6"),
    ];
    let mut bad = fields;
    bad[1] = ("smaajob_max_hours", "2");
    bad[4] = ("praktik_max_weeks", "tretten");
    bad[6] = ("privacy_url", "koege.dk");
    bad[11] = ("access_log_retention_months", "0");
    let res = admin.post("/admin/settings", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Højst skal være mindst lige så mange timer som mindst.")
    );
    assert!(res.body.contains("Skriv et antal uger mellem 1 og 52."));
    assert!(res.body.contains("begynder med https://"));
    assert!(res.body.contains("Skriv et antal måneder mellem 1 og 60."));
    let saved =
        jobcenter_crm::models::settings::Settings::get(&mut app.conn(), seed.jobcenter.id).unwrap();
    assert_eq!(saved.smaajob_max_hours, 20.0, "nothing saved");

    let res = admin.post("/admin/settings", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let saved =
        jobcenter_crm::models::settings::Settings::get(&mut app.conn(), seed.jobcenter.id).unwrap();
    assert_eq!(
        (
            saved.smaajob_min_hours,
            saved.smaajob_max_hours,
            saved.praktik_max_weeks
        ),
        (2.5, 15.0, 8)
    );
    assert_eq!(
        saved.require_two_step,
        jobcenter_crm::models::two_step::TwoStepPolicy::Leaders
    );
    // The neighbouring jobcenter keeps its own rules.
    let other =
        jobcenter_crm::models::settings::Settings::get(&mut app.conn(), seed.other_jobcenter.id)
            .unwrap();
    assert_eq!(other.smaajob_max_hours, 20.0);
    assert!(
        admin
            .get("/admin/settings")
            .await
            .body
            .contains(r#"value="2,5""#)
    );
}

/// The fields of the edit form as the browser sends them, with the values it started from.
fn edit_fields<'a>(
    was: &'a [(&'a str, &'a str)],
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut fields: Vec<(&str, &str)> = was.to_vec();
    for (name, value) in was {
        let was_name: &'static str = match *name {
            "name" => "was_name",
            "phone" => "was_phone",
            "title" => "was_title",
            _ => "was_role",
        };
        fields.push((was_name, value));
    }
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, value));
    }
    fields
}

const KAREN: [(&str, &str); 4] = [
    ("name", "Karen Konsulent"),
    ("phone", ""),
    ("title", ""),
    ("role", "consultant"),
];

const ANNE: [(&str, &str); 4] = [
    ("name", "Anne Admin"),
    ("phone", ""),
    ("title", ""),
    ("role", "admin"),
];

#[actix_web::test]
async fn an_admin_changes_a_role_and_sets_a_forgotten_password() {
    let app = app().await;
    let seed = app.seed();
    let karen = app.signed_in("konsulent@koege.dk").await;
    assert_eq!(karen.get("/dashboard").await.status, StatusCode::FORBIDDEN);
    let admin = app.signed_in("admin@koege.dk").await;
    let path = format!("/admin/users/{}", seed.consultant.id);
    let edit = format!("{path}/edit");
    let list = admin.get("/admin/users").await;
    assert!(list.body.contains(&format!(r#"href="{edit}""#)));

    let form = admin.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    for (id, label) in [
        ("name", "Navn"),
        ("role", "Rolle"),
        ("new_password", "Ny adgangskode"),
    ] {
        assert!(
            form.body.contains(&format!(r#"<label for="{id}">{label}"#)),
            "{id}"
        );
    }
    assert!(
        form.body
            .contains(r#"<option value="consultant" selected>"#)
    );

    // The role alone: Karen is a manager from her next page on, still signed in.
    let res = admin
        .post(
            &path,
            &edit_fields(&KAREN, &[("title", "Teamleder"), ("role", "manager")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        admin
            .get("/admin/users")
            .await
            .body
            .contains("Karen Konsulent er gemt.")
    );
    assert_eq!(karen.get("/dashboard").await.status, StatusCode::OK);

    // A new password: it works, the old one does not, and Karen is signed out.
    let now = [
        ("name", "Karen Konsulent"),
        ("phone", ""),
        ("title", "Teamleder"),
        ("role", "manager"),
    ];
    let res = admin
        .post_from(
            &edit,
            &path,
            &edit_fields(&now, &[("new_password", "glemt og fundet igen")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(karen.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.client()
            .login("konsulent@koege.dk", "glemt og fundet igen")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::entity_id.eq(seed.consultant.id))
        .filter(audit_log::user_id.eq(seed.admin.id))
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        actions,
        ["user_updated", "user_updated", "password_changed"]
    );
}

#[actix_web::test]
async fn bad_edits_of_a_user_are_refused_and_change_nothing() {
    let app = app().await;
    let seed = app.seed();
    let admin = app.signed_in("admin@koege.dk").await;
    let path = format!("/admin/users/{}", seed.consultant.id);
    let edit = format!("{path}/edit");
    admin.get(&edit).await;
    for (changes, field, message) in [
        (&[("name", " ")][..], "name", "Skriv medarbejderens navn."),
        (&[("role", "superuser")][..], "role", "Vælg en rolle."),
        (
            &[("new_password", "kort")][..],
            "new_password",
            "Adgangskoden skal være på mindst 10 tegn.",
        ),
        (
            &[("new_password", "password12")][..],
            "new_password",
            "Adgangskoden er for let at gætte: den er almindelig eller et simpelt mønster. Vælg en anden, fx tre-fire tilfældige ord.",
        ),
    ] {
        let res = admin.post(&path, &edit_fields(&KAREN, changes)).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(
            res.body.contains(&format!(
                r#"<p class="field-error" id="{field}-error"><span class="visually-hidden">Fejl: </span>{message}</p>"#
            )),
            "{message}: {}",
            res.body
        );
        assert!(
            !res.body.contains(r#"value="kort""#) && !res.body.contains(r#"value="password12""#),
            "a password is not sent back"
        );
    }

    // Edited by someone else since the form was opened: shown anew, nothing overwritten.
    let mut c = app.conn();
    diesel::update(users::table.find(seed.consultant.id))
        .set(users::phone.eq("55 66 77 88"))
        .execute(&mut c)
        .unwrap();
    let res = admin
        .post(&path, &edit_fields(&KAREN, &[("name", "Karen K. Jensen")]))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(
        res.body
            .contains("En anden har ændret medarbejderen imens.")
    );
    assert!(res.body.contains(r#"value="55 66 77 88""#));
    let (name, role): (String, String) = users::table
        .find(seed.consultant.id)
        .select((users::name, users::role))
        .first(&mut c)
        .unwrap();
    assert_eq!(
        (name.as_str(), role.as_str()),
        ("Karen Konsulent", "consultant")
    );

    // The only active admin keeps the role.
    let own = format!("/admin/users/{}", seed.admin.id);
    let res = admin
        .post_from(
            &format!("{own}/edit"),
            &own,
            &edit_fields(&ANNE, &[("role", "manager")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Der skal være mindst én aktiv administrator.")
    );
    assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn only_the_jobcenters_admins_edit_its_staff() {
    let app = app().await;
    let seed = app.seed();
    let path = format!("/admin/users/{}", seed.consultant.id);
    // A manager of the jobcenter is refused; another jobcenter's admin does not find the user.
    for (email, expected) in [
        ("leder@koege.dk", StatusCode::FORBIDDEN),
        ("admin@stevns.dk", StatusCode::NOT_FOUND),
    ] {
        let client = app.signed_in(email).await;
        assert_eq!(
            client.get(&format!("{path}/edit")).await.status,
            expected,
            "{email}"
        );
        client.get("/").await;
        let res = client
            .post(&path, &edit_fields(&KAREN, &[("role", "admin")]))
            .await;
        assert_eq!(res.status, expected, "{email}");
    }
    let role: String = users::table
        .find(seed.consultant.id)
        .select(users::role)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(role, "consultant");
}

#[actix_web::test]
async fn an_admin_editing_their_own_account() {
    let app = app().await;
    let seed = app.seed();
    app.add_user(&seed.jobcenter, "admin2@koege.dk", "Bo Admin", Role::Admin);
    let admin = app.signed_in("admin@koege.dk").await;
    let own = format!("/admin/users/{}", seed.admin.id);
    let form = admin.get(&format!("{own}/edit")).await;
    assert!(!form.body.contains(r#"id="new_password""#));
    assert!(
        form.body
            .contains(r#"<a href="/account/password">Skift adgangskode</a>."#)
    );
    // The own password goes through the page that asks for the current one.
    let res = admin
        .post(
            &own,
            &edit_fields(&ANNE, &[("new_password", "en helt ny adgangskode")]),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body
            .contains("Din egen adgangskode skifter du under Skift adgangskode.")
    );
    // With another admin in place, the role can be given up; the staff list is then closed.
    let res = admin
        .post(&own, &edit_fields(&ANNE, &[("role", "manager")]))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/");
    assert!(admin.get("/").await.body.contains("Anne Admin er gemt."));
    assert_eq!(
        admin.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
}
