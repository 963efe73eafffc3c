//! The OpenID provider, as kezek's relying party sees it (the `openidconnect` crate does the
//! protocol and the ID token checks: signature against the provider's published keys, issuer,
//! audience, nonce, expiry and issue time).
//!
//! The provider's discovery document and keys are fetched on first use and kept for an hour;
//! an ID token signed with a key kezek does not know yet makes it fetch them again once (key
//! rotation). Fetching lazily lets kezek start while the provider is down.
//!
//! HTTP to the provider never follows redirects (a redirect would be a way to make kezek fetch
//! arbitrary URLs) and, for an issuer off loopback, is `https` only with rustls; every endpoint
//! of the discovery document must pass the same test as the issuer ([`super::config`]).

use super::config::{require_tls_off_loopback, OidcConfig};
use kezek::iin::Iin;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreRevocableToken,
    CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, Client, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, Scope, SignatureVerificationError, StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use url::Url;

/// Claims kezek reads besides the standard ones: the person's IIN.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct KezekClaims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iin: Option<String>,
}

impl AdditionalClaims for KezekClaims {}

type KezekIdTokenFields =
    IdTokenFields<KezekClaims, EmptyExtraTokenFields, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;
type KezekTokenResponse = StandardTokenResponse<KezekIdTokenFields, CoreTokenType>;

/// The client as built from discovery: authorization endpoint set, token endpoint maybe.
type KezekClient = Client<
    KezekClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    KezekTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long discovered metadata and keys are trusted before they are fetched again.
const METADATA_TTL: Duration = Duration::from_secs(3600);
/// Any request to the provider gives up after this.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// Who signed in, as the verified ID token says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub iin: Option<Iin>,
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub locale: Option<String>,
}

/// Why talking to the provider failed (logged; the person sees `auth.provider` or `auth.callback`).
#[derive(Debug)]
pub enum OidcError {
    /// Discovery, keys or the token endpoint could not be reached or answered wrongly.
    Provider(String),
    /// The code exchange was refused or the ID token did not verify.
    Rejected(String),
    /// The ID token's `iin` claim is not a valid IIN.
    BadIin,
}

impl std::fmt::Display for OidcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OidcError::Provider(why) => write!(f, "provider: {why}"),
            OidcError::Rejected(why) => write!(f, "rejected: {why}"),
            OidcError::BadIin => f.write_str("the iin claim is not a valid IIN"),
        }
    }
}

/// What the authorization request needs kept until the callback.
pub struct Started {
    pub url: Url,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

struct Discovered {
    client: Arc<KezekClient>,
    fetched: Instant,
}

pub struct Provider {
    config: OidcConfig,
    http: openidconnect::reqwest::Client,
    discovered: RwLock<Option<Discovered>>,
}

impl Provider {
    pub fn new(config: OidcConfig) -> Result<Provider, String> {
        let issuer = Url::parse(&config.issuer).map_err(|e| format!("issuer {}: {e}", config.issuer))?;
        let loopback_issuer = super::config::is_loopback(&issuer) && issuer.scheme() == "http";
        let http = openidconnect::reqwest::Client::builder()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .https_only(!loopback_issuer)
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Provider { config, http, discovered: RwLock::new(None) })
    }

    /// The client for the provider, discovering it when there is none or it is stale (or
    /// `refresh` says the keys may have changed).
    async fn client(&self, refresh: bool) -> Result<Arc<KezekClient>, OidcError> {
        if !refresh {
            if let Some(d) = self.discovered.read().await.as_ref() {
                if d.fetched.elapsed() < METADATA_TTL {
                    return Ok(d.client.clone());
                }
            }
        }
        let mut slot = self.discovered.write().await;
        // Another request may have refreshed it while this one waited for the lock.
        if let Some(d) = slot.as_ref() {
            if d.fetched.elapsed() < Duration::from_secs(if refresh { 5 } else { METADATA_TTL.as_secs() }) {
                return Ok(d.client.clone());
            }
        }
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| OidcError::Provider(format!("issuer: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Provider(format!("discovery: {}", error_chain(&e))))?;
        for (name, url) in [
            ("authorization_endpoint", Some(metadata.authorization_endpoint().url())),
            ("token_endpoint", metadata.token_endpoint().map(|u| u.url())),
            ("jwks_uri", Some(metadata.jwks_uri().url())),
        ] {
            if let Some(url) = url {
                require_tls_off_loopback(name, url).map_err(OidcError::Provider)?;
            }
        }
        if metadata.token_endpoint().is_none() {
            return Err(OidcError::Provider("the discovery document names no token_endpoint".to_string()));
        }
        let client = KezekClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(RedirectUrl::from_url(self.config.redirect_url.clone()));
        let client = Arc::new(client);
        *slot = Some(Discovered { client: client.clone(), fetched: Instant::now() });
        Ok(client)
    }

    /// Starts a sign-in: the provider's authorization URL (code flow, PKCE S256) and the
    /// secrets to keep for the callback.
    pub async fn start(&self) -> Result<Started, OidcError> {
        let client = self.client(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge);
        for scope in &self.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok(Started { url, state: state.secret().clone(), nonce: nonce.secret().clone(), pkce_verifier: verifier.secret().clone() })
    }

    /// Finishes a sign-in: exchanges `code` with the PKCE verifier and verifies the ID token
    /// with `nonce`. `today` (Kazakhstan local date) checks the IIN's birth date.
    pub async fn finish(&self, code: &str, pkce_verifier: &str, nonce: &str, today: chrono::NaiveDate) -> Result<Identity, OidcError> {
        let client = self.client(false).await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| OidcError::Provider(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                openidconnect::RequestTokenError::ServerResponse(r) => OidcError::Rejected(format!("token endpoint: {r}")),
                other => OidcError::Provider(format!("token endpoint: {}", error_chain(&other))),
            })?;
        let id_token = response.id_token().ok_or_else(|| OidcError::Rejected("no ID token in the token response".to_string()))?;
        let nonce = Nonce::new(nonce.to_string());
        let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => claims.clone(),
            Err(ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey)) => {
                // The provider may have rotated its keys since they were fetched: fetch once more.
                let fresh = self.client(true).await?;
                let verifier = fresh.id_token_verifier();
                let verified = id_token.claims(&verifier, &nonce).map_err(|e| OidcError::Rejected(format!("ID token: {e}")))?.clone();
                verified
            }
            Err(e) => return Err(OidcError::Rejected(format!("ID token: {e}"))),
        };
        let iin = match claims.additional_claims().iin.as_deref() {
            Some(text) => Some(Iin::parse(text, today).map_err(|_| OidcError::BadIin)?),
            None => None,
        };
        Ok(Identity {
            issuer: claims.issuer().as_str().to_string(),
            subject: claims.subject().as_str().to_string(),
            iin,
            family_name: claims.family_name().and_then(|n| n.get(None)).map(|n| n.as_str().to_string()),
            given_name: claims.given_name().and_then(|n| n.get(None)).map(|n| n.as_str().to_string()),
            locale: claims.locale().map(|l| l.as_str().to_string()),
        })
    }
}

/// An error and its sources, for the log ("request failed" alone says little).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
