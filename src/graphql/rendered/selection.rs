//! Which selections of a group may be rendered once: plain fields (no arguments, directives
//! or fragments) that read nothing but the group's document, and their fingerprint.

use std::hash::{DefaultHasher, Hash, Hasher};

use async_graphql::parser::types::{Field, Selection, SelectionSet};

/// The one selection of field `name` in `set`, when the set is plain fields and names it once
/// (a fragment or a directive could select it again, differently).
pub(super) fn only_field<'a>(set: &'a SelectionSet, name: &str) -> Option<&'a Field> {
    let mut found = None;
    for item in &set.items {
        let Selection::Field(f) = &item.node else { return None };
        if f.node.name.node == name {
            if found.is_some() || !f.node.directives.is_empty() {
                return None;
            }
            found = Some(&f.node);
        }
    }
    found
}

/// The object types a kept render may hold.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Type {
    Group,
    Meeting,
    Location,
    OnlineAccess,
    Contact,
    TopicTag,
    StatusConflict,
    MatchLink,
}

/// Hashes the selection (names, response keys, nesting); `None` when anything in it is not a
/// plain pure field.
pub(super) fn fingerprint(set: &SelectionSet, ty: Type, h: &mut DefaultHasher) -> Option<()> {
    h.write_u8(b'{');
    for item in &set.items {
        let Selection::Field(f) = &item.node else { return None };
        let f = &f.node;
        if !f.directives.is_empty() || !f.arguments.is_empty() {
            return None;
        }
        let name = f.name.node.as_str();
        name.hash(h);
        f.response_key().node.as_str().hash(h);
        match pure_field(ty, name)? {
            Some(child) => fingerprint(&f.selection_set.node, child, h)?,
            None if f.selection_set.node.items.is_empty() => {}
            None => return None,
        }
    }
    h.write_u8(b'}');
    Some(())
}

/// Whether `ty.name` without arguments reads only the group's document: `Some(None)` for a
/// leaf, `Some(Some(t))` for an object of type `t`, `None` for any other field (unknown ones
/// included, so a field added later is resolved as usual until it is listed here).
fn pure_field(ty: Type, name: &str) -> Option<Option<Type>> {
    use Type::*;
    let leaf = Some(None);
    if name == "__typename" {
        return leaf;
    }
    match (ty, name) {
        (Group, "meetings") => Some(Some(Meeting)),
        (Group, "location") => Some(Some(Location)),
        (Group, "online") => Some(Some(OnlineAccess)),
        (Group, "contact") => Some(Some(Contact)),
        (Group, "topicTags") => Some(Some(TopicTag)),
        (Group, "statusConflict") => Some(Some(StatusConflict)),
        (Group, "matchExplanation") => Some(Some(MatchLink)),
        (
            Group,
            "id" | "name" | "description" | "kind" | "topics" | "audience" | "attendance" | "organisation" | "cost"
            | "languages" | "accessibility" | "open" | "sourceCodes" | "status" | "active" | "firstSeenAt"
            | "updatedAt",
        ) => leaf,
        (Meeting, "weekday" | "startTime" | "endTime" | "timezone" | "recurrence" | "weeksOfMonth" | "date") => leaf,
        (
            Location,
            "name" | "address" | "locality" | "region" | "postcode" | "country" | "formatted" | "latitude"
            | "longitude" | "approximate" | "notes",
        ) => leaf,
        (OnlineAccess, "url" | "phone" | "notes") => leaf,
        (Contact, "email" | "phone" | "website") => leaf,
        (TopicTag, "topic" | "rule") => leaf,
        (StatusConflict, "activeIn" | "inactiveIn" | "decidedBy") => leaf,
        (MatchLink, "a" | "b" | "score" | "evidence") => leaf,
        _ => None,
    }
}
