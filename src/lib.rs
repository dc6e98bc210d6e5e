//! jobcenter-crm: the contact system of a Danish jobcenter's company service.

#![forbid(unsafe_code)]

pub mod api;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod mail;
pub mod models;
pub mod seed;
pub mod web;
pub mod webhooks;

pub use web::{AppState, build_app};
