//! Publishing: the directory in the formats others already read, as pure functions from the
//! model's groups to JSON or text (no IO, no clock: the caller passes what it read and "now").
//!
//! `meeting_guide` (the Meeting Guide JSON feed: one entry per meeting), `ics` (iCalendar with
//! weekly and monthly RRULEs and VTIMEZONEs), `hsds` (Open Referral HSDS 3.0 API objects and
//! pages), `ndjson` (groups in the GraphQL API's public shape, with tombstones, for sync) and
//! `params` (query parameters to the finder's `Filter` and `Near`). The routes that read the
//! store and answer HTTP are `http/feeds.rs`.
//!
//! What every format shares is here: which groups may be published at all (`Withheld`: the
//! sources configured `republish = false`), a group re-merged without such sources' records
//! (`without_withheld`), and the stable key of a meeting within its group (`slot_keys`), which
//! Meeting Guide slugs, iCalendar UIDs and HSDS schedule ids are built from. Personal contact
//! details never leave through here: no format publishes a group's email or phone (a group's
//! contact may be a volunteer's own), only its website, its organisation and join links.

pub mod hsds;
pub mod ics;
pub mod meeting_guide;
pub mod ndjson;
pub mod params;

use std::collections::BTreeSet;

use chrono::Timelike;
use importers::{Meeting, Recurrence};

use crate::dedup::{merge, MergeInput};
use crate::model::{GroupMeeting, RecordKey, StoredGroup, StoredRecord};

/// The sources whose listings stay out of every published feed (`republish = false`), with
/// every source's trust, for re-merging a group without them.
#[derive(Debug, Clone, Default)]
pub struct Withheld {
    sources: BTreeSet<String>,
    trust: Vec<(String, u8)>,
}

/// What to do with one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No record of a withheld source: publish as it is.
    Publish,
    /// Every record is from withheld sources: leave it out.
    LeaveOut,
    /// Some records are: publish it re-merged from the others (`without_withheld`).
    Remerge,
}

impl Withheld {
    /// From (source id, trust, republish) of every configured source.
    pub fn new<'a>(sources: impl IntoIterator<Item = (&'a str, u8, bool)>) -> Withheld {
        let mut out = Withheld::default();
        for (id, trust, republish) in sources {
            if !republish {
                out.sources.insert(id.to_owned());
            }
            out.trust.push((id.to_owned(), trust));
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn contains(&self, source_id: &str) -> bool {
        self.sources.contains(source_id)
    }

    pub fn verdict(&self, group: &StoredGroup) -> Verdict {
        let withheld = group.records.iter().filter(|r| self.contains(&r.source_id)).count();
        match withheld {
            0 => Verdict::Publish,
            n if n == group.records.len() => Verdict::LeaveOut,
            _ => Verdict::Remerge,
        }
    }

    fn trust(&self, source_id: &str) -> u8 {
        self.trust.iter().find(|(id, _)| id == source_id).map_or(0, |(_, t)| *t)
    }
}

/// The group as it may be published: as it is, re-merged from the records of the other
/// sources (read through `record`), or `None` when every record is withheld.
pub fn publishable(
    group: StoredGroup,
    withheld: &Withheld,
    mut record: impl FnMut(&RecordKey) -> anyhow::Result<Option<StoredRecord>>,
) -> anyhow::Result<Option<StoredGroup>> {
    match withheld.verdict(&group) {
        Verdict::Publish => Ok(Some(group)),
        Verdict::LeaveOut => Ok(None),
        Verdict::Remerge => {
            let mut records = Vec::with_capacity(group.records.len());
            for key in &group.records {
                records.extend(record(key)?);
            }
            Ok(without_withheld(&group, &records, withheld))
        }
    }
}

/// The group as the records of the other sources alone describe it: their merged listing,
/// the meetings at least one of them describes, their keys. `records` are the group's
/// records as stored (those of withheld sources are ignored); `None` when none is left.
pub fn without_withheld(group: &StoredGroup, records: &[StoredRecord], withheld: &Withheld) -> Option<StoredGroup> {
    let kept: Vec<&StoredRecord> = records.iter().filter(|r| !withheld.contains(&r.key.source_id)).collect();
    let inputs: Vec<MergeInput<'_>> =
        kept.iter().map(|r| MergeInput { record: r, trust: withheld.trust(&r.key.source_id) }).collect();
    let listing = merge(&inputs)?;
    let keep = |keys: &[RecordKey]| -> Vec<RecordKey> {
        keys.iter().filter(|k| !withheld.contains(&k.source_id)).cloned().collect()
    };
    let meetings: Vec<GroupMeeting> = group
        .meetings()
        .into_iter()
        .filter_map(|m| {
            let records = keep(&m.records);
            (!records.is_empty()).then_some(GroupMeeting { slot: m.slot, records })
        })
        .collect();
    Some(StoredGroup { listing, records: keep(&group.records), links: Vec::new(), meetings, ..group.clone() })
}

/// Each meeting of the group with its key, unique within the group and a function of the
/// slot alone (weekday, start, recurrence): `thu-1930`, `tue-1900-m2-4` (2nd and 4th),
/// `fri-1800-mL` (last), `sat-1000-d20250306` (once), `appt` (by appointment). A second
/// meeting with the very same slot gets `-2`, and so on.
pub fn slot_keys(group: &StoredGroup) -> Vec<(String, GroupMeeting)> {
    let mut out: Vec<(String, GroupMeeting)> = Vec::new();
    for m in group.meetings() {
        let base = slot_key(&m.slot);
        let mut key = base.clone();
        let mut n = 2;
        while out.iter().any(|(k, _)| *k == key) {
            key = format!("{base}-{n}");
            n += 1;
        }
        out.push((key, m));
    }
    out
}

fn slot_key(m: &Meeting) -> String {
    let mut key = match m.weekday {
        Some(day) => day.as_str()[..3].to_owned(),
        None => "any".to_owned(),
    };
    if let Some(start) = m.start {
        key.push_str(&format!("-{:02}{:02}", start.hour(), start.minute()));
    }
    match &m.recurrence {
        Recurrence::Weekly => {}
        Recurrence::MonthlyNth { weeks } => {
            let weeks: Vec<String> =
                weeks.iter().map(|w| if *w < 0 { "L".to_owned() } else { w.to_string() }).collect();
            key.push_str(&format!("-m{}", weeks.join("-")));
        }
        Recurrence::Once { date } => key.push_str(&format!("-d{}", date.format("%Y%m%d"))),
        Recurrence::ByAppointment => key = "appt".to_owned(),
    }
    key
}

/// "HH:MM".
pub(crate) fn hhmm(t: chrono::NaiveTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};
    use importers::Weekday;

    fn slot(weekday: Option<Weekday>, start: Option<(u32, u32)>, recurrence: Recurrence) -> Meeting {
        let start = start.and_then(|(h, m)| NaiveTime::from_hms_opt(h, m, 0));
        Meeting { weekday, start, end: None, timezone: "UTC".into(), recurrence }
    }

    #[test]
    fn slot_keys_name_the_slot() {
        assert_eq!(slot_key(&slot(Some(Weekday::Thursday), Some((19, 30)), Recurrence::Weekly)), "thu-1930");
        let monthly = Recurrence::MonthlyNth { weeks: vec![2, -1] };
        assert_eq!(slot_key(&slot(Some(Weekday::Tuesday), Some((9, 5)), monthly)), "tue-0905-m2-L");
        let once = Recurrence::Once { date: NaiveDate::from_ymd_opt(2025, 3, 6).unwrap() };
        assert_eq!(slot_key(&slot(Some(Weekday::Thursday), Some((18, 0)), once)), "thu-1800-d20250306");
        assert_eq!(slot_key(&slot(None, None, Recurrence::ByAppointment)), "appt");
    }
}
