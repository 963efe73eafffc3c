//! kezek-server: the reference backend for kezek. The browser calls it only to submit an
//! application and to claim a seat; everything else it reads from published, cacheable files.
//! See `README.md` and `openapi.yaml`.

pub mod adapters;
pub mod auth;
pub mod api;
pub mod clock;
pub mod connections;
pub mod db;
pub mod demo;
pub mod error;
pub mod jobs;
pub mod metrics;
pub mod middleware;
pub mod notify;
pub mod publish;
pub mod ratelimit;
pub mod scheduler;
pub mod secrets;
pub mod seed;
pub mod server;
pub mod state;
pub mod store;
pub mod synthetic;
pub mod tree;
pub mod wire;
