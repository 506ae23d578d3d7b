//! A seeded generator of varied groups and filters, for the agreement and upkeep tests.
//!
//! Groups draw every field the finder reads from small pools (accented names and places,
//! costs on both sides of the free rule, points around Philadelphia some of them
//! approximate, all three attendances, all three statuses) so random filters hit and miss.

use chrono::NaiveTime;
use importers::{
    Accessibility, Attendance, Audience, GroupKind, Location, Meeting, Recurrence, Topic, TopicTag, Weekday,
};

use super::group;
use crate::finder::{Filter, Openness, TimeOfDay};
use crate::model::{GroupStatus, RecordKey, StoredGroup};

/// SplitMix64.
pub(crate) struct Rng(pub u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub(crate) fn pick<T: Clone>(&mut self, pool: &[T]) -> T {
        pool[self.below(pool.len())].clone()
    }

    /// Up to `max` distinct values of the pool.
    pub(crate) fn some<T: Clone + PartialEq>(&mut self, pool: &[T], max: usize) -> Vec<T> {
        let mut out: Vec<T> = Vec::new();
        for _ in 0..self.below(max + 1) {
            let v = self.pick(pool);
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }

    pub(crate) fn float(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const WORDS: &[&str] = &[
    "Hope",
    "Reunión",
    "Serenity",
    "Open",
    "Meeting",
    "Step",
    "Women's",
    "Café",
    "Night",
    "Owls",
    "Grupo",
    "Esperanza",
];
const PLACES: &[&str] = &["Philadelphia", "Saint-Étienne", "São Paulo", "Köln", "Malmö"];
const REGIONS: &[&str] = &["PA", "Île-de-France", "NRW"];
const COSTS: &[Option<&str>] = &[
    None,
    Some("Free"),
    Some("£5"),
    Some("$0"),
    Some("Donations welcome"),
    Some("7th Tradition"),
    Some("not free"),
    Some("£0.00"),
    Some("$10"),
];
const LANGS: &[&str] = &["en", "ES", "fr"];
const CODES: &[&str] = &["O", "C", "W", "ONL", "X"];
const SOURCES: &[&str] = &["sepa", "eda", "nyig"];
pub(crate) const KINDS: [GroupKind; 4] =
    [GroupKind::PeerSupport, GroupKind::TwelveStep, GroupKind::ProfessionallyLed, GroupKind::TherapyGroup];
pub(crate) const ATTENDANCE: [Attendance; 3] = [Attendance::InPerson, Attendance::Online, Attendance::Hybrid];
const ACCESS: [Accessibility; 3] =
    [Accessibility::WheelchairAccess, Accessibility::HearingLoop, Accessibility::SignLanguage];
const AUDIENCE: [Audience; 3] = [Audience::Women, Audience::Men, Audience::Newcomers];
const STATUSES: [GroupStatus; 2] = [GroupStatus::Active, GroupStatus::Missing];
const OPEN: [Openness; 3] = [Openness::Open, Openness::Closed, Openness::Unknown];
const TEXTS: &[&str] = &[
    "hope",
    "reun",
    "REUNION",
    "\"open meet\"",
    "cafe OR night",
    "sao",
    "koln",
    "\"grupo esperanza\"",
    "esperanza OR hope serenity",
    "\"women s\"",
    "side door",
    "o",
];

pub(crate) fn groups(seed: u64, n: usize) -> Vec<StoredGroup> {
    let mut rng = Rng(seed);
    (0..n).map(|i| one(&mut rng, i)).collect()
}

fn one(rng: &mut Rng, i: usize) -> StoredGroup {
    let name: Vec<&str> = (0..1 + rng.below(3)).map(|_| rng.pick(WORDS)).collect();
    let mut g = group(&format!("g{i:04}"), &name.join(" "));
    let l = &mut g.listing;
    l.kind = rng.pick(&KINDS);
    l.attendance = rng.pick(&ATTENDANCE);
    l.topics = rng.some(&Topic::CORE[..6], 2).into_iter().map(|topic| TopicTag { topic, rule: "gen".into() }).collect();
    l.description = rng.chance(50).then(|| format!("{} {}", rng.pick(WORDS), rng.pick(WORDS)));
    l.meetings = (0..rng.below(4))
        .map(|_| Meeting {
            weekday: rng.chance(90).then(|| rng.pick(&Weekday::ALL)),
            start: rng.chance(90).then(|| {
                NaiveTime::from_hms_opt(rng.below(24) as u32, rng.below(60) as u32, rng.pick(&[0, 0, 30]))
                    .expect("time")
            }),
            end: None,
            timezone: "Europe/London".into(),
            recurrence: Recurrence::Weekly,
        })
        .collect();
    if rng.chance(80) {
        let place = rng.pick(PLACES);
        l.location = Some(Location {
            name: rng.chance(50).then(|| format!("{} Hall", rng.pick(WORDS))),
            locality: rng.chance(90).then(|| if rng.chance(30) { place.to_uppercase() } else { place.to_owned() }),
            region: rng.chance(70).then(|| rng.pick(REGIONS).to_owned()),
            latitude: rng.chance(90).then(|| 39.9 + rng.float() * 0.4),
            longitude: rng.chance(90).then(|| -75.3 + rng.float() * 0.5),
            approximate: rng.chance(15),
            notes: rng.chance(30).then(|| "Side door".to_owned()),
            ..Location::default()
        });
    }
    l.cost = rng.pick(COSTS).map(str::to_owned);
    l.languages = rng.some(LANGS, 2).into_iter().map(str::to_owned).collect();
    l.accessibility = rng.some(&ACCESS, 2);
    l.audience = rng.some(&AUDIENCE, 2);
    l.open = rng.pick(&[Some(true), Some(false), None]);
    l.codes = rng.some(CODES, 3).into_iter().map(str::to_owned).collect();
    g.records = rng.some(SOURCES, 2).into_iter().map(|s| RecordKey::new(s, format!("x{i}"))).collect();
    g.status = match rng.below(10) {
        0 => GroupStatus::Removed,
        1 | 2 => GroupStatus::Missing,
        _ => GroupStatus::Active,
    };
    g
}

/// A random filter: each field set with some chance, some values absent from the groups.
pub(crate) fn filter(rng: &mut Rng) -> Filter {
    let p = 25;
    let time = |rng: &mut Rng| NaiveTime::from_hms_opt(rng.below(24) as u32, rng.pick(&[0, 30, 59]), 0).expect("time");
    let mut f = Filter::default();
    let strings = |rng: &mut Rng, pool: &[&str], max| rng.some(pool, max).into_iter().map(str::to_owned).collect();
    if rng.chance(p) {
        f.topics = rng.some(&Topic::CORE[..8], 2).into_iter().map(|t| t.as_str().to_owned()).collect();
    }
    if rng.chance(p) {
        f.kinds = rng.some(&KINDS, 2);
    }
    if rng.chance(p) {
        f.attendance = rng.some(&ATTENDANCE, 2);
    }
    if rng.chance(p) {
        f.weekdays = rng.some(&Weekday::ALL, 3);
    }
    if rng.chance(p) {
        f.time_of_day = rng.some(&TimeOfDay::ALL, 2);
    }
    if rng.chance(p) {
        f.starts_after = Some(time(rng));
    }
    if rng.chance(p) {
        f.starts_before = Some(time(rng));
    }
    if rng.chance(p) {
        f.languages = strings(rng, &["EN", "es", "de"], 2);
    }
    if rng.chance(p) {
        f.accessibility = rng.some(&ACCESS, 2);
    }
    if rng.chance(p) {
        f.audience = rng.some(&AUDIENCE, 2);
    }
    if rng.chance(p) {
        f.free = Some(rng.chance(50));
    }
    if rng.chance(p) {
        f.open = rng.some(&OPEN, 2);
    }
    if rng.chance(p) {
        f.source_codes = strings(rng, CODES, 2);
    }
    if rng.chance(p) {
        f.exclude_source_codes = strings(rng, CODES, 2);
    }
    if rng.chance(p) {
        f.sources = strings(rng, &["sepa", "eda", "aca"], 2);
    }
    if rng.chance(p) {
        f.locality = strings(rng, &["saint etienne", "KÖLN", "sao-paulo", "Paris"], 2);
    }
    if rng.chance(p) {
        f.region = strings(rng, &["pa", "ile de france"], 1);
    }
    if rng.chance(p) {
        f.status = rng.some(&STATUSES, 2);
    }
    if rng.chance(p) {
        f.text = Some(rng.pick(TEXTS).to_owned());
    }
    f
}
