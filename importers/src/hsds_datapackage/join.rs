//! The HSDS 1.1 tables joined into `Service`s through their ids.
//!
//! service -> organization; service -> service_at_location -> location -> physical_address;
//! phones of the service, its service_at_location, its location and its organization (never
//! those of a contact, nor fax, pager or cell numbers); schedules of the service_at_location,
//! of the location, or of the service as a whole; taxonomy through service_taxonomy (and the
//! deprecated `services.taxonomy_ids`); languages; accessibility_for_disabilities. Ids are
//! compared as text, so 211 Miami's integers shared across tables join as they should.
//! Missing tables simply give nothing. Sanitising and selection are `openreferral`'s.

use std::collections::{BTreeMap, HashMap};

use crate::openreferral::schedule::ScheduleRow;
use crate::openreferral::{unescape, Address, Org, Service, Site, Term};
use crate::problem::RecordProblems;

use super::tables::Table;

type Index<'t> = HashMap<&'t str, Vec<&'t [String]>>;

/// Every service of the `service` table, joined; rows without an id are problems.
pub(super) fn services(tables: &BTreeMap<&'static str, Table>, problems: &mut RecordProblems<'_>) -> Vec<Service> {
    let empty = Table::default();
    let t = |kind: &str| tables.get(kind).unwrap_or(&empty);
    let (services, orgs, locations, sal) = (t("service"), t("organization"), t("location"), t("service_at_location"));
    let (addresses, phones, schedules) = (t("physical_address"), t("phone"), t("schedule"));
    let (links, taxonomy, languages, access) =
        (t("service_taxonomy"), t("taxonomy"), t("language"), t("accessibility"));

    let public_phone = |r: &&[String]| {
        let kind = phones.get(r, "type").map(str::to_ascii_lowercase);
        phones.get(r, "contact_id").is_none() && !matches!(kind.as_deref(), Some("fax" | "pager" | "cell"))
    };
    let phone_rows: Vec<&[String]> = phones.rows.iter().map(|(_, r)| r.as_slice()).filter(public_phone).collect();
    let phone_of = |r: &[String]| {
        let number = phones.get(r, "number")?;
        Some(match phones.get(r, "extension") {
            Some(ext) => format!("{number} ext {ext}"),
            None => number.to_owned(),
        })
    };
    let only = |r: &[String], key: &str| {
        ["service_id", "service_at_location_id", "location_id", "organization_id"]
            .iter()
            .all(|k| *k == key || phones.get(r, k).is_none())
    };
    let phone_index: HashMap<&str, Index<'_>> =
        ["service_id", "service_at_location_id", "location_id", "organization_id"]
            .into_iter()
            .map(|key| (key, index_rows(phones, &phone_rows, key)))
            .collect();
    let phones_where = |key: &str, value: &str, only_key: bool| -> Vec<String> {
        let rows = phone_index.get(key).and_then(|i| i.get(value)).into_iter().flatten();
        rows.filter(|p| !only_key || only(p, key)).filter_map(|p| phone_of(p)).collect()
    };
    let org_by_id: HashMap<&str, Org> = orgs
        .rows
        .iter()
        .filter_map(|(_, r)| {
            let id = orgs.get(r, "id")?;
            let org_phones = phones_where("organization_id", id, true);
            let org = Org {
                name: orgs.owned(r, "name"),
                url: orgs.owned(r, "url"),
                email: orgs.owned(r, "email"),
                phones: org_phones,
            };
            Some((id, org))
        })
        .collect();
    let term_by_id: HashMap<&str, &[String]> =
        taxonomy.rows.iter().filter_map(|(_, r)| Some((taxonomy.get(r, "id")?, r.as_slice()))).collect();
    let location_by_id: HashMap<&str, &[String]> =
        locations.rows.iter().filter_map(|(_, r)| Some((locations.get(r, "id")?, r.as_slice()))).collect();
    let address_by_location = index(addresses, "location_id");
    let sal_by_service = index(sal, "service_id");
    let links_by_service = index(links, "service_id");
    let language_by_service = index(languages, "service_id");
    let language_by_location = index(languages, "location_id");
    let access_by_location = index(access, "location_id");
    let schedule_rows: Vec<&[String]> = schedules.rows.iter().map(|(_, r)| r.as_slice()).collect();
    let schedules_by_service = index_rows(schedules, &schedule_rows, "service_id");
    let schedules_by_sal = index_rows(schedules, &schedule_rows, "service_at_location_id");
    let schedules_by_location = index_rows(schedules, &schedule_rows, "location_id");

    let mut out = Vec::new();
    for (line, row) in &services.rows {
        let Some(id) = services.get(row, "id") else {
            let name = services.get(row, "name").map(|n| format!(" (\"{n}\")")).unwrap_or_default();
            let why = format!("a service without an id{name}");
            problems.at(format!("services line {line}")).dropped(Some("id"), why);
            continue;
        };
        let mut terms: Vec<Term> = Vec::new();
        let linked = links_by_service.get(id).into_iter().flatten().filter_map(|l| links.get(l, "taxonomy_id"));
        let listed = services.get(row, "taxonomy_ids").into_iter().flat_map(|s| s.split(',')).map(str::trim);
        for term_id in linked.chain(listed).filter(|t| !t.is_empty()) {
            let found = term_by_id.get(term_id);
            let term = Term {
                id: Some(term_id.to_owned()),
                code: None,
                name: found.and_then(|r| taxonomy.owned(r, "name")),
                vocabulary: found.and_then(|r| taxonomy.owned(r, "vocabulary")),
            };
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        let own_schedules = schedules_by_service
            .get(id)
            .into_iter()
            .flatten()
            .filter(|r| {
                schedules.get(r, "location_id").is_none() && schedules.get(r, "service_at_location_id").is_none()
            })
            .map(|r| schedule(schedules, r))
            .collect();
        let mut sites = Vec::new();
        for link in sal_by_service.get(id).into_iter().flatten() {
            let sal_id = sal.get(link, "id");
            let location_id = sal.get(link, "location_id");
            let Some(site_id) = location_id.or(sal_id) else { continue };
            let mut site = Site { id: site_id.to_owned(), ..Site::default() };
            if let Some(loc) = location_id.and_then(|l| location_by_id.get(l)) {
                site.name = locations.owned(loc, "name");
                site.latitude = locations.owned(loc, "latitude");
                site.longitude = locations.owned(loc, "longitude");
                site.transportation = locations.owned(loc, "transportation");
            }
            let address = location_id.and_then(|l| address_by_location.get(l)).and_then(|a| a.first());
            site.address = address.map(|a| address_of(addresses, a)).unwrap_or_default();
            let by_sal = sal_id.and_then(|k| schedules_by_sal.get(k)).into_iter().flatten();
            let by_location =
                location_id.and_then(|k| schedules_by_location.get(k)).into_iter().flatten().filter(|r| {
                    let service = schedules.get(r, "service_id");
                    (service.is_none() || service == Some(id)) && schedules.get(r, "service_at_location_id").is_none()
                });
            site.schedules = by_sal.chain(by_location).map(|r| schedule(schedules, r)).collect();
            if let Some(sal_id) = sal_id {
                site.phones = phones_where("service_at_location_id", sal_id, false);
            }
            if let Some(location_id) = location_id {
                site.phones.extend(phones_where("location_id", location_id, true));
                let langs = language_by_location.get(location_id).into_iter().flatten();
                site.languages = langs
                    .filter(|r| languages.get(r, "service_id").is_none())
                    .filter_map(|r| languages.owned(r, "language"))
                    .collect();
                let access_rows = access_by_location.get(location_id).into_iter().flatten();
                site.accessibility = access_rows
                    .flat_map(|r| ["accessibility", "details"].map(|c| access.owned(r, c)))
                    .flatten()
                    .collect();
            }
            sites.push(site);
        }
        out.push(Service {
            id: id.to_owned(),
            name: services.owned(row, "name"),
            alternate_name: services.owned(row, "alternate_name"),
            description: services.owned(row, "description"),
            organisation: services.get(row, "organization_id").and_then(|o| org_by_id.get(o)).cloned(),
            url: services.owned(row, "url"),
            email: services.owned(row, "email"),
            phones: phones_where("service_id", id, false),
            status: services.owned(row, "status"),
            cost: services.owned(row, "fees_description").or_else(|| services.owned(row, "fees")),
            terms,
            languages: language_by_service
                .get(id)
                .into_iter()
                .flatten()
                .filter_map(|r| languages.owned(r, "language"))
                .collect(),
            schedules: own_schedules,
            sites,
            updated_at: services.get(row, "last_modified").and_then(crate::normalize::time::parse_updated),
            ..Service::default()
        });
    }
    out
}

fn index<'t>(table: &'t Table, column: &str) -> Index<'t> {
    let rows: Vec<&[String]> = table.rows.iter().map(|(_, r)| r.as_slice()).collect();
    index_rows(table, &rows, column)
}

fn index_rows<'t>(table: &Table, rows: &[&'t [String]], column: &str) -> Index<'t> {
    let mut out: Index<'t> = HashMap::new();
    for row in rows {
        if let Some(key) = table.get(row, column) {
            out.entry(key).or_default().push(row);
        }
    }
    out
}

fn address_of(t: &Table, r: &[String]) -> Address {
    Address {
        lines: ["address_1", "address_2", "address_3", "address_4"].iter().filter_map(|c| t.owned(r, c)).collect(),
        city: t.owned(r, "city"),
        region: t.owned(r, "state_province").or_else(|| t.owned(r, "region")),
        postcode: t.owned(r, "postal_code"),
        country: t.owned(r, "country"),
    }
}

fn schedule(t: &Table, r: &[String]) -> ScheduleRow {
    ScheduleRow {
        weekday: t.owned(r, "weekday"),
        byday: t.owned(r, "byday"),
        freq: t.owned(r, "freq"),
        interval: t.owned(r, "interval"),
        bymonthday: t.owned(r, "bymonthday"),
        dtstart: t.owned(r, "dtstart"),
        opens_at: t.owned(r, "opens_at"),
        closes_at: t.owned(r, "closes_at"),
        timezone: t.owned(r, "timezone"),
        text: t.owned(r, "original_text").or_else(|| t.owned(r, "description")).map(|s| unescape(&s)),
    }
}
