//! Builds crmd's router (every dialect plus the shared middleware) and serves it with
//! graceful shutdown.

use axum::Router;
use crmd_http::AppState;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The whole HTTP surface of crmd.
pub fn router(state: Arc<AppState>) -> Router {
    let max_body_bytes = state.max_body_bytes;
    let app = Router::new()
        .merge(crmd_dialect_lightfield::router(&state))
        .merge(crmd_dialect_hubspot::router(&state))
        .merge(crmd_dialect_outreach::router())
        .with_state(state);
    crmd_http::with_common_layers(app, max_body_bytes)
}

/// Serves until `shutdown` resolves, then stops accepting connections, lets in-flight
/// requests finish and shuts the engine down, so that every accepted write is committed.
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let crm = state.crm.clone();
    // The client's address is known to the handlers, for limits on requests without a key.
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    crm.shutdown().await;
    tracing::info!("stopped");
    result
}
