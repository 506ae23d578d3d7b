//! Pure helpers every parser uses to turn source values into the normalised `Listing` shape.
//!
//! One file per concern: [`text`] (sanitising, passcode redaction), [`phone`], [`web`] (URLs
//! and conference ids), [`time`] (times, weekdays, timestamps, zones), [`geo`], [`address`]
//! (with [`regions`], the US/Canadian region names)
//! and [`schedule`] (recurrence phrases in free text); [`table`] (delimited documents to rows,
//! stable row ids), [`document`] (decoding pages whatever they declare) and [`privacy`]
//! (members' contact details in free text); [`links`] (join links and passcode-free links in
//! free text) and [`place`] (one-line places); [`limits`] (how long a field and how many
//! items a list may be) and [`nesting`] (element depth, before any HTML parser). None of them
//! knows a feed format, reads a clock or does IO; each returns `None` (or a reason) for what
//! it cannot read, and the parser decides whether that is a problem worth reporting. The one
//! exception is [`geo::coordinates`]: every format reads a point with it, and it reports an
//! unusable point to the parser's `RecordProblems` itself, so the fault is worded one way.

pub mod address;
pub mod document;
pub mod geo;
pub mod limits;
pub mod links;
pub mod nesting;
pub mod phone;
pub mod place;
pub mod privacy;
pub mod regions;
pub mod schedule;
pub mod table;
pub mod text;
pub mod time;
pub mod web;
