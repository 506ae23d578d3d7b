//! The text query: its syntax, its match on one group's token fields, and its evaluation on
//! the index's sorted token map.
//!
//! Syntax: whitespace-separated words and `"quoted phrases"` (an unclosed quote runs to the
//! end), all of which must match; `OR` (upper case) between two of them makes either enough
//! (`a b OR c d` is a AND (b OR c) AND d). Case and accents are folded as the index folds
//! them. A term is a token sequence: a word is usually one token, but "12-step" or "St.Mark's"
//! is several, read as a phrase. A term matches when its tokens stand adjacent and in order
//! in one text field, every token whole except the last, which is a prefix: `meet` finds
//! "meeting", `"open meet"` finds "Open Meetings", `"meeting open"` does not.

use roaring::RoaringBitmap;

use super::facts::FIELDS;
use super::fold::tokens;
use super::index::{Index, FIELD_BREAK};

/// Clauses that must all match, each a list of terms of which one is enough.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextQuery {
    pub clauses: Vec<Vec<Term>>,
}

/// Tokens that must stand adjacent, in order, in one field; the last may be a prefix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Term {
    pub tokens: Vec<String>,
}

enum Piece {
    Or,
    Term(Term),
}

impl TextQuery {
    /// `None` when the text holds no token at all (then it does not restrict).
    pub(crate) fn parse(text: &str) -> Option<TextQuery> {
        let mut pieces = Vec::new();
        let mut rest = text;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            let raw = if let Some(quoted) = rest.strip_prefix('"') {
                let end = quoted.find('"').unwrap_or(quoted.len());
                rest = quoted.get(end + 1..).unwrap_or("");
                &quoted[..end]
            } else {
                let end = rest.find(|c: char| c.is_whitespace() || c == '"').unwrap_or(rest.len());
                let (word, after) = rest.split_at(end);
                rest = after;
                if word == "OR" {
                    pieces.push(Piece::Or);
                    continue;
                }
                word
            };
            let tokens = tokens(raw);
            if !tokens.is_empty() {
                pieces.push(Piece::Term(Term { tokens }));
            }
        }
        let mut clauses: Vec<Vec<Term>> = Vec::new();
        let mut or = false;
        for piece in pieces {
            match piece {
                Piece::Or => or = true,
                Piece::Term(t) => {
                    match clauses.last_mut() {
                        Some(clause) if or => clause.push(t),
                        _ => clauses.push(vec![t]),
                    }
                    or = false;
                }
            }
        }
        (!clauses.is_empty()).then_some(TextQuery { clauses })
    }

    /// Does a group with these token fields match?
    pub(crate) fn matches_fields(&self, fields: &[Vec<String>; FIELDS]) -> bool {
        self.clauses.iter().all(|clause| clause.iter().any(|t| fields.iter().any(|f| t.in_field(f))))
    }
}

impl Term {
    fn in_field(&self, field: &[String]) -> bool {
        let (last, whole) = self.tokens.split_last().expect("a term has a token");
        let k = self.tokens.len();
        field.len() >= k
            && field
                .windows(k)
                .any(|w| w[..k - 1].iter().zip(whole).all(|(a, b)| a == b) && w[k - 1].starts_with(last.as_str()))
    }
}

impl Index {
    /// The ordinals of `within` that match the text query.
    pub(super) fn text_bits(&self, q: &TextQuery, mut within: RoaringBitmap) -> RoaringBitmap {
        for clause in &q.clauses {
            if within.is_empty() {
                break;
            }
            let mut any = RoaringBitmap::new();
            for term in clause {
                any |= self.term_bits(term, &within);
            }
            within = any;
        }
        within
    }

    fn term_bits(&self, term: &Term, within: &RoaringBitmap) -> RoaringBitmap {
        let (last, whole) = term.tokens.split_last().expect("a term has a token");
        let mut candidates = self.tokens.union(self.tokens.prefixed(last).map(|(_, id)| id)) & within;
        if whole.is_empty() {
            return candidates;
        }
        let mut whole_ids = Vec::with_capacity(whole.len());
        for t in whole {
            let Some(id) = self.tokens.id(t) else { return RoaringBitmap::new() };
            candidates &= self.tokens.bits(id);
            whole_ids.push(id);
        }
        let last_ids: RoaringBitmap = self.tokens.prefixed(last).map(|(_, id)| id).collect();
        candidates.iter().filter(|&ord| phrase_in(&self.slot(ord).text, &whole_ids, &last_ids)).collect()
    }
}

/// Do the ids `whole` then one of `last` stand adjacent in the token-id sequence?
fn phrase_in(text: &[u32], whole: &[u32], last: &RoaringBitmap) -> bool {
    let k = whole.len() + 1;
    text.len() >= k
        && text.windows(k).any(|w| w[..k - 1] == *whole && w[k - 1] != FIELD_BREAK && last.contains(w[k - 1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(q: &str) -> Vec<Vec<Vec<String>>> {
        TextQuery::parse(q)
            .map(|q| q.clauses.into_iter().map(|c| c.into_iter().map(|t| t.tokens).collect()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn parses_words_phrases_and_or() {
        assert_eq!(terms("Hope  Reunión"), [[["hope"]], [["reunion"]]]);
        assert_eq!(terms("\"open meeting\" step"), [vec![vec!["open", "meeting"]], vec![vec!["step"]]]);
        assert_eq!(terms("a b OR c d"), [vec![vec!["a"]], vec![vec!["b"], vec!["c"]], vec![vec!["d"]]]);
        assert_eq!(terms("12-step"), [[["12", "step"]]]);
        assert_eq!(terms("\"unclosed phrase"), [[["unclosed", "phrase"]]]);
        assert_eq!(terms("OR hope OR"), [[["hope"]]]);
        assert_eq!(terms("hope or despair"), [[["hope"]], [["or"]], [["despair"]]]);
        assert!(TextQuery::parse(" \"\" -- ").is_none());
    }

    #[test]
    fn terms_match_adjacent_tokens_in_one_field_the_last_as_a_prefix() {
        let fields = |name: &str, notes: &str| [tokens(name), vec![], vec![], vec![], tokens(notes)];
        let q = |s: &str| TextQuery::parse(s).expect("a query");
        let f = fields("Open Meetings of Hope", "side door");
        assert!(q("\"open meet\"").matches_fields(&f));
        assert!(!q("\"meetings open\"").matches_fields(&f));
        assert!(!q("\"ope meetings\"").matches_fields(&f), "only the last token is a prefix");
        assert!(!q("\"hope side\"").matches_fields(&f), "a phrase never spans two fields");
        assert!(q("hop door").matches_fields(&f));
        assert!(q("despair OR sid").matches_fields(&f));
        assert!(!q("despair OR anguish").matches_fields(&f));
    }
}
