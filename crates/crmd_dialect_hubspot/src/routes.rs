//! The whole URL table of the dialect.
//!
//! Every object type shares one set of routes under `/crm/v3/objects/{object_type}`;
//! static segments (`batch`, `search`, `merge`) take precedence over `{object_id}`.
//! Associations are under `/crm/v4/objects/…/associations` and `/crm/v4/associations`,
//! and in the v3 API under `/crm/v3/objects/…/associations` and `/crm/v3/associations`.
//! HubSpot APIs crmd does not serve yet answer 501; any other path under `/crm`,
//! `/crm-object-schemas` answers a JSON 404.

use crate::handlers::{
    associations, associations_v3, batch, gdpr, merge, objects, owners, search, unsupported,
};
use axum::Router;
use axum::extract::OriginalUri;
use axum::handler::Handler;
use axum::routing::{MethodFilter, MethodRouter, any, on};
use crmd_http::AppState;
use http::Method;
use std::sync::Arc;

struct Route {
    method: Method,
    path: &'static str,
    summary: &'static str,
    handler: MethodRouter<Arc<AppState>>,
}

fn route<H, T>(method: Method, path: &'static str, summary: &'static str, handler: H) -> Route
where
    H: Handler<T, Arc<AppState>>,
    T: 'static,
{
    // The table uses GET, POST, PATCH, PUT and DELETE only, which all have a filter.
    let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
    Route {
        method,
        path,
        summary,
        handler: on(filter, handler),
    }
}

const OBJECTS: &str = "/crm/v3/objects/{object_type}";
const OBJECT: &str = "/crm/v3/objects/{object_type}/{object_id}";
const LABELS: &str = "/crm/v4/associations/{object_type}/{to_object_type}/labels";
const RECORD_ASSOCIATION: &str =
    "/crm/v4/objects/{object_type}/{object_id}/associations/{to_object_type}/{to_object_id}";
const V3_RECORD_ASSOCIATION: &str = "/crm/v3/objects/{object_type}/{object_id}/associations/{to_object_type}/{to_object_id}/{association_type}";

fn table() -> Vec<Route> {
    use Method as M;
    vec![
        route(
            M::GET,
            OBJECTS,
            "list (limit, after, properties, propertiesWithHistory, archived)",
            objects::list,
        ),
        route(M::POST, OBJECTS, "create", objects::create),
        route(
            M::GET,
            OBJECT,
            "get (properties, propertiesWithHistory, archived, idProperty)",
            objects::get,
        ),
        route(M::PATCH, OBJECT, "update (idProperty)", objects::update),
        route(M::DELETE, OBJECT, "archive (to the trash)", objects::archive),
        route(
            M::POST,
            "/crm/v3/objects/{object_type}/batch/read",
            "batch read (archived)",
            batch::read,
        ),
        route(
            M::POST,
            "/crm/v3/objects/{object_type}/batch/create",
            "batch create",
            batch::create,
        ),
        route(
            M::POST,
            "/crm/v3/objects/{object_type}/batch/update",
            "batch update",
            batch::update,
        ),
        route(
            M::POST,
            "/crm/v3/objects/{object_type}/batch/upsert",
            "batch upsert by a unique property",
            batch::upsert,
        ),
        route(
            M::POST,
            "/crm/v3/objects/{object_type}/batch/archive",
            "batch archive",
            batch::archive,
        ),
        route(
            M::POST,
            "/crm/v3/objects/{object_type}/search",
            "search (filterGroups, query, sorts, properties, limit, after)",
            search::search,
        ),
        route(
            M::POST,
            "/crm/v3/objects/{object_type}/merge",
            "merge two records (primaryObjectId, objectIdToMerge)",
            merge::merge,
        ),
        route(
            M::POST,
            "/crm/v3/objects/contacts/gdpr-delete",
            "delete a contact for good (objectId, idProperty)",
            gdpr::gdpr_delete,
        ),
        route(
            M::GET,
            "/crm/v3/objects/{object_type}/{object_id}/associations/{to_object_type}",
            "v3 associated ids (limit, after)",
            associations_v3::list,
        ),
        route(
            M::PUT,
            V3_RECORD_ASSOCIATION,
            "v3 associate with a type",
            associations_v3::put,
        ),
        route(
            M::DELETE,
            V3_RECORD_ASSOCIATION,
            "v3 remove the association of a type",
            associations_v3::delete,
        ),
        route(
            M::GET,
            "/crm/v3/associations/{object_type}/{to_object_type}/types",
            "v3 association types of the pair",
            associations_v3::types,
        ),
        route(
            M::POST,
            "/crm/v3/associations/{object_type}/{to_object_type}/batch/create",
            "v3 batch associate with types",
            associations_v3::batch_create,
        ),
        route(
            M::POST,
            "/crm/v3/associations/{object_type}/{to_object_type}/batch/read",
            "v3 batch read associations",
            associations_v3::batch_read,
        ),
        route(
            M::POST,
            "/crm/v3/associations/{object_type}/{to_object_type}/batch/archive",
            "v3 batch remove associations of types",
            associations_v3::batch_archive,
        ),
        route(
            M::GET,
            "/crm/v4/objects/{object_type}/{object_id}/associations/{to_object_type}",
            "associated records (limit, after)",
            associations::list,
        ),
        route(
            M::PUT,
            "/crm/v4/objects/{object_type}/{object_id}/associations/default/{to_object_type}/{to_object_id}",
            "associate with the default type",
            associations::put_default,
        ),
        route(
            M::PUT,
            RECORD_ASSOCIATION,
            "associate with the listed types",
            associations::put,
        ),
        route(
            M::DELETE,
            RECORD_ASSOCIATION,
            "remove every association of the pair",
            associations::delete,
        ),
        route(
            M::POST,
            "/crm/v4/associations/{object_type}/{to_object_type}/batch/read",
            "batch read associations",
            associations::batch_read,
        ),
        route(
            M::POST,
            "/crm/v4/associations/{object_type}/{to_object_type}/batch/create",
            "batch associate with types",
            associations::batch_create,
        ),
        route(
            M::POST,
            "/crm/v4/associations/{object_type}/{to_object_type}/batch/associate/default",
            "batch associate with the default type",
            associations::batch_default,
        ),
        route(
            M::POST,
            "/crm/v4/associations/{object_type}/{to_object_type}/batch/archive",
            "batch remove every association of each pair",
            associations::batch_archive,
        ),
        route(
            M::POST,
            "/crm/v4/associations/{object_type}/{to_object_type}/batch/labels/archive",
            "batch remove the listed association types of each pair",
            associations::batch_labels_archive,
        ),
        route(
            M::GET,
            "/crm/v3/owners",
            "owners: crmd's members (limit, after, email, archived)",
            owners::list,
        ),
        // The SDKs call the owners collection with a trailing slash.
        route(
            M::GET,
            "/crm/v3/owners/",
            "owners: crmd's members (limit, after, email, archived)",
            owners::list,
        ),
        route(
            M::GET,
            "/crm/v3/owners/{owner_id}",
            "one owner (idProperty id or userId, archived)",
            owners::get,
        ),
        route(
            M::GET,
            LABELS,
            "association types of the pair",
            associations::labels,
        ),
        route(
            M::POST,
            LABELS,
            "501: labels are schema relationships",
            associations::labels_unsupported,
        ),
        route(
            M::PUT,
            LABELS,
            "501: labels are schema relationships",
            associations::labels_unsupported,
        ),
        route(
            M::DELETE,
            "/crm/v4/associations/{object_type}/{to_object_type}/labels/{type_id}",
            "501: labels are schema relationships",
            associations::labels_unsupported,
        ),
    ]
}

/// HubSpot APIs crmd does not serve yet: every path under these prefixes answers 501.
const LATER_PREFIXES: [&str; 5] = [
    "/crm/v3/properties",
    "/crm/v3/schemas",
    "/crm-object-schemas/v3/schemas",
    "/crm/v3/pipelines",
    "/crm/v4",
];

/// Every registered route as `METHOD path  summary`, for documentation and snapshots.
pub fn route_table() -> Vec<String> {
    let mut lines: Vec<String> = table()
        .into_iter()
        .map(|route| format!("{} {}  {}", route.method, route.path, route.summary))
        .collect();
    lines.extend(
        LATER_PREFIXES
            .iter()
            .map(|prefix| format!("ANY {prefix}/…  501 not implemented yet")),
    );
    lines
}

/// The dialect's router. Each path gets one method router, whose fallback answers 405.
pub(crate) fn router() -> Router<Arc<AppState>> {
    /// A path with the methods it takes and their merged handler.
    type PathRoutes = (&'static str, Vec<Method>, MethodRouter<Arc<AppState>>);
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
        let handler = handler.fallback(move |caller, method, uri: OriginalUri| {
            unsupported::method_not_allowed(caller, method, uri, allow.clone())
        });
        router = router.route(path, handler);
    }
    for prefix in LATER_PREFIXES {
        router = router
            .route(prefix, any(unsupported::not_implemented))
            .route(&format!("{prefix}/{{*rest}}"), any(unsupported::not_implemented));
    }
    router
        .route("/crm", any(unsupported::fallback))
        .route("/crm/{*rest}", any(unsupported::fallback))
        .route("/crm-object-schemas/{*rest}", any(unsupported::fallback))
}
