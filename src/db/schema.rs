// The tables as diesel sees them; both migration folders must produce exactly these.

diesel::table! {
    jobcenters (id) {
        id -> BigInt,
        name -> Text,
        municipality_code -> Text,
        slug -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        email -> Text,
        name -> Text,
        phone -> Text,
        title -> Text,
        role -> Text,
        active -> Bool,
        password_hash -> Text,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email -> Text,
        client_ip -> Text,
        succeeded -> Bool,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        jobcenter_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<BigInt>,
        details -> Text,
        client_ip -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    setup_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(users -> jobcenters (jobcenter_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(audit_log -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    jobcenters,
    users,
    sessions,
    login_attempts,
    audit_log,
    setup_tokens,
);
