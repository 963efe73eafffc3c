//! `GET /api/texts/staff`: the service provider's texts of the core's catalogs (the operator
//! page's labels), in every language. The citizen's package does not carry them
//! (`kezek::i18n`, the `STAFF` catalogs), so the operator page reads them here; they are public.

use super::output::json_response;
use crate::error::ApiError;
use axum::http::HeaderMap;
use axum::response::Response;
use kezek::i18n::{staff_texts, Lang};
use serde_json::{Map, Value};

pub(super) async fn staff(headers: HeaderMap) -> Result<Response, ApiError> {
    let mut all = Map::new();
    for lang in Lang::ALL {
        let texts: Map<String, Value> = staff_texts(lang).iter().map(|(k, t)| ((*k).to_owned(), Value::from(*t))).collect();
        all.insert(lang.code().to_owned(), Value::Object(texts));
    }
    json_response(&headers, &Value::Object(all), "public, max-age=300")
}
