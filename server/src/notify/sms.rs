//! SMS through an HTTP gateway: `POST {url}` with `Authorization: Bearer {key}`, an
//! `Idempotency-Key` header and the JSON body `{ "to": "+77…", "text": "…", "idempotencyKey": "…" }`.
//! A 2xx answer is delivered; 408, 429, 5xx and network errors are retried; any other answer
//! (a refused number, a bad key) is permanent.

use super::config::SmsConfig;
use super::sender::{Delivery, SendError, Transport, TransportFuture};
use std::time::Duration;

pub struct SmsGateway {
    http: reqwest::Client,
    url: url::Url,
    api_key: Option<String>,
}

/// A gateway request gives up after this (well inside the sender's lease).
const SMS_TIMEOUT: Duration = Duration::from_secs(15);

impl SmsGateway {
    pub fn new(config: &SmsConfig) -> Result<SmsGateway, String> {
        let loopback = crate::auth::is_loopback(&config.url) && config.url.scheme() == "http";
        let http = reqwest::Client::builder()
            .timeout(SMS_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(!loopback)
            .build()
            .map_err(|e| format!("SMS gateway client: {e}"))?;
        Ok(SmsGateway { http, url: config.url.clone(), api_key: config.api_key.clone() })
    }
}

impl Transport for SmsGateway {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> TransportFuture<'a> {
        Box::pin(async move {
            let mut request = self
                .http
                .post(self.url.clone())
                .header("Idempotency-Key", &delivery.idempotency_key)
                .json(&serde_json::json!({ "to": delivery.recipient, "text": delivery.body, "idempotencyKey": delivery.idempotency_key }));
            if let Some(key) = &self.api_key {
                request = request.bearer_auth(key);
            }
            let response = request.send().await.map_err(|e| SendError::Transient(format!("gateway: {e}")))?;
            let status = response.status();
            if status.is_success() {
                Ok(())
            } else if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
                Err(SendError::Transient(format!("gateway answered {status}")))
            } else {
                Err(SendError::Permanent(format!("gateway answered {status}")))
            }
        })
    }
}
