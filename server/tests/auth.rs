//! Sign-in end to end: the real local OpenID provider (`scripts/services/oidc.mjs`, started as
//! a child process) and kezek's auth routes in this process, driven by an HTTP client with a
//! cookie store that follows the provider's form posts. On SQLite, and on PostgreSQL when
//! `KEZEK_TEST_POSTGRES_URL` is set (scripts/with-postgres.sh).

mod common;
mod services;

use axum::extract::Path;
use axum::routing::get;
use axum::Router;
use chrono::{Duration, Utc};
use kezek::iin::Iin;
use kezek_server::adapters::{demo_people, seed_demo_people};
use kezek_server::auth::{self, Auth, AuthConfig, AuthError, AuthSettings, Citizen, Identity, Staff};
use kezek_server::clock::{Clock, SettableClock, SystemClock};
use kezek_server::db::Db;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::sync::Arc;

const AIGUL_IIN: &str = "920514441016";

/// The auth routes plus a few handlers that use the extractors, on state `auth`.
fn app(auth: Auth) -> Router {
    Router::new()
        .merge(auth::routes())
        .route("/after", get(|| async { "home" }))
        .route("/", get(|| async { "start" }))
        .route("/test/citizen", get(|citizen: Citizen| async move { citizen.iin.as_digits() }))
        .route(
            "/test/kindergarten/{id}",
            get(|staff: Staff, Path(id): Path<String>| async move { staff.require_kindergarten(&id).map(|()| "ok") }),
        )
        .route(
            "/test/locality/{code}",
            get(|staff: Staff, Path(code): Path<String>| async move { staff.require_locality(&code).map(|()| "ok") }),
        )
        .with_state(auth)
}

async fn database(url: &str) -> Db {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    seed_demo_people(&mut tx, &demo_people(), Utc::now()).await.unwrap();
    tx.commit().await.unwrap();
    db
}

/// Serves `app` on a bound listener; answers the base URL.
fn serve(listener: tokio::net::TcpListener, app: Router) -> String {
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).timeout(std::time::Duration::from_secs(30)).build().unwrap()
}

/// A response seen on the way, with its Set-Cookie headers.
struct Hop {
    url: String,
    status: StatusCode,
    set_cookies: Vec<String>,
    body: String,
}

/// Follows redirects by hand (so every Set-Cookie is visible), starting with `first`.
async fn follow(client: &reqwest::Client, first: reqwest::RequestBuilder) -> Vec<Hop> {
    let mut hops = Vec::new();
    let mut response = first.send().await.unwrap();
    loop {
        let url = response.url().clone();
        let status = response.status();
        let set_cookies = response.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
        let location = response.headers().get(LOCATION).map(|l| url.join(l.to_str().unwrap()).unwrap());
        let body = response.text().await.unwrap_or_default();
        hops.push(Hop { url: url.to_string(), status, set_cookies, body });
        match location {
            Some(next) if status.is_redirection() => response = client.get(next).send().await.unwrap(),
            _ => return hops,
        }
        assert!(hops.len() < 12, "redirect loop");
    }
}

/// Signs in as demo `account` through the provider's sign-in page; answers every hop.
async fn sign_in(client: &reqwest::Client, base: &str, account: &str, return_to: &str) -> Vec<Hop> {
    let mut hops = follow(client, client.get(format!("{base}/auth/login?return={return_to}"))).await;
    let page = hops.last().unwrap();
    assert_eq!(page.status, StatusCode::OK, "the provider's sign-in page at {}: {}", page.url, page.body);
    let action = page.body.split("action=\"").nth(1).and_then(|rest| rest.split('"').next()).expect("a form");
    assert!(action.ends_with("/login"), "{action}");
    let form_url = reqwest::Url::parse(&page.url).unwrap().join(action).unwrap();
    assert!(page.body.contains(&format!("value=\"{account}\"")), "{account} is offered");
    hops.extend(follow(client, client.post(form_url).form(&[("login", account)])).await);
    hops
}

fn session_cookie(hops: &[Hop]) -> String {
    hops.iter()
        .flat_map(|h| h.set_cookies.iter())
        .find(|c| c.starts_with("kezek_session=") && !c.starts_with("kezek_session=;"))
        .cloned()
        .expect("a session cookie was set")
}

async fn setup(url: &str, listener: &tokio::net::TcpListener, issuer: &str) -> Auth {
    let _ = tracing_subscriber::fmt().with_test_writer().with_max_level(tracing::Level::WARN).try_init();
    let db = database(url).await;
    let base = format!("http://{}", listener.local_addr().unwrap());
    let settings = AuthSettings {
        issuer: Some(issuer.to_string()),
        client_id: Some("kezek".to_string()),
        redirect_url: Some(format!("{base}/auth/callback")),
        ..AuthSettings::default()
    };
    Auth::new(db, Arc::new(SystemClock), settings.build().unwrap()).unwrap()
}

/// Binds one listener per database, starts the provider accepting their callbacks.
async fn listeners_and_provider(urls: &[String]) -> (Vec<tokio::net::TcpListener>, services::Service) {
    let mut listeners = Vec::new();
    for _ in urls {
        listeners.push(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap());
    }
    let redirects: Vec<String> = listeners.iter().map(|l| format!("http://{}/auth/callback", l.local_addr().unwrap())).collect();
    let provider = services::oidc(&redirects);
    (listeners, provider)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_signs_in_through_the_local_provider_and_api_me_shows_the_iin() {
    let urls = common::test_databases("auth_signin").await;
    let (listeners, provider) = listeners_and_provider(&urls).await;
    for (url, listener) in urls.iter().zip(listeners) {
        let auth = setup(url, &listener, &provider.address).await;
        let base = serve(listener, app(auth.clone()));
        let client = browser();

        // Signed out: 401 in the API's error shape.
        let me = client.get(format!("{base}/api/me")).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(me.json::<serde_json::Value>().await.unwrap()["errors"][0]["code"], "auth.required");

        let hops = sign_in(&client, &base, "aigul", "/after").await;
        let last = hops.last().unwrap();
        assert_eq!((last.url.as_str(), last.status), (format!("{base}/after").as_str(), StatusCode::OK), "back where the person started");
        // The provider was asked for the code flow with PKCE S256.
        let authorize = &hops.iter().find(|h| h.url.starts_with(&provider.address) && h.url.contains("/auth?")).expect("an authorization request").url;
        assert!(authorize.contains("response_type=code") && authorize.contains("code_challenge_method=S256") && authorize.contains("nonce="), "{authorize}");

        let cookie = session_cookie(&hops);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "no Secure on loopback HTTP: {cookie}");
        let value = cookie.split(';').next().unwrap().trim_start_matches("kezek_session=");
        assert_eq!(value.len(), 64);
        // The database keeps only the hash of the cookie's value.
        let stored: Vec<(String,)> = sqlx::query_as("SELECT id_hash FROM sessions").fetch_all(&auth.db().pool).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].0, value);
        assert_eq!(stored[0].0, kezek_server::secrets::sha256_hex(value.as_bytes()));
        let login_cookie = hops.iter().flat_map(|h| h.set_cookies.iter()).find(|c| c.starts_with("kezek_login=") && !c.contains("Max-Age=0")).unwrap();
        assert!(login_cookie.contains("SameSite=Lax") && login_cookie.contains("HttpOnly") && login_cookie.contains("Path=/auth/callback"), "{login_cookie}");

        let me: serde_json::Value = client.get(format!("{base}/api/me")).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["iin"], AIGUL_IIN, "{me}");
        assert_eq!(me["familyName"], "Омарова");
        assert_eq!(me["givenName"], "Айгүл");
        assert_eq!(me["lang"], "kk");
        assert_eq!(me["roles"], serde_json::json!([]));
        let citizen = client.get(format!("{base}/test/citizen")).send().await.unwrap();
        assert_eq!(citizen.text().await.unwrap(), AIGUL_IIN);
        let not_staff = client.get(format!("{base}/test/kindergarten/kg1")).send().await.unwrap();
        assert_eq!(not_staff.status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_ends_the_session_on_the_server_not_just_in_the_browser() {
    let urls = common::test_databases("auth_signout").await;
    let (listeners, provider) = listeners_and_provider(&urls).await;
    for (url, listener) in urls.iter().zip(listeners) {
        let auth = setup(url, &listener, &provider.address).await;
        let base = serve(listener, app(auth.clone()));
        let client = browser();
        let hops = sign_in(&client, &base, "dmitry", "/").await;
        let cookie = session_cookie(&hops);
        let pair = cookie.split(';').next().unwrap().to_string();
        assert_eq!(client.get(format!("{base}/api/me")).send().await.unwrap().status(), StatusCode::OK);

        let out = client.post(format!("{base}/auth/logout")).send().await.unwrap();
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        let cleared = out.headers().get(SET_COOKIE).unwrap().to_str().unwrap().to_string();
        assert!(cleared.starts_with("kezek_session=;") && cleared.contains("Max-Age=0"), "{cleared}");
        // The old cookie, replayed by someone who copied it, no longer works.
        let replay = reqwest::Client::new().get(format!("{base}/api/me")).header(COOKIE, &pair).send().await.unwrap();
        assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
        let rows: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions").fetch_one(&auth.db().pool).await.unwrap();
        assert_eq!(rows.0, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_roles_come_from_the_role_table_and_are_checked_with_their_scope() {
    let urls = common::test_databases("auth_staff").await;
    let (listeners, provider) = listeners_and_provider(&urls).await;
    for (url, listener) in urls.iter().zip(listeners) {
        let auth = setup(url, &listener, &provider.address).await;
        let base = serve(listener, app(auth.clone()));
        let client = browser();
        sign_in(&client, &base, "kg1-head", "/").await;
        let me: serde_json::Value = client.get(format!("{base}/api/me")).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["roles"], serde_json::json!([{ "role": "kindergarten", "kindergarten": "kg1" }]), "{me}");
        assert_eq!(client.get(format!("{base}/test/kindergarten/kg1")).send().await.unwrap().status(), StatusCode::OK);
        let other = client.get(format!("{base}/test/kindergarten/kg2")).send().await.unwrap();
        assert_eq!(other.status(), StatusCode::FORBIDDEN);
        assert_eq!(other.json::<serde_json::Value>().await.unwrap()["errors"][0]["code"], "auth.out_of_scope");
        assert_eq!(client.get(format!("{base}/test/locality/750000000")).send().await.unwrap().status(), StatusCode::FORBIDDEN);

        let department = browser();
        sign_in(&department, &base, "edu-750000000", "/").await;
        assert_eq!(department.get(format!("{base}/test/locality/750000000")).send().await.unwrap().status(), StatusCode::OK);
        assert_eq!(department.get(format!("{base}/test/locality/710000000")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
        assert_eq!(department.get(format!("{base}/test/kindergarten/kg1")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_from_another_browser_or_a_foreign_return_path_gets_nothing() {
    let urls = common::test_databases("auth_csrf").await;
    let (listeners, provider) = listeners_and_provider(&urls).await;
    for (url, listener) in urls.iter().zip(listeners) {
        let auth = setup(url, &listener, &provider.address).await;
        let base = serve(listener, app(auth.clone()));
        // The victim's browser is sent the attacker's callback URL: no state cookie, refused.
        let attacker = browser();
        let mut hops = follow(&attacker, attacker.get(format!("{base}/auth/login?return=/"))).await;
        let page = hops.pop().unwrap();
        let action = page.body.split("action=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
        let form = reqwest::Url::parse(&page.url).unwrap().join(action).unwrap();
        let post = attacker.post(form).form(&[("login", "erlan")]).send().await.unwrap();
        let resume = post.headers().get(LOCATION).unwrap().to_str().unwrap().to_string();
        let to_callback = attacker.get(resume).send().await.unwrap();
        let callback = to_callback.headers().get(LOCATION).unwrap().to_str().unwrap().to_string();
        assert!(callback.starts_with(&format!("{base}/auth/callback?code=")), "{callback}");
        let victim = browser();
        let refused = victim.get(&callback).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
        assert_eq!(refused.json::<serde_json::Value>().await.unwrap()["errors"][0]["code"], "auth.callback");
        assert_eq!(victim.get(format!("{base}/api/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);

        // A return path to another site becomes "/".
        let client = browser();
        let hops = sign_in(&client, &base, "aliya", "https://evil.example/steal").await;
        assert_eq!(hops.last().unwrap().url, format!("{base}/"));
        let me: serde_json::Value = client.get(format!("{base}/api/me")).send().await.unwrap().json().await.unwrap();
        assert_eq!((me["lang"].as_str(), me["iin"].as_str()), (Some("en"), Some("950227443011")));
    }
}

fn identity(iin: Option<&str>) -> Identity {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    Identity {
        issuer: "http://127.0.0.1:1".to_string(),
        subject: "someone".to_string(),
        iin: iin.map(|i| Iin::parse(i, today).unwrap()),
        family_name: None,
        given_name: None,
        locale: Some("ru-KZ".to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_expired_session_cookies_are_refused() {
    for url in common::test_databases("auth_expiry").await {
        let db = database(&url).await;
        let clock = Arc::new(SettableClock::frozen_at(common::utc("2026-11-23T04:00:00Z")));
        let auth = Auth::new(db, clock.clone(), AuthConfig::without_sign_in()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = serve(listener, app(auth.clone()));
        let client = reqwest::Client::new();
        let get = |cookie: String| client.get(format!("{base}/test/citizen")).header(COOKIE, cookie).send();
        // Without sign-in configured, /auth/login says so.
        let login = client.get(format!("{base}/auth/login")).send().await.unwrap();
        assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);

        // Secure cookie name here: sign-in is not on loopback HTTP.
        let name = auth.cookie_name();
        assert_eq!(name, "__Host-kezek_session");
        let (id, _) = auth.sign_in(&identity(Some(AIGUL_IIN))).await.unwrap();
        assert_eq!(get(format!("{name}={id}")).await.unwrap().status(), StatusCode::OK);
        assert!(auth.session_cookie(&id).to_str().unwrap().ends_with("; Secure"));

        // Forged: random hex of the right length, another shape, another cookie name.
        let forged = "0123456789abcdef".repeat(4);
        for cookie in [format!("{name}={forged}"), format!("{name}=x"), format!("{name}={id}x"), format!("kezek_session={id}")] {
            let response = get(cookie.clone()).await.unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{cookie}");
        }

        // Idle: unused for 31 minutes, gone (and its row deleted).
        clock.advance(Duration::minutes(31));
        assert_eq!(get(format!("{name}={id}")).await.unwrap().status(), StatusCode::UNAUTHORIZED);
        let rows: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions").fetch_one(&auth.db().pool).await.unwrap();
        assert_eq!(rows.0, 0);

        // Absolute: used every 20 minutes, still ends 12 hours after sign-in.
        let (id, session) = auth.sign_in(&identity(Some(AIGUL_IIN))).await.unwrap();
        assert_eq!(session.expires_at, clock.now() + Duration::hours(12));
        for _ in 0..35 {
            clock.advance(Duration::minutes(20));
            assert_eq!(get(format!("{name}={id}")).await.unwrap().status(), StatusCode::OK, "at {}", clock.now());
        }
        clock.advance(Duration::minutes(20));
        assert_eq!(get(format!("{name}={id}")).await.unwrap().status(), StatusCode::UNAUTHORIZED);

        // A session without an IIN (a staff account of a provider that gives none) is no citizen.
        let (id, _) = auth.sign_in(&identity(None)).await.unwrap();
        let response = get(format!("{name}={id}")).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(response.json::<serde_json::Value>().await.unwrap()["errors"][0]["code"], "auth.no_iin");

        // The periodic purge removes what ended.
        clock.advance(Duration::hours(13));
        assert!(auth.purge_expired().await.unwrap() >= 1);
    }
}

#[test]
fn auth_errors_have_stable_codes() {
    assert_eq!(AuthError::Required.code(), "auth.required");
    assert_eq!(AuthError::OutOfScope.code(), "auth.out_of_scope");
}
