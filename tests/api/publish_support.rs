//! What the publishing tests share: a small Meeting Guide feed written here (two meetings of
//! one group at one place, a monthly meeting, an online one, one in Chicago's zone, with
//! members' contact details that must never be published), and the shape two directories
//! are compared in: each group's name, meetings and place, sorted.

use serde_json::{json, Value};

use crate::helpers::TestApp;

/// The feed's rows.
pub fn rows() -> Vec<Value> {
    let media = |slug: &str, day: i64, time: &str, end: &str| {
        json!({
            "name": "Serenity Group", "slug": slug, "day": day, "time": time, "end_time": end,
            "location": "Saint Mark Church", "address": "123 Main Street", "city": "Media", "state": "PA",
            "postal_code": "19063", "country": "US", "latitude": 39.9168, "longitude": -75.3877,
            "types": ["O", "D", "X"], "notes": "Side door, downstairs; bring a friend.",
            "contact_1_name": "Pat Q", "contact_1_phone": "+16105550111", "contact_1_email": "pat.q@example.com",
            "email": "serenity.secretary@gmail.com", "phone": "+16105550199",
            "website": "https://serenity.example.org/",
        })
    };
    vec![
        media("serenity-thu", 4, "19:30", "20:30"),
        media("serenity-sun", 0, "10:00", "11:00"),
        json!({
            "name": "Last Friday Speakers", "slug": "lfs", "day": 5, "time": "20:00", "end_time": "21:30",
            "notes": "Meets only on the last Friday of the month.",
            "address": "9 Oak Avenue", "city": "Chester", "state": "PA", "postal_code": "19013", "country": "US",
            "latitude": 39.8496, "longitude": -75.3557, "types": ["SP", "O"],
        }),
        json!({
            "name": "Early Birds Online", "slug": "early", "day": 2, "time": "07:00", "end_time": "08:00",
            "conference_url": "https://zoom.us/j/123456789", "conference_phone": "+16465588656,,123456789#",
            "attendance_option": "online", "types": ["D"],
        }),
        json!({
            "name": "Women in Recovery", "slug": "wir", "day": 3, "time": "18:00", "end_time": "19:00",
            "timezone": "America/Chicago", "address": "500 Elm Street", "city": "Kansas City", "state": "MO",
            "postal_code": "64105", "country": "US", "latitude": 39.1031, "longitude": -94.5844, "types": ["W", "C"],
        }),
    ]
}

/// The fields compared across directories.
pub const FIELDS: &str = "name meetings { weekday startTime endTime timezone recurrence weeksOfMonth date } \
                          location { address locality region postcode country latitude longitude } online { url }";

/// Every group as (name, meetings, place), sorted, for comparing two directories.
pub async fn directory(app: &TestApp) -> Vec<Value> {
    let mut groups = app.all_groups(FIELDS).await;
    for g in &mut groups {
        if let Some(meetings) = g["meetings"].as_array_mut() {
            meetings.sort_by_key(|m| m.to_string());
        }
    }
    groups.sort_by_key(|g| g.to_string());
    groups
}

/// GETs a path of the app: (status, headers, body).
pub async fn get(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let resp = app.client.get(app.url(path)).send().await.expect("request sent");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.expect("a body"))
}

/// No member's or group's email or phone anywhere in a published body.
pub fn assert_no_personal_contacts(body: &str) {
    for secret in ["Pat Q", "5550111", "pat.q@example.com", "serenity.secretary", "5550199", "contact_1"] {
        assert!(!body.contains(secret), "{secret} published in {body}");
    }
}
