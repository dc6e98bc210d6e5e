//! Pure rules with no I/O.

pub mod cpr_guard;
pub mod csv_io;
pub mod cvr;
pub mod dates;
pub mod holidays;
pub mod periods;
pub mod text;
pub mod validate;
pub mod working_days;
