//! The whole URL table of the dialect.
//!
//! Each resource has its collection (`/api/v2/{plural}`) and its members
//! (`/api/v2/{plural}/{id}`); users are read-only. Any other path under `/api/v2` answers
//! a JSON:API 404, and a known path with another method a 405 with `Allow`. Every route
//! sits behind the content negotiation middleware.

use crate::handlers::{Caller, JsonBody, resources as handlers, unsupported};
use crate::resources::{self, ResourceDef};
use axum::Router;
use axum::extract::{OriginalUri, Path, RawQuery, State};
use axum::routing::{MethodRouter, any, delete, get, patch, post};
use crmd_http::AppState;
use http::{HeaderMap, Method};
use std::sync::Arc;

struct Route {
    method: Method,
    path: String,
    summary: &'static str,
    handler: MethodRouter<Arc<AppState>>,
}

type AppStateRef = State<Arc<AppState>>;

fn resource_routes(resource: &'static ResourceDef) -> Vec<Route> {
    let collection = format!("/api/v2/{}", resource.plural);
    let member = format!("/api/v2/{}/{{id}}", resource.plural);
    let mut routes = vec![
        Route {
            method: Method::GET,
            path: collection.clone(),
            summary: "list (filter, sort, page[size], page[after], count, fields, include)",
            handler: get(
                move |State(state): AppStateRef,
                      caller: Caller,
                      RawQuery(query): RawQuery,
                      headers: HeaderMap| async move {
                    handlers::list(resource, &state, caller, query, headers).await
                },
            ),
        },
        Route {
            method: Method::GET,
            path: member.clone(),
            summary: "get (fields, include)",
            handler: get(
                move |State(state): AppStateRef,
                      caller: Caller,
                      Path(id): Path<String>,
                      RawQuery(query): RawQuery,
                      headers: HeaderMap| async move {
                    handlers::get(resource, &state, caller, id, query, headers).await
                },
            ),
        },
    ];
    if resource.is_read_only {
        return routes;
    }
    routes.push(Route {
        method: Method::POST,
        path: collection,
        summary: "create (201, Location)",
        handler: post(
            move |State(state): AppStateRef, caller: Caller, headers: HeaderMap, body: JsonBody| async move {
                handlers::create(resource, &state, caller, headers, body).await
            },
        ),
    });
    routes.push(Route {
        method: Method::PATCH,
        path: member.clone(),
        summary: "update (200)",
        handler: patch(
            move |State(state): AppStateRef,
                  caller: Caller,
                  Path(id): Path<String>,
                  headers: HeaderMap,
                  body: JsonBody| async move {
                handlers::update(resource, &state, caller, id, headers, body).await
            },
        ),
    });
    routes.push(Route {
        method: Method::DELETE,
        path: member,
        summary: "delete (to the trash; 204)",
        handler: delete(
            move |State(state): AppStateRef, caller: Caller, Path(id): Path<String>| async move {
                handlers::delete(resource, &state, caller, id).await
            },
        ),
    });
    routes
}

fn table() -> Vec<Route> {
    resources::ALL.into_iter().flat_map(resource_routes).collect()
}

/// Every registered route as `METHOD path  summary`, for documentation and snapshots.
pub fn route_table() -> Vec<String> {
    let mut lines: Vec<String> = table()
        .into_iter()
        .map(|route| format!("{} {}  {}", route.method, route.path, route.summary))
        .collect();
    lines.push("ANY /api/v2/…  404 resourceNotFound".to_owned());
    lines
}

/// The dialect's router. Each path gets one method router, whose fallback answers 405.
pub(crate) fn router() -> Router<Arc<AppState>> {
    /// A path with the methods it takes and their merged handler.
    type PathRoutes = (String, Vec<Method>, MethodRouter<Arc<AppState>>);
    let mut paths: Vec<PathRoutes> = Vec::new();
    for route in table() {
        match paths.iter_mut().find(|(path, _, _)| *path == route.path) {
            Some((_, methods, handler)) => {
                methods.push(route.method);
                *handler = std::mem::take(handler).merge(route.handler);
            }
            None => paths.push((route.path, vec![route.method], route.handler)),
        }
    }
    let mut router = Router::new();
    for (path, methods, handler) in paths {
        let allow = methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
        let handler = handler.fallback(move |method, uri: OriginalUri| {
            unsupported::method_not_allowed(method, uri, allow.clone())
        });
        router = router.route(&path, handler);
    }
    router
        .route("/api/v2", any(unsupported::fallback))
        .route("/api/v2/{*rest}", any(unsupported::fallback))
        .layer(axum::middleware::from_fn(crate::negotiation::negotiate))
}
