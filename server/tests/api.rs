//! The HTTP API end to end, in process, on SQLite and (when KEZEK_TEST_POSTGRES_URL is set)
//! PostgreSQL.

mod common;

use common::*;
use kezek_server::secrets::is_application_number;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A number of the right format (13 digits, Luhn check digit) that no application has.
const UNKNOWN_NUMBER: &str = "1000000000009";

async fn post(client: &reqwest::Client, url: String, body: &Value) -> (StatusCode, Value) {
    let response = client.post(url).json(body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A write as an API client holding the application's token.
async fn post_as(client: &reqwest::Client, token: &str, url: String, body: &Value) -> (StatusCode, Value) {
    let response = client.post(url).bearer_auth(token).json(body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn submission_is_validated_numbered_and_idempotent() {
    for url in test_databases("submit").await {
        let server = serve(store(&url).await, at(window_day(), 10)).await;
        let client = client();
        let submit = |key: &'static str, body: Value| {
            let client = client.clone();
            let url = format!("{}/api/applications", server.base);
            async move {
                let response = client.post(url).header("Idempotency-Key", key).json(&body).send().await.unwrap();
                let status = response.status();
                (status, response.json::<Value>().await.unwrap())
            }
        };
        let teacher = |seed| {
            let mut form = body(seed, "teacher");
            form["documents"] = json!([{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-10" }]);
            form
        };
        let (status, first) = submit("k-1", teacher(1)).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let number = first["number"].as_str().unwrap();
        assert!(is_application_number(number), "{number}");
        assert_eq!(first["token"].as_str().unwrap().len(), 64);
        assert_eq!(first["queue"], "750000000-2022-general");
        // Rule 22: the certificate's original is due; the core's status says until when.
        assert_eq!(first["status"], json!({ "state": "awaiting_originals", "submittedAt": "2026-11-23T05:00:00Z" }));
        assert_eq!(first["submittedAt"], "2026-11-23T05:00:00.000Z");

        let (status, again) = submit("k-1", teacher(1)).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(again, first, "a retry gets the first answer, its token too");

        let (status, mismatch) = submit("k-1", teacher(2)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(mismatch["errors"][0]["code"], "idempotency.mismatch");

        let mut bad = body(3, "none");
        let iin = bad["child"]["iin"].as_str().unwrap().to_string();
        let wrong = (iin.as_bytes()[11] - b'0' + 1) % 10;
        bad["child"]["iin"] = json!(format!("{}{}", &iin[..11], wrong));
        let (status, refused) = submit("k-2", bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused["errors"][0], json!({ "field": "child.iin", "code": "iin.checksum", "message": refused["errors"][0]["message"] }));
        // Rules 5-6: a teacher's child without the certificate is refused with the list.
        let (status, missing) = submit("k-3", body(4, "teacher")).await;
        assert_eq!((status, missing["errors"][0]["code"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("documents.missing")));

        let (status, _) = post(&client, format!("{}/api/applications", server.base), &json!("not an object")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications").fetch_one(&server.state.store.db.pool).await.unwrap();
        assert_eq!(count.0, 1, "{url}");
    }
}

#[tokio::test]
async fn claim_inside_the_window_cancel_and_extend() {
    for url in test_databases("claim").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 3, 2, 1).await;
        let server = serve(store, at(window_day(), 6)).await;
        let client = client();
        let claim = |i: usize, vacancy: &str| json!({ "number": seeded[i].number, "vacancyId": vacancy });
        let claims = format!("{}/api/claims", server.base);
        let token = |i: usize| seeded[i].token.clone();

        // Before 07:00 the window is not open yet: the core's precise refusal.
        let (status, body) = post_as(&client, &token(0), claims.clone(), &claim(0, "v0")).await;
        assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::CONFLICT, json!("status.window_closed")));

        server.clock.set(at(window_day(), 7) + chrono::Duration::minutes(1));
        let (status, referral) = post_as(&client, &token(0), claims.clone(), &claim(0, "v0")).await;
        assert_eq!(status, StatusCode::CREATED, "{referral}");
        assert_eq!((referral["state"].clone(), referral["vacancyId"].clone()), (json!("active"), json!("v0")));

        let (status, again) = post_as(&client, &token(0), claims.clone(), &claim(0, "v1")).await;
        assert_eq!(status, StatusCode::OK, "a retry (even naming another seat) returns the referral");
        assert_eq!(again["id"], referral["id"]);

        let (status, body) = post_as(&client, &token(1), claims.clone(), &claim(1, "v0")).await;
        assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::CONFLICT, json!("vacancy.full")));
        let (status, wrong_token) = post_as(&client, &"0".repeat(64), claims.clone(), &claim(1, "v1")).await;
        assert_eq!((status, wrong_token["errors"][0]["code"].clone()), (StatusCode::UNAUTHORIZED, json!("auth.invalid")));
        let (status, _) = post(&client, claims.clone(), &claim(1, "v1")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "neither a session nor a token");

        // Rule 30: cancel within a day; the seat comes back and the application keeps its place.
        let id = referral["id"].as_str().unwrap();
        let number0 = json!({ "number": seeded[0].number });
        let (status, cancelled) = post_as(&client, &token(0), format!("{}/api/referrals/{id}/cancel", server.base), &number0).await;
        assert_eq!((status, cancelled["state"].clone()), (StatusCode::OK, json!("cancelled")));
        let (status, taken) = post_as(&client, &token(1), claims.clone(), &claim(1, "v0")).await;
        assert_eq!(status, StatusCode::CREATED, "{taken}");

        // Rule 30: extend once, at most 30 calendar days after the issue day.
        let id = taken["id"].as_str().unwrap();
        let extend = format!("{}/api/referrals/{id}/extend", server.base);
        let mut request = json!({ "number": seeded[1].number, "reason": "illness", "until": "2026-12-24" });
        let (status, body) = post_as(&client, &token(1), extend.clone(), &request).await;
        assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("status.extension_too_long")));
        request["until"] = json!("2026-12-23");
        let (status, extended) = post_as(&client, &token(1), extend.clone(), &request).await;
        assert_eq!(status, StatusCode::OK, "{extended}");
        assert_eq!(extended["extendedUntil"], "2026-12-23");
        let (status, _) = post_as(&client, &token(1), extend.clone(), &request).await;
        assert_eq!(status, StatusCode::OK, "the same extension again is a retry");
        request["until"] = json!("2026-12-20");
        let (status, body) = post_as(&client, &token(1), extend.clone(), &request).await;
        assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::CONFLICT, json!("status.already_extended")));
        request["reason"] = json!("boredom");
        let (status, body) = post_as(&client, &token(1), extend, &request).await;
        assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::UNPROCESSABLE_ENTITY, json!("referral.extension_reason")));

        // A day later cancelling is too late.
        server.clock.set(at(window_day(), 7) + chrono::Duration::hours(25));
        let number1 = json!({ "number": seeded[1].number });
        let (status, body) = post_as(&client, &token(1), format!("{}/api/referrals/{id}/cancel", server.base), &number1).await;
        assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::CONFLICT, json!("status.cancel_too_late")));

        // Not interested (rule 20.7), interested again (20.2), withdrawn (20.4).
        let app2 = |action: &str| format!("{}/api/applications/{}/{action}", server.base, seeded[2].number);
        let (status, paused) = post_as(&client, &token(2), app2("interest"), &json!({ "interested": false })).await;
        assert_eq!((status, paused["status"].clone()), (StatusCode::OK, json!({ "state": "queued", "interested": false })));
        let (status, back) = post_as(&client, &token(2), app2("interest"), &json!({})).await;
        assert_eq!((status, back["status"].clone()), (StatusCode::OK, json!({ "state": "queued", "interested": true })));
        let (status, withdrawn) = post_as(&client, &token(2), app2("withdraw"), &json!({})).await;
        assert_eq!((status, withdrawn["status"]["state"].clone()), (StatusCode::OK, json!("withdrawn")));
        let (status, _) = post_as(&client, &token(2), claims, &claim(2, "v1")).await;
        assert_eq!(status, StatusCode::CONFLICT);
    }
}

#[tokio::test]
async fn a_seat_for_another_age_group_or_stay_mode_is_refused() {
    for url in test_databases("fit").await {
        let store = store(&url).await;
        let mut other = vacancies(2, 5);
        other[0].id = "older".into();
        other[0].age_group = 4;
        other[1].id = "part".into();
        other[1].stay_mode = "part_day".into();
        kezek_server::seed::load_vacancies(&store, &other).await.unwrap();
        let seeded = window_fixture(&store, 1, 1, 1).await;
        let server = serve(store, at(window_day(), 8)).await;
        let client = client();
        for vacancy in ["older", "part"] {
            let request = json!({ "number": seeded[0].number, "vacancyId": vacancy });
            let (status, body) = post_as(&client, &seeded[0].token, format!("{}/api/claims", server.base), &request).await;
            assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::CONFLICT, json!("vacancy.other_pool")), "{vacancy}");
        }
    }
}

#[tokio::test]
async fn published_reads_carry_etags() {
    for url in test_databases("etag").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 5, 2, 3).await;
        let server = serve(store, at(window_day(), 8)).await;
        let client = client();
        for path in ["/api/queues/750000000-2022-general/snapshot", "/api/bulletin"] {
            let first = client.get(format!("{}{path}", server.base)).send().await.unwrap();
            assert_eq!(first.status(), StatusCode::OK);
            let etag = first.headers()["etag"].to_str().unwrap().to_string();
            assert!(first.headers()["cache-control"].to_str().unwrap().contains("max-age"));
            let bytes = first.bytes().await.unwrap();
            let cached = client.get(format!("{}{path}", server.base)).header("If-None-Match", &etag).send().await.unwrap();
            assert_eq!(cached.status(), StatusCode::NOT_MODIFIED, "{path}");
            if path.contains("snapshot") {
                // The binary snapshot the browser decodes: the same order as the server's.
                let snapshot = kezek::queue::snapshot::Snapshot::decode(&bytes).unwrap();
                assert_eq!(snapshot.len(), 5);
                let first_number = kezek::queue::ApplicationNumber::parse(&seeded[0].number).unwrap();
                assert_eq!(snapshot.position(first_number).unwrap().unwrap().queue_number, 1);
                assert!(!String::from_utf8_lossy(&bytes).contains("Омар"), "no names in a published snapshot");
            } else {
                let body: Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(body["vacancies"].as_array().unwrap().len(), 2);
                assert_eq!(body["vacancies"][0]["free"], 3);
            }
        }
        let status_url = format!("{}/api/applications/{}/status", server.base, seeded[0].number);
        assert_eq!(client.get(&status_url).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
        let status = client.get(&status_url).bearer_auth(&seeded[0].token).send().await.unwrap();
        assert_eq!(status.status(), StatusCode::OK);
        let etag = status.headers()["etag"].to_str().unwrap().to_string();
        assert_eq!(status.headers()["cache-control"], "no-store");
        let body: Value = status.json().await.unwrap();
        assert_eq!(body["status"], json!({ "state": "window_open", "openedOn": "2026-11-23", "round": "priority" }));
        assert_eq!(body["position"]["queueNumber"], 1);
        assert_eq!(body["seats"].as_array().unwrap().len(), 2, "the pool's seats, each claimable");
        assert_eq!(body["seats"][0]["claimable"], true);
        let again = client.get(&status_url).bearer_auth(&seeded[0].token).header("If-None-Match", etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }
}

#[tokio::test]
async fn static_files_headers_and_guards() {
    let url = test_databases("guard").await.remove(0);
    let server = serve(store(&url).await, at(window_day(), 8)).await;
    std::fs::write(server.dirs.www.join("index.html"), "<!doctype html><title>kezek</title>").unwrap();
    std::fs::write(server.dirs.pkg.join("kezek_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let client = client();
    let index = client.get(format!("{}/", server.base)).send().await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(
        index.headers()["content-security-policy"],
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    );
    let wasm = client.get(format!("{}/pkg/kezek_bg.wasm", server.base)).send().await.unwrap();
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    // Pages and the bulletin travel compressed where the browser accepts it (issue 14: bytes on
    // the wire): brotli to a browser, which accepts both, gzip to a client that takes only gzip.
    let script = "const greeting = 'сәлем';\n".repeat(200);
    std::fs::write(server.dirs.www.join("app.js"), &script).unwrap();
    for path in ["/app.js", "/api/bulletin"] {
        for (accept, encoding) in [("gzip", "gzip"), ("gzip, deflate, br, zstd", "br")] {
            let zipped = client.get(format!("{}{path}", server.base)).header("Accept-Encoding", accept).send().await.unwrap();
            assert_eq!(zipped.status(), StatusCode::OK, "{path}");
            assert_eq!(zipped.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some(encoding), "{path} {accept}");
            let plain = client.get(format!("{}{path}", server.base)).send().await.unwrap();
            assert!(plain.headers().get("content-encoding").is_none(), "{path}: plain without Accept-Encoding");
            let (zipped, plain) = (zipped.bytes().await.unwrap(), plain.bytes().await.unwrap());
            assert!(zipped.len() * 4 < plain.len() || path == "/api/bulletin", "{path} {accept}: {} of {} bytes", zipped.len(), plain.len());
        }
    }
    // The package's files and the citizen page's bundle go as scripts/build.sh precompressed
    // them, brotli first.
    let build = server.dirs.www.join("build");
    std::fs::create_dir_all(&build).unwrap();
    for (dir, path) in [(&server.dirs.pkg, "/pkg/kezek.js"), (&build, "/build/citizen.js")] {
        let name = path.rsplit('/').next().unwrap();
        for (suffix, body) in [("", "plain"), (".gz", "gzip copy"), (".br", "brotli copy")] {
            std::fs::write(dir.join(format!("{name}{suffix}")), body).unwrap();
        }
        for (accept, encoding, body) in [("gzip, deflate, br, zstd", Some("br"), "brotli copy"), ("gzip", Some("gzip"), "gzip copy"), ("identity", None, "plain")] {
            let answer = client.get(format!("{}{path}", server.base)).header("Accept-Encoding", accept).send().await.unwrap();
            assert_eq!(answer.headers().get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{path} {accept}");
            assert_eq!(answer.text().await.unwrap(), body, "{path} {accept}");
        }
    }

    let submit = format!("{}/api/applications", server.base);
    let cross = client.post(&submit).header("Sec-Fetch-Site", "cross-site").json(&body(1, "none")).send().await.unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let evil = client.post(&submit).header("Origin", "https://evil.example").json(&body(1, "none")).send().await.unwrap();
    assert_eq!(evil.status(), StatusCode::FORBIDDEN);
    let own_origin = server.base.clone();
    let same = client.post(&submit).header("Origin", own_origin).json(&body(1, "none")).send().await.unwrap();
    assert_eq!(same.status(), StatusCode::CREATED);

    let huge = vec![b' '; 70 * 1024];
    let too_big = client.post(&submit).header("content-type", "application/json").body(huge).send().await.unwrap();
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let mut limited = None;
    for _ in 0..40 {
        let response = client
            .get(format!("{}/api/applications/{UNKNOWN_NUMBER}/status", server.base))
            .bearer_auth("x")
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
    }
    let limited = limited.expect("a burst of 40 is rate-limited");
    assert!(limited.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
}

#[tokio::test]
async fn demo_clock_moves_time_and_runs_jobs() {
    let url = test_databases("democlock").await.remove(0);
    let store = store(&url).await;
    kezek_server::seed::load_vacancies(&store, &vacancies(1, 1)).await.unwrap();
    let server = serve(store, at(date(2026, 11, 22), 17)).await;
    let client = client();
    let (status, body) = post(&client, format!("{}/api/demo/clock", server.base), &json!({ "advance": "PT1H30M" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["local"], "2026-11-22T18:30:00+05:00");
    let bulletin: Value = client.get(format!("{}/api/bulletin", server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(bulletin["publishedOn"], "2026-11-22", "the 18:00 bulletin ran");
    let (status, _) = post(&client, format!("{}/api/demo/clock", server.base), &json!({ "advance": "soon" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[test]
fn openapi_documents_every_route() {
    let spec = include_str!("../openapi.yaml");
    assert!(spec.starts_with("openapi: 3.1.0"));
    for path in [
        "/api/applications:", "/api/applications/{number}/status:", "/api/applications/{number}/withdraw:",
        "/api/applications/{number}/interest:", "/api/claims:", "/api/referrals/{id}/cancel:", "/api/referrals/{id}/extend:",
        "/api/queues/{key}/snapshot:", "/api/bulletin:", "/api/time:", "/api/demo/clock:", "/api/bulletin/withdrawn:",
        "/api/applications/{number}/register:", "/api/log/checkpoint:", "/api/log/key:", "/api/log/entries/{index}:",
        "/api/log/proof/inclusion:", "/api/log/proof/consistency:", "/api/health:", "/metrics:",
        "/api/applications/{number}/token:", "/api/applications/{number}/notifications:", "/api/me/applications:", "/api/policy:", "/api/me:", "/auth/login:", "/auth/callback:", "/auth/logout:",
        // The service provider's staff (issue 11).
        "/api/staff/kindergartens/{id}:", "/api/staff/kindergartens/{id}/seats:", "/api/staff/kindergartens/{id}/referrals:",
        "/api/staff/kindergartens/{id}/queues:", "/api/staff/seats/{id}/withdraw:", "/api/staff/referrals/{id}/admit:",
        "/api/staff/referrals/{id}/refuse:", "/api/staff/localities/{code}/originals:", "/api/staff/localities/{code}/kindergartens:",
        "/api/staff/localities/{code}/grounds-check:", "/api/staff/applications/{number}:", "/api/staff/applications/{number}/originals/arrival:",
        "/api/staff/applications/{number}/originals/confirm:", "/api/staff/applications/{number}/originals/refuse:",
        "/api/staff/applications/{number}/priority:", "/api/staff/applications/{number}/stop-list:", "/api/staff/applications/{number}/restore:",
        "/api/staff/history:", "/api/texts/staff:",
    ] {
        assert!(spec.contains(&format!("  {path}\n")), "{path} is not in openapi.yaml");
    }
}

#[tokio::test]
async fn demo_endpoints_are_off_outside_demo_mode_and_the_owner_is_not_locked_out() {
    let url = test_databases("nodemo").await.remove(0);
    let store = store(&url).await;
    let seeded = window_fixture(&store, 1, 1, 1).await;
    let server = serve_configured(store, at(window_day(), 8), kezek_server::state::HttpConfig::default(), None, false).await;
    let base = server.base.clone();
    let client = client();
    let (status, body) = post(&client, format!("{base}/api/demo/clock"), &json!({ "advance": "PT1H" })).await;
    assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::FORBIDDEN, json!("demo.disabled")));
    // The demo-only originals endpoint is gone: the department's staff confirm them (issue 11).
    let (status, _) = post(&client, format!("{base}/api/demo/applications/{}/originals", seeded[0].number), &json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let time: Value = client.get(format!("{base}/api/time")).send().await.unwrap().json().await.unwrap();
    assert_eq!(time["demo"], false);
    assert_eq!(time["signIn"], false, "the page asks for sign-in only where it is set up");

    // Someone hammering this number with a wrong token gets 429 ...
    let status_url = format!("{base}/api/applications/{}/status", seeded[0].number);
    let mut last = StatusCode::OK;
    for _ in 0..30 {
        last = client.get(&status_url).bearer_auth("wrong").send().await.unwrap().status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // ... and the applicant still gets in.
    let own = client.get(&status_url).bearer_auth(&seeded[0].token).send().await.unwrap();
    assert_eq!(own.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_signed_in_applicant_applies_for_a_linked_child_and_finds_it_again() {
    for url in test_databases("mine").await {
        let store = store(&url).await;
        let server = serve(store.clone(), at(window_day(), 10)).await;
        let client = client();
        let form = body(60, "none");
        let (mother, child) = (form["applicant"]["iin"].as_str().unwrap().to_string(), form["child"]["iin"].as_str().unwrap().to_string());
        let cookie = citizen_cookie(&server, &mother).await;
        let submit = |cookie: &str, form: &Value| client.post(format!("{}/api/applications", server.base)).header("cookie", cookie).json(form).send();
        // Issue 12: a child the civil registry does not link to the signed-in person is refused.
        let refused = submit(&cookie, &form).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json::<Value>().await.unwrap()["errors"][0]["code"], "child.not_linked");
        // Another person's IIN as the applicant is refused too, even for a linked child.
        let other = body(61, "none")["applicant"]["iin"].as_str().unwrap().to_string();
        let stranger = citizen_cookie(&server, &other).await;
        link_child(&store, &other, &child).await;
        let not_you = submit(&stranger, &form).await.unwrap();
        assert_eq!(not_you.json::<Value>().await.unwrap()["errors"][0]["code"], "applicant.not_you");
        link_child(&store, &mother, &child).await;
        let accepted = submit(&cookie, &form).await.unwrap();
        assert_eq!(accepted.status(), StatusCode::CREATED);
        let number = accepted.json::<Value>().await.unwrap()["number"].as_str().unwrap().to_string();
        // "My applications" and the status with the session alone, from any device.
        let mine: Value = client.get(format!("{}/api/me/applications", server.base)).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
        assert_eq!(mine["applications"].as_array().unwrap().len(), 1);
        assert_eq!(mine["applications"][0]["number"], number.as_str());
        let status_url = format!("{}/api/applications/{number}/status", server.base);
        assert_eq!(client.get(&status_url).header("cookie", &cookie).send().await.unwrap().status(), StatusCode::OK);
        // Someone else's session sees no such application.
        assert_eq!(client.get(&status_url).header("cookie", &stranger).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        // A new token for an API client works.
        let rotated: Value = client.post(format!("{}/api/applications/{number}/token", server.base)).header("cookie", &cookie).json(&json!({})).send().await.unwrap().json().await.unwrap();
        let token = rotated["token"].as_str().unwrap();
        assert_eq!(client.get(&status_url).bearer_auth(token).send().await.unwrap().status(), StatusCode::OK);
        // Errors come in the page's language.
        let ru: Value = client.get(&status_url).header("cookie", &stranger).header("accept-language", "ru").send().await.unwrap().json().await.unwrap();
        assert_eq!(ru["errors"][0]["message"], "Такое заявление не найдено");
    }
}

#[tokio::test]
async fn a_claim_after_the_deadline_job_closed_the_access_is_refused_as_access_closed() {
    for url in test_databases("closed").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 1, 1, 1).await;
        // Rule 24.10: the access lasts 3 working days; on Thursday the job has recorded its end.
        let thursday = at(remaining_day(), 9);
        kezek_server::jobs::settle_deadlines(&store, thursday).await.unwrap();
        let server = serve(store, thursday).await;
        let request = json!({ "number": seeded[0].number, "vacancyId": "v0" });
        let (status, body) = post_as(&client(), &seeded[0].token, format!("{}/api/claims", server.base), &request).await;
        // "Access closed" (the page adds when the next one opens), not "illegal in this status".
        assert_eq!((status, body["errors"][0]["code"].clone()), (StatusCode::CONFLICT, json!("status.window_closed")), "{body}");
    }
}
