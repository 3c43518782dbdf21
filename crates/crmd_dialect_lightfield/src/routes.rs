//! The whole URL table of the dialect.
//!
//! Standard types get the same eight routes each, under their Lightfield plural; custom
//! object types live under `/v1/objects/{slug}`. Static segments (`definitions`, `merge`)
//! take precedence over `{id}`. Every other `/v1` path answers in Lightfield's error shape.

use crate::handlers::{auth, definitions, history, lists, merge, records, unsupported};
use axum::Extension;
use axum::Router;
use axum::extract::OriginalUri;
use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter, any, on};
use crmd_http::AppState;
use http::Method;
use std::sync::Arc;

/// The object type a route serves, attached to the route as a request extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CollectionKind {
    /// A standard type at a fixed path: `account` at `/v1/accounts`.
    Standard {
        slug: &'static str,
        plural: &'static str,
    },
    /// The custom object type named by the `{slug}` of `/v1/objects/{slug}/…`.
    Custom,
}

/// Standard record types at fixed paths: Lightfield's plural, crmd's slug, and whether the
/// type has merge and field history (notes, tasks and meetings have neither).
const RECORD_TYPES: [(&str, &str, bool); 6] = [
    ("accounts", "account", true),
    ("contacts", "contact", true),
    ("opportunities", "opportunity", true),
    ("notes", "note", false),
    ("tasks", "task", false),
    ("meetings", "meeting", false),
];

/// Lightfield resources crmd does not serve yet; any path under them answers 501.
pub(crate) const UNSUPPORTED_RESOURCES: &[&str] = &[
    "emails",
    "files",
    "sequences",
    "senders",
    "channels",
    "messages",
    "enrichmentRun",
    "workflowRun",
];

struct Route {
    method: Method,
    path: String,
    summary: &'static str,
    collection: Option<CollectionKind>,
    handler: MethodRouter<Arc<AppState>>,
}

fn route<H, T>(method: Method, path: impl Into<String>, summary: &'static str, handler: H) -> Route
where
    H: Handler<T, Arc<AppState>>,
    T: 'static,
{
    // The table uses GET, POST and DELETE only, which all have a filter.
    let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
    Route {
        method,
        path: path.into(),
        summary,
        collection: None,
        handler: on(filter, handler),
    }
}

impl Route {
    fn of(mut self, collection: CollectionKind) -> Route {
        self.collection = Some(collection);
        self
    }
}

fn table() -> Vec<Route> {
    use Method as M;
    let mut routes = vec![route(
        M::GET,
        "/v1/auth/validate",
        "describe the calling key",
        auth::validate,
    )];
    for (plural, slug, has_merge_and_history) in RECORD_TYPES {
        let standard = CollectionKind::Standard { slug, plural };
        let base = format!("/v1/{plural}");
        let record = format!("{base}/{{id}}");
        routes.extend([
            route(M::POST, &base, "create", records::create).of(standard),
            route(
                M::GET,
                &base,
                "list (limit, offset, status, filters)",
                records::list,
            )
            .of(standard),
            route(
                M::GET,
                format!("{base}/definitions"),
                "field and relationship definitions",
                definitions::definitions,
            )
            .of(standard),
        ]);
        if has_merge_and_history {
            routes.push(
                route(
                    M::POST,
                    format!("{base}/merge"),
                    "merge two records",
                    merge::merge,
                )
                .of(standard),
            );
        }
        routes.extend([
            route(M::GET, &record, "retrieve", records::retrieve).of(standard),
            route(M::POST, &record, "update", records::update).of(standard),
            route(M::DELETE, &record, "move to the trash", records::delete).of(standard),
            route(
                M::POST,
                format!("{record}/restore"),
                "restore from the trash",
                records::restore,
            )
            .of(standard),
        ]);
        if has_merge_and_history {
            routes.push(
                route(
                    M::GET,
                    format!("{record}/fields/{{field_key}}/history"),
                    "field history",
                    history::field_history,
                )
                .of(standard),
            );
        }
    }
    let list = CollectionKind::Standard {
        slug: "list",
        plural: "lists",
    };
    routes.extend([
        route(M::POST, "/v1/lists", "create", records::create).of(list),
        route(
            M::GET,
            "/v1/lists",
            "list (limit, offset, filters)",
            records::list,
        )
        .of(list),
        route(M::GET, "/v1/lists/{id}", "retrieve", records::retrieve).of(list),
        route(M::POST, "/v1/lists/{id}", "update", records::update).of(list),
        route(M::DELETE, "/v1/lists/{id}", "move to the trash", records::delete).of(list),
        route(
            M::GET,
            "/v1/lists/{id}/accounts",
            "accounts on the list (limit, offset, filters)",
            lists::accounts,
        )
        .of(list),
        route(
            M::GET,
            "/v1/lists/{id}/contacts",
            "contacts on the list (limit, offset, filters)",
            lists::contacts,
        )
        .of(list),
        route(
            M::GET,
            "/v1/lists/{id}/opportunities",
            "opportunities on the list (limit, offset, filters)",
            lists::opportunities,
        )
        .of(list),
    ]);
    let member = CollectionKind::Standard {
        slug: "member",
        plural: "members",
    };
    routes.extend([
        route(
            M::GET,
            "/v1/members",
            "list (limit, offset, filters)",
            records::list,
        )
        .of(member),
        route(M::GET, "/v1/members/{id}", "retrieve", records::retrieve).of(member),
    ]);
    let custom = CollectionKind::Custom;
    let record = "/v1/objects/{slug}/values/{id}";
    routes.extend([
        route(
            M::GET,
            "/v1/objects",
            "custom object types",
            definitions::list_object_types,
        ),
        route(
            M::GET,
            "/v1/objects/{slug}",
            "list (limit, offset, filters)",
            records::list,
        )
        .of(custom),
        route(
            M::GET,
            "/v1/objects/{slug}/definitions",
            "field and relationship definitions",
            definitions::definitions,
        )
        .of(custom),
        route(
            M::POST,
            "/v1/objects/{slug}/merge",
            "merge two records",
            merge::merge,
        )
        .of(custom),
        route(M::POST, "/v1/objects/{slug}/values", "create", records::create).of(custom),
        route(M::GET, record, "retrieve", records::retrieve).of(custom),
        route(M::POST, record, "update", records::update).of(custom),
        route(M::DELETE, record, "move to the trash", records::delete).of(custom),
        route(
            M::POST,
            format!("{record}/restore"),
            "restore from the trash",
            records::restore,
        )
        .of(custom),
        route(
            M::GET,
            format!("{record}/fields/{{field_key}}/history"),
            "field history",
            history::field_history,
        )
        .of(custom),
        route(M::GET, "/v1/merges/{id}", "merge status", merge::get_merge),
    ]);
    routes
}

/// Every registered route as `METHOD path  summary`, for documentation and snapshots.
/// Any other `/v1` path answers 501 (under a known Lightfield resource) or 404.
pub fn route_table() -> Vec<String> {
    table()
        .into_iter()
        .map(|route| format!("{} {}  {}", route.method, route.path, route.summary))
        .collect()
}

/// The routes of one path, merged.
struct PathRoutes {
    path: String,
    methods: Vec<Method>,
    collection: Option<CollectionKind>,
    handler: MethodRouter<Arc<AppState>>,
}

/// The dialect's router. Each path gets one method router, whose fallback answers 405.
pub(crate) fn router() -> Router<Arc<AppState>> {
    let mut paths: Vec<PathRoutes> = Vec::new();
    for route in table() {
        match paths.iter_mut().find(|entry| entry.path == route.path) {
            Some(entry) => {
                entry.methods.push(route.method);
                entry.handler = std::mem::take(&mut entry.handler).merge(route.handler);
            }
            None => paths.push(PathRoutes {
                path: route.path,
                methods: vec![route.method],
                collection: route.collection,
                handler: route.handler,
            }),
        }
    }
    let mut router = Router::new();
    for PathRoutes {
        path,
        methods,
        collection,
        handler,
    } in paths
    {
        let allow = methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ");
        let handler = handler.fallback(move |caller, method, uri: OriginalUri| {
            unsupported::method_not_allowed(caller, method, uri, allow.clone())
        });
        let handler = match collection {
            Some(collection) => handler.layer(Extension(collection)),
            None => handler,
        };
        router = router.route(&path, handler);
    }
    router
        .route("/v1", any(unsupported::fallback))
        .route("/v1/", any(unsupported::fallback))
        .route("/v1/{*rest}", any(unsupported::fallback))
}
