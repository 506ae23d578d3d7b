//! Pure helpers every parser uses to turn source values into the normalised `Listing` shape.
//!
//! One file per concern: [`text`] (sanitising, passcode redaction), [`phone`], [`web`] (URLs
//! and conference ids), [`time`] (times, weekdays, timestamps, zones), [`geo`], [`address`]
//! (with [`regions`], the US/Canadian region names)
//! and [`schedule`] (recurrence phrases in free text). None of them knows a feed format, reads
//! a clock or does IO; each returns `None` (or a reason) for what it cannot read, and the
//! parser decides whether that is a problem worth reporting.

pub mod address;
pub mod geo;
pub mod phone;
pub mod regions;
pub mod schedule;
pub mod text;
pub mod time;
pub mod web;
