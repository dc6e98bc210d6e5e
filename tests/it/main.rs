//! The integration tests: one crate (one build, one binary), a module per area of the app.
//! `common` holds TestApp and its clients; `contact_support` the public form's helpers.

mod access_log;
mod activities;
mod admin;
mod api;
mod auth;
mod browser;
mod campaigns;
mod cli;
mod cluster_work;
mod clusters;
mod companies;
mod contact;
mod contention;
mod db;
mod entry_point;
mod kept_forms;
mod merge;
mod needs;
mod outbox;
mod overview;
mod placements;
mod population;
mod query_plans;
mod reader;
mod requests;
mod routes;
mod satisfaction;
mod security;
mod seed;
mod setup;
mod texts;
mod two_step;
mod webhooks;

#[allow(dead_code)]
mod common;
#[allow(dead_code)]
mod contact_support;
