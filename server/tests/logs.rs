//! The server never writes an IIN or a name to its logs (debug level included).

mod common;

use common::process::{spawn_server_logging, write_secret};
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn logs_of_a_submission_hold_no_iin_and_no_name() {
    let dir = temp_dir("logs");
    let url = format!("sqlite://{}", dir.join("kezek.db").display());
    let secret = write_secret(&dir);
    let log = dir.join("server.log");
    let mut server = spawn_server_logging(&url, &secret, "2026-11-23T05:00:00Z", &log, "debug");
    let client = client();
    // The log's signing seed was created beside the secret, readable by the owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(dir.join("token.log-key")).unwrap();
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }

    let body = body(42, "large_family");
    let response = client.post(format!("{}/api/applications", server.base)).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let answer: Value = response.json().await.unwrap();
    let number = answer["number"].as_str().unwrap().to_string();
    let status = client
        .get(format!("{}/api/applications/{number}/status", server.base))
        .bearer_auth(answer["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), 200);
    // A refused one too: error paths must not echo the body either.
    let mut refused = body.clone();
    refused["consent"] = json!(false);
    refused["child"]["iin"] = json!("not an iin");
    let response = client.post(format!("{}/api/applications", server.base)).json(&refused).send().await.unwrap();
    assert_eq!(response.status(), 422);
    // A marker no timestamp or number can contain (a run of digits could: "…09.919001Z").
    let truncated = "{\"applicant\": {\"lastName\": \"Qwertyuiopov";
    let response =
        client.post(format!("{}/api/applications", server.base)).header("content-type", "application/json").body(truncated).send().await.unwrap();
    assert_eq!(response.status(), 422);

    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    server.kill();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains(&number), "the number is logged: {text}");
    let secrets = [
        body["applicant"]["iin"].as_str().unwrap(),
        body["child"]["iin"].as_str().unwrap(),
        &body["applicant"]["iin"].as_str().unwrap()[..6],
        body["applicant"]["lastName"].as_str().unwrap(),
        body["applicant"]["firstName"].as_str().unwrap(),
        body["child"]["firstName"].as_str().unwrap(),
        body["applicant"]["address"].as_str().unwrap(),
        answer["token"].as_str().unwrap(),
        "Qwertyuiopov",
    ];
    for secret in secrets {
        assert!(!text.contains(secret), "log contains {secret:?}:\n{text}");
    }
}
