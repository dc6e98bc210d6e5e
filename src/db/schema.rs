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
        totp_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    access_log (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        user_id -> Nullable<BigInt>,
        accessed_at -> Timestamp,
        kind -> Text,
        entity -> Nullable<Text>,
        entity_id -> Nullable<BigInt>,
        query -> Text,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> BigInt,
        user_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        user_agent -> Text,
        client_network -> Text,
        signed_out_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    needs (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        company_id -> BigInt,
        contact_person_id -> Nullable<BigInt>,
        user_id -> BigInt,
        title -> Text,
        positions -> Integer,
        hours_per_week -> Double,
        kind -> Text,
        start_on -> Nullable<Date>,
        deadline_on -> Nullable<Date>,
        requirements -> Text,
        offers -> Text,
        jobnet_ref -> Text,
        campaign_id -> Nullable<BigInt>,
        activity_id -> Nullable<BigInt>,
        request_id -> Nullable<BigInt>,
        status -> Text,
        is_open -> Bool,
        deadline_key -> Date,
        received_on -> Date,
        closed_on -> Nullable<Date>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    need_events (id) {
        id -> BigInt,
        need_id -> BigInt,
        user_id -> Nullable<BigInt>,
        status -> Text,
        happened_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    referrals (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        need_id -> BigInt,
        user_id -> BigInt,
        citizen_ref -> Text,
        referred_on -> Date,
        outcome -> Text,
        placement_id -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    kept_forms (id) {
        id -> BigInt,
        browser -> Text,
        user_id -> BigInt,
        page -> Text,
        action -> Text,
        fields -> Text,
        created_at -> Timestamp,
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

diesel::table! {
    companies (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        cvr -> Text,
        p_number -> Nullable<Text>,
        name -> Text,
        address -> Text,
        postcode -> Text,
        city -> Text,
        industry_code -> Text,
        industry_text -> Text,
        employees -> Nullable<Text>,
        phone -> Text,
        email -> Text,
        website -> Text,
        status -> Text,
        fixed_contact_id -> Nullable<BigInt>,
        notes -> Text,
        last_contact_on -> Nullable<Date>,
        name_search -> Text,
        search_text -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    contact_persons (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        company_id -> BigInt,
        name -> Text,
        title -> Text,
        phone -> Text,
        email -> Text,
        removed_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    company_imports (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        user_id -> BigInt,
        filename -> Text,
        content -> Text,
        update_existing -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jobcenter_settings (jobcenter_id) {
        jobcenter_id -> BigInt,
        smaajob_min_hours -> Double,
        smaajob_max_hours -> Double,
        other_min_hours -> Double,
        other_max_hours -> Double,
        praktik_max_weeks -> Integer,
        answer_promise_days -> Integer,
        privacy_url -> Text,
        team_email -> Text,
        request_retention_months -> Integer,
        spam_retention_days -> Integer,
        updated_at -> Timestamp,
        require_two_step -> Text,
        access_log_retention_months -> Integer,
        entry_name -> Text,
        entry_phone -> Text,
        entry_email -> Text,
        entry_address -> Text,
        entry_hours -> Text,
        closed_constitution_day -> Bool,
        closed_christmas_eve -> Bool,
        closed_new_years_eve -> Bool,
        closing_days -> Text,
        accessibility_url -> Text,
        survey_after_request -> Bool,
        survey_after_visit -> Bool,
        version -> Integer,
    }
}

diesel::table! {
    readiness_checks (id) {
        id -> Integer,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    satisfaction_surveys (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        company_id -> Nullable<BigInt>,
        company_name -> Text,
        email -> Text,
        user_id -> Nullable<BigInt>,
        source -> Text,
        token_hash -> Text,
        sent_at -> Timestamp,
        expires_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        score -> Nullable<Integer>,
        comment -> Text,
        opted_out -> Bool,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        company_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        occurred_on -> Date,
        topics -> Text,
        summary -> Text,
        outcome -> Nullable<Text>,
        campaign_id -> Nullable<BigInt>,
        contact_person_id -> Nullable<BigInt>,
        follow_up_on -> Nullable<Date>,
        follow_up_note -> Text,
        follow_up_done -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    placements (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        company_id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        citizen_ref -> Text,
        hours_per_week -> Double,
        start_on -> Date,
        end_on -> Nullable<Date>,
        status -> Text,
        result -> Nullable<Text>,
        campaign_id -> Nullable<BigInt>,
        note -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (user_id) {
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        name -> Text,
        purpose -> Text,
        topics -> Text,
        start_on -> Date,
        end_on -> Date,
        target_companies -> Integer,
        target_placements -> Nullable<Integer>,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        regional_campaign_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    campaign_consultants (campaign_id, user_id) {
        campaign_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on campaign_targets: targets per consultant (0: none) and status.
    campaign_status_counts (campaign_id, assigned_to, status) {
        campaign_id -> BigInt,
        assigned_to -> BigInt,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on campaign_targets: targets first visited on each day.
    campaign_visit_counts (campaign_id, visited_on) {
        campaign_id -> BigInt,
        visited_on -> Date,
        n -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on contact_requests: requests per status and staff member (0: none).
    contact_request_counts (jobcenter_id, status, assigned_to) {
        jobcenter_id -> BigInt,
        status -> Text,
        assigned_to -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on activities: open follow-ups per consultant and day.
    follow_up_day_counts (jobcenter_id, user_id, day) {
        jobcenter_id -> BigInt,
        user_id -> BigInt,
        day -> Date,
        n -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on activities: open follow-ups per consultant and month (its 1st).
    follow_up_month_counts (jobcenter_id, user_id, month) {
        jobcenter_id -> BigInt,
        user_id -> BigInt,
        month -> Date,
        n -> BigInt,
    }
}

diesel::table! {
    /// Texts a jobcenter words itself: every saved version; no body is the default again.
    texts (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        key -> Text,
        subject -> Nullable<Text>,
        body -> Nullable<Text>,
        user_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(texts -> users (user_id));

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        can_write -> Bool,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(api_tokens -> users (user_id));

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        url -> Text,
        events -> Text,
        secret -> Text,
        active -> Bool,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        webhook_id -> BigInt,
        event -> Text,
        payload -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));

diesel::table! {
    /// Summaries of a visit sent to the company: who sent what to whom.
    visit_summaries (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        activity_id -> BigInt,
        user_id -> Nullable<BigInt>,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        sent_at -> Timestamp,
    }
}

diesel::joinable!(visit_summaries -> users (user_id));

diesel::table! {
    /// Kept by triggers on needs and referrals: needs received per month (its first day),
    /// status, kind and consultant, with their positions and the referrals made to them.
    need_month_counts (jobcenter_id, month, status, kind, user_id) {
        jobcenter_id -> BigInt,
        month -> Date,
        status -> Text,
        kind -> Text,
        user_id -> BigInt,
        needs -> BigInt,
        positions -> BigInt,
        referrals -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on activities: activities per month (its first day), consultant, kind.
    activity_month_counts (jobcenter_id, month, user_id, kind) {
        jobcenter_id -> BigInt,
        month -> Date,
        user_id -> BigInt,
        kind -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on activities: activities per month, kind and topic.
    activity_topic_month_counts (jobcenter_id, month, kind, topic) {
        jobcenter_id -> BigInt,
        month -> Date,
        kind -> Text,
        topic -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on activities: activities per day and kind.
    activity_day_counts (jobcenter_id, day, kind) {
        jobcenter_id -> BigInt,
        day -> Date,
        kind -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on activities: each company's activities per period key.
    company_contact_periods (jobcenter_id, period, company_id) {
        jobcenter_id -> BigInt,
        period -> Text,
        company_id -> BigInt,
        in_base -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on company_contact_periods: companies contacted per period key.
    contact_period_counts (jobcenter_id, period) {
        jobcenter_id -> BigInt,
        period -> Text,
        companies -> BigInt,
        in_base -> BigInt,
    }
}

diesel::table! {
    /// Kept by triggers on companies: the register by status, employees and fixed contact.
    company_counts (jobcenter_id, status, has_employees, has_fixed_contact) {
        jobcenter_id -> BigInt,
        status -> Text,
        has_employees -> Integer,
        has_fixed_contact -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    campaign_targets (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        campaign_id -> BigInt,
        company_id -> BigInt,
        assigned_to -> Nullable<BigInt>,
        status -> Text,
        contacted_on -> Nullable<Date>,
        visited_on -> Nullable<Date>,
        last_activity_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        company_name_search -> Text,
        version -> Integer,
    }
}

diesel::table! {
    contact_requests (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        company_id -> Nullable<BigInt>,
        company_name -> Text,
        cvr -> Nullable<Text>,
        p_number -> Nullable<Text>,
        contact_name -> Text,
        email -> Text,
        phone -> Text,
        topic -> Text,
        message -> Text,
        preferred_time -> Text,
        consent -> Bool,
        status -> Text,
        spam_reason -> Nullable<Text>,
        assigned_to -> Nullable<BigInt>,
        received_at -> Timestamp,
        first_answer_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
        idempotency_key -> Text,
        channel -> Text,
        registered_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    contact_request_events (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        request_id -> BigInt,
        user_id -> Nullable<BigInt>,
        kind -> Text,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_mails (id) {
        id -> BigInt,
        jobcenter_id -> Nullable<BigInt>,
        request_id -> Nullable<BigInt>,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    contact_form_hits (id) {
        id -> BigInt,
        client_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    goals (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        half_year -> Text,
        focus_area -> Text,
        metric -> Text,
        target -> Double,
        topic -> Nullable<Text>,
        placement_kind -> Nullable<Text>,
        campaign_id -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    goal_targets (id) {
        id -> BigInt,
        goal_id -> BigInt,
        target -> Double,
        changed_by -> Nullable<BigInt>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    benchmark_figures (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        period -> Text,
        measured -> Bool,
        expected -> Nullable<Double>,
        actual -> Nullable<Double>,
        difference -> Nullable<Double>,
        rank -> Nullable<Integer>,
        note -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    di_rankings (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        year -> Integer,
        overall_rank -> Nullable<Integer>,
        workforce_rank -> Nullable<Integer>,
        cooperation_rank -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(users -> jobcenters (jobcenter_id));
diesel::joinable!(jobcenter_settings -> jobcenters (jobcenter_id));
diesel::joinable!(campaign_visit_counts -> campaigns (campaign_id));
diesel::joinable!(goal_targets -> goals (goal_id));
diesel::joinable!(goal_targets -> users (changed_by));
diesel::joinable!(campaign_targets -> companies (company_id));
diesel::joinable!(campaign_targets -> campaigns (campaign_id));
diesel::joinable!(campaign_status_counts -> campaigns (campaign_id));
diesel::joinable!(campaign_consultants -> campaigns (campaign_id));
diesel::joinable!(campaign_consultants -> users (user_id));
diesel::joinable!(activities -> companies (company_id));
diesel::joinable!(placements -> companies (company_id));
diesel::joinable!(calendar_feeds -> users (user_id));
diesel::joinable!(companies -> users (fixed_contact_id));
diesel::joinable!(contact_persons -> companies (company_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(kept_forms -> users (user_id));
diesel::joinable!(needs -> companies (company_id));
diesel::joinable!(needs -> users (user_id));
diesel::joinable!(need_events -> needs (need_id));
diesel::joinable!(referrals -> needs (need_id));
diesel::joinable!(audit_log -> users (user_id));
diesel::joinable!(access_log -> users (user_id));
diesel::joinable!(satisfaction_surveys -> users (user_id));
diesel::joinable!(contact_requests -> companies (company_id));
diesel::joinable!(contact_requests -> users (assigned_to));
diesel::joinable!(contact_request_events -> contact_requests (request_id));
diesel::joinable!(contact_request_events -> users (user_id));

diesel::table! {
    /// Companies merged into another: the merged-away id leads to the survivor.
    company_merges (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        survivor_id -> BigInt,
        merged_id -> BigInt,
        merged_name -> Text,
        merged_cvr -> Text,
        user_id -> Nullable<BigInt>,
        moved -> Text,
        merged_at -> Timestamp,
    }
}

diesel::joinable!(company_merges -> companies (survivor_id));

diesel::table! {
    population_imports (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        user_id -> Nullable<BigInt>,
        file_name -> Text,
        listed -> BigInt,
        base -> BigInt,
        added -> BigInt,
        changed -> BigInt,
        unchanged -> BigInt,
        ceased -> BigInt,
        gone -> BigInt,
        refused -> BigInt,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    population_units (id) {
        id -> BigInt,
        jobcenter_id -> BigInt,
        p_number -> Text,
        cvr -> Text,
        name -> Text,
        name_search -> Text,
        address -> Text,
        postcode -> Text,
        city -> Text,
        industry_code -> Text,
        industry_text -> Text,
        employees_band -> Nullable<Text>,
        employees_min -> Nullable<Integer>,
        started_on -> Nullable<Date>,
        ended_on -> Nullable<Date>,
        advertising_protected -> Bool,
        import_id -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    clusters (id) {
        id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cluster_members (id) {
        id -> BigInt,
        cluster_id -> BigInt,
        jobcenter_id -> BigInt,
        invited_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        left_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(cluster_members -> clusters (cluster_id));
diesel::joinable!(cluster_members -> jobcenters (jobcenter_id));

diesel::table! {
    regional_campaigns (id) {
        id -> BigInt,
        cluster_id -> BigInt,
        jobcenter_id -> BigInt,
        name -> Text,
        purpose -> Text,
        start_on -> Date,
        end_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::joinable!(regional_campaigns -> clusters (cluster_id));
diesel::joinable!(regional_campaigns -> jobcenters (jobcenter_id));
diesel::joinable!(campaigns -> regional_campaigns (regional_campaign_id));

diesel::allow_tables_to_appear_in_same_query!(
    regional_campaigns,
    company_merges,
    api_tokens,
    webhooks,
    webhook_deliveries,
    kept_forms,
    population_imports,
    population_units,
    clusters,
    cluster_members,
    texts,
    visit_summaries,
    needs,
    need_events,
    referrals,
    access_log,
    jobcenters,
    readiness_checks,
    satisfaction_surveys,
    users,
    recovery_codes,
    sessions,
    login_attempts,
    audit_log,
    setup_tokens,
    companies,
    contact_persons,
    company_imports,
    jobcenter_settings,
    activities,
    placements,
    calendar_feeds,
    campaigns,
    campaign_consultants,
    campaign_targets,
    campaign_status_counts,
    campaign_visit_counts,
    contact_requests,
    contact_request_counts,
    follow_up_day_counts,
    follow_up_month_counts,
    activity_month_counts,
    activity_topic_month_counts,
    activity_day_counts,
    company_contact_periods,
    contact_period_counts,
    company_counts,
    contact_request_events,
    outbox_mails,
    contact_form_hits,
    goals,
    goal_targets,
    benchmark_figures,
    di_rankings,
);
