//! Topics in the API: the `Topic` scalar and the `topics` query.
//!
//! Topics are data, not an enum: the service knows the core taxonomy plus whatever its
//! configuration adds (`[[topics]]`), so `Topic` is a custom scalar. It reads what clients
//! sent when it was an enum (`topics: [ALCOHOL]`, an unquoted name) as well as strings
//! ("alcohol", "eating-disorders"), and writes the upper-case code ("ALCOHOL"), as the enum
//! did. Whether a topic is known is checked against `AppState::topics` where a filter is
//! built (`Topic::known`), so an unknown one is a BAD_USER_INPUT error naming it, never an
//! empty list. `TopicsQuery` is merged into the query root (`super::QueryRoot`).

use async_graphql::{Context, InputValueError, InputValueResult, Object, Scalar, ScalarType, SimpleObject, Value};

use super::errors::ApiError;
use super::AppState;

/// A topic: what a group is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic(pub importers::Topic);

/// A topic code, upper-case in results ("ALCOHOL", "EATING_DISORDERS"). Topics are data, not
/// a fixed list: the `topics` query lists every topic this service knows, the core ones and
/// those its operator added, with labels and parents. As input an unquoted name
/// (`topics: [ALCOHOL]`) or a string ("alcohol", "ALCOHOL", "eating-disorders") is accepted;
/// an unknown topic is an error, never an empty result.
#[Scalar(name = "Topic")]
impl ScalarType for Topic {
    fn parse(value: Value) -> InputValueResult<Self> {
        let text = match &value {
            Value::Enum(name) => name.as_str(),
            Value::String(text) => text.as_str(),
            _ => return Err(InputValueError::expected_type(value)),
        };
        importers::Topic::parse(text).map(Topic).ok_or_else(|| {
            let shown: String = text.chars().take(64).collect();
            InputValueError::custom(format!(
                "\"{shown}\" is not a topic code (letters, digits and _); the topics query lists them"
            ))
        })
    }

    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::Enum(_) | Value::String(_))
    }

    fn to_value(&self) -> Value {
        Value::String(self.upper())
    }
}

impl Topic {
    /// The code as clients see it: "EATING_DISORDERS".
    pub fn upper(&self) -> String {
        self.0.as_str().to_ascii_uppercase()
    }

    /// The index key of a topic the service knows, or the error that names it.
    pub fn known(&self, topics: &importers::Taxonomy) -> Result<String, ApiError> {
        match topics.contains(&self.0) {
            true => Ok(self.0.as_str().to_owned()),
            false => Err(ApiError::BadInput(format!(
                "filter.topics: unknown topic \"{}\"; the topics query lists them",
                self.upper()
            ))),
        }
    }
}

/// A topic this service knows.
#[derive(SimpleObject)]
pub struct TopicInfo {
    /// The code `Group.topics` shows and `GroupFilter.topics` takes.
    pub code: Topic,
    /// Its English name ("Eating disorders").
    pub label: String,
    /// The broader topic it belongs under (ALCOHOL is under ADDICTION), for presenting topics
    /// as a tree. Filters match the topic itself: filtering on ADDICTION does not find groups
    /// tagged only ALCOHOL.
    pub parent: Option<Topic>,
    /// Built in (true), or added by this service's configuration (false).
    pub core: bool,
}

/// The `topics` part of the query root.
#[derive(Default)]
pub struct TopicsQuery;

#[Object]
impl TopicsQuery {
    /// Every topic this service knows: the core taxonomy first, then the topics its
    /// configuration adds, in the order configured.
    async fn topics(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<TopicInfo>> {
        let state = ctx.data::<AppState>()?;
        Ok(state
            .topics
            .topics()
            .iter()
            .map(|t| TopicInfo {
                code: Topic(t.topic.clone()),
                label: t.label.clone(),
                parent: t.parent.clone().map(Topic),
                core: t.core,
            })
            .collect())
    }
}
