//! The error body: `{ "errors": [ { "field", "code", "message" } ] }`. Codes are stable;
//! messages are for people, in the request's language (`Accept-Language`).

use serde::Serialize;
use tsify::Tsify;

/// Every refusal the API answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct ErrorBody {
    pub errors: Vec<ApiIssue>,
}

/// One reason a request is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct ApiIssue {
    /// The field's path (`child.iin`), a header's name, or empty for the whole request.
    pub field: String,
    /// Stable (`iin.checksum`).
    pub code: String,
    pub message: String,
}

impl ApiIssue {
    pub fn new(field: &str, code: &str, message: &str) -> ApiIssue {
        ApiIssue { field: field.to_string(), code: code.to_string(), message: message.to_string() }
    }
}
