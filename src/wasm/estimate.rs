//! `estimateAccess`: when access to referrals is likely to come (see `queue::estimate`).

use super::{js_error, json_text, lang_arg, parse_date_arg, to_js, with_calendar};
use crate::application::StayMode;
use crate::calendar::parse_date;
use crate::json::{Object, Value};
use crate::queue::distribution::{GroupKind, Seat, SeatGroup};
use crate::queue::estimate::{estimate, EstimateRequest, EstimateView, PublishedPlaces, Sighting};
use crate::queue::{QueueKey, Token};
use serde::Deserialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

/// What the estimate is made from. Read field by field (`crate::json`); the derive is for the
/// TypeScript type only.
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct EstimateInput {
    /// The application's queue key.
    queue: String,
    /// Its queue number now, from the verified snapshot.
    queue_number: u32,
    /// The child's age group on 1 September and hours of stay (the service's `pool`): without
    /// them the bulletins are not used.
    #[tsify(optional)]
    age_group: Option<u8>,
    #[tsify(optional, type = "StayMode")]
    stay_mode: Option<String>,
    /// The bulletin's places as `GET /api/bulletin` lists them (extra fields are ignored; a
    /// place without `publishedOn` or that does not read is not counted).
    #[tsify(optional)]
    vacancies: Option<Vec<BulletinPlaces>>,
    /// The queue number on an earlier day (kept by the page from an earlier verified snapshot).
    #[tsify(optional)]
    earlier: Option<EarlierSighting>,
}

#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct BulletinPlaces {
    /// `YYYY-MM-DD`.
    published_on: String,
    locality_code: String,
    kindergarten_id: String,
    group_kind: String,
    #[tsify(optional)]
    group_detail: Option<String>,
    age_group: u8,
    #[tsify(type = "StayMode")]
    stay_mode: String,
    capacity: u32,
}

#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct EarlierSighting {
    /// `YYYY-MM-DD`.
    on: String,
    queue_number: u32,
}

/// One place group of the bulletin, if it reads (see `BulletinPlaces`).
fn places(item: &Object) -> Option<PublishedPlaces> {
    let seat = Seat {
        locality: item.str("localityCode").ok()?.parse().ok()?,
        kindergarten: Token::new(item.str("kindergartenId").ok()?).ok()?,
        kind: GroupKind::parse(item.str("groupKind").ok()?, item.opt_str("groupDetail").ok()?.unwrap_or(""))?,
        age_group: u8::try_from(item.int("ageGroup").ok()?).ok()?,
        stay_mode: StayMode::parse(item.str("stayMode").ok()?)?,
    };
    let on = parse_date(item.str("publishedOn").ok()?).ok()?;
    Some(PublishedPlaces { on, seat, places: u32::try_from(item.int("capacity").ok()?).ok()? })
}

/// When access to referrals is likely to reach the application, on `today` (`YYYY-MM-DD`), in
/// `lang`: `{ kind: "between" | "not_before" | "unknown", from?, to?, basis?, text, method }`.
/// The pace comes from the earlier queue number when it says enough, else from the bulletins;
/// the range holds 8 times in 10 (method: `queue::estimate`). Throws `estimate.format` for a
/// malformed input (a missing queue number, a malformed queue key or earlier date).
#[wasm_bindgen(js_name = estimateAccess)]
pub fn estimate_access(
    input: Ts<EstimateInput>,
    #[wasm_bindgen(unchecked_param_type = "string")] today: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<Ts<EstimateView>, JsValue> {
    let today = parse_date_arg(&today, "today")?;
    let lang = lang_arg(&lang);
    let text = json_text(&input.js_value()).ok_or_else(|| js_error("estimate.format", "input: expected an object"))?;
    let value = Value::parse(&text).map_err(|_| js_error("estimate.format", "input: expected an object"))?;
    let bad = |e: String| js_error("estimate.format", &e);
    let input = Object::new(&value, "input").map_err(bad)?;
    let queue: QueueKey = input.parsed("queue", QueueKey::parse).map_err(bad)?;
    let queue_number = u64::try_from(input.int("queueNumber").map_err(bad)?).map_err(|_| bad("input.queueNumber: from 1".to_owned()))?;
    let age_group = input.opt_int("ageGroup").map_err(bad)?.and_then(|n| u8::try_from(n).ok());
    let stay_mode = input.opt_str("stayMode").map_err(bad)?.and_then(StayMode::parse);
    let group = age_group.zip(stay_mode).map(|(age_group, stay_mode)| SeatGroup { age_group, stay_mode });
    let mut bulletins = Vec::new();
    for (path, item) in input.array("vacancies").map_err(bad)? {
        bulletins.extend(places(&Object::new(item, &path).map_err(bad)?));
    }
    let earlier = match input.object("earlier").map_err(bad)? {
        Some(e) => Some(Sighting {
            on: e.parsed("on", parse_date).map_err(bad)?,
            queue_number: u64::try_from(e.int("queueNumber").map_err(bad)?).unwrap_or(0),
        }),
        None => None,
    };
    let request = EstimateRequest { queue_number, pool: group.map(|g| (&queue, g)), bulletins: &bulletins, earlier };
    let result = with_calendar(|calendar| estimate(&request, today, calendar))?;
    to_js(&result.view(queue_number, lang))
}
