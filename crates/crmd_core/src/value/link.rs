//! URL (absolute http and https URLs) and SOCIAL_HANDLE (a profile URL on one service).

use super::{Json, Value, ValueError, describe, describe_str, fail};
use crate::field_type::HandleService;
use url::{Host, Position, Url};

/// The longest URL accepted, in characters.
const MAX_URL_CHARS: usize = 2048;

/// Normalizes an http or https URL. A URL written without a scheme (`globex.example/about`)
/// gets `https://`. The scheme and host are lowercased and the rest is serialized the way the
/// `url` crate does it, except that no `/` is added after a host when none was written.
pub(super) fn normalize_url(text: &str) -> Result<String, ValueError> {
    let (url, has_path) = parse_http_url(text)?;
    Ok(serialize(&url, has_path))
}

/// Parses an http or https URL with a host name that has a dot (or `localhost`, or an IP
/// address). Also returns whether the text wrote a path, so that no `/` is invented.
fn parse_http_url(text: &str) -> Result<(Url, bool), ValueError> {
    let invalid = |reason: &str| fail(format!("{} is not a valid URL{reason}", describe_str(text)));
    if text.chars().any(|char| char.is_whitespace() || char.is_control()) {
        return invalid(": it contains whitespace or a control character");
    }
    let chars = text.chars().count();
    if chars > MAX_URL_CHARS {
        return fail(format!(
            "URL of {chars} characters exceeds the limit of {MAX_URL_CHARS} characters"
        ));
    }
    let candidate = match scheme_of(text) {
        Some(scheme) if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {
            text.to_owned()
        }
        Some(_) => return invalid(": only http and https URLs are accepted"),
        None => format!("https://{text}"),
    };
    let Ok(url) = Url::parse(&candidate) else {
        return invalid("");
    };
    match url.host() {
        Some(Host::Domain(domain)) => {
            if domain != "localhost" && !is_dotted_host_name(domain) {
                return invalid(&format!(": {} is not a full host name", describe_str(domain)));
            }
        }
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => {}
        None => return invalid(": it has no host"),
    }
    // `ada@globex.example` would otherwise become a URL with a user name.
    if !url.username().is_empty() || url.password().is_some() {
        return invalid(": it has a user name or password");
    }
    let after_scheme = candidate.split_once("://").map_or("", |(_, rest)| rest);
    let has_path = after_scheme
        .find(['/', '\\', '?', '#'])
        .is_some_and(|at| after_scheme[at..].starts_with(['/', '\\']));
    Ok((url, has_path))
}

/// The scheme a text starts with: `ftp` in `ftp://x`, `mailto` in `mailto:ada@x.io`. Not the
/// host in `globex.example:8080`, where a port follows the colon.
fn scheme_of(text: &str) -> Option<&str> {
    let (scheme, rest) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let is_scheme = chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|char| char.is_ascii_alphanumeric() || matches!(char, '+' | '-' | '.'));
    let is_port = rest.starts_with(|char: char| char.is_ascii_digit());
    (is_scheme && (rest.starts_with("//") || !is_port)).then_some(scheme)
}

/// At least two labels, none empty, none starting or ending with a hyphen.
fn is_dotted_host_name(domain: &str) -> bool {
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    domain.contains('.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
}

fn serialize(url: &Url, has_path: bool) -> String {
    if !has_path && url.path() == "/" {
        return format!("{}{}", &url[..Position::AfterPort], &url[Position::AfterPath..]);
    }
    url.to_string()
}

/// A profile URL on the field's service, normalized to that service's canonical form.
/// Query strings, fragments and a trailing `/` are dropped. Without a service, any http or
/// https URL is accepted.
pub(super) fn normalize_handle(
    service: Option<HandleService>,
    input: &Json,
) -> Result<Option<Value>, ValueError> {
    let text = match input {
        Json::String(text) if text.trim().is_empty() => return Ok(None),
        Json::String(text) => text.trim(),
        Json::Null | Json::Bool(_) | Json::Number(_) | Json::Array(_) | Json::Object(_) => {
            return fail(format!("expected a profile URL string, got {}", describe(input)));
        }
    };
    let Some(service) = service else {
        return normalize_url(text).map(|url| Some(Value::Text(url)));
    };
    let wrong = || {
        fail(format!(
            "{} is not a profile URL on {}; expected {}",
            describe_str(text),
            service_name(service),
            service_pattern(service)
        ))
    };
    // `@ada` is unambiguous on services whose profile URLs are `/{user}`.
    if let Some(user) = text.strip_prefix('@')
        && matches!(service, HandleService::Twitter | HandleService::Instagram)
    {
        return match profile_url(service, &[user]) {
            Some(url) => Ok(Some(Value::Text(url))),
            None => wrong(),
        };
    }
    let Ok((url, _)) = parse_http_url(text) else {
        return wrong();
    };
    let host = url.host_str().unwrap_or_default();
    let segments: Vec<&str> = url
        .path_segments()
        .into_iter()
        .flatten()
        .filter(|segment| !segment.is_empty())
        .collect();
    let is_service_host = match service {
        HandleService::Twitter => {
            matches!(
                host,
                "x.com"
                    | "www.x.com"
                    | "mobile.x.com"
                    | "twitter.com"
                    | "www.twitter.com"
                    | "mobile.twitter.com"
            )
        }
        HandleService::Linkedin => host == "linkedin.com" || host.ends_with(".linkedin.com"),
        HandleService::Facebook => {
            host == "facebook.com"
                || host.ends_with(".facebook.com")
                || matches!(host, "fb.com" | "www.fb.com")
        }
        HandleService::Instagram => matches!(host, "instagram.com" | "www.instagram.com"),
    };
    if !is_service_host {
        return wrong();
    }
    // Facebook profiles without a username are only reachable by their numeric id.
    if service == HandleService::Facebook && segments == ["profile.php"] {
        let id = url
            .query_pairs()
            .find(|(key, _)| key == "id")
            .map(|(_, id)| id.into_owned());
        return match id
            .filter(|id| !id.is_empty() && id.len() <= 20 && id.bytes().all(|byte| byte.is_ascii_digit()))
        {
            Some(id) => Ok(Some(Value::Text(format!(
                "https://www.facebook.com/profile.php?id={id}"
            )))),
            None => wrong(),
        };
    }
    match profile_url(service, &segments) {
        Some(url) => Ok(Some(Value::Text(url))),
        None => wrong(),
    }
}

/// The canonical profile URL for the path segments of a service's profile URL.
fn profile_url(service: HandleService, segments: &[&str]) -> Option<String> {
    let is_user = |user: &str, max_chars: usize, extra: &[char]| {
        !user.is_empty()
            && user.len() <= max_chars
            && user
                .chars()
                .all(|char| char.is_ascii_alphanumeric() || char == '_' || extra.contains(&char))
    };
    match (service, segments) {
        (HandleService::Twitter, [user]) if is_user(user, 15, &[]) => Some(format!("https://x.com/{user}")),
        (HandleService::Instagram, [user]) if is_user(user, 30, &['.']) => {
            Some(format!("https://www.instagram.com/{user}"))
        }
        (HandleService::Facebook, [user]) if is_user(user, 50, &['.', '-']) => {
            Some(format!("https://www.facebook.com/{user}"))
        }
        (HandleService::Linkedin, [kind, slug]) if !slug.is_empty() => {
            let kind = kind.to_ascii_lowercase();
            matches!(kind.as_str(), "in" | "company")
                .then(|| format!("https://www.linkedin.com/{kind}/{slug}"))
        }
        (
            HandleService::Twitter
            | HandleService::Instagram
            | HandleService::Facebook
            | HandleService::Linkedin,
            _,
        ) => None,
    }
}

fn service_name(service: HandleService) -> &'static str {
    match service {
        HandleService::Twitter => "X (Twitter)",
        HandleService::Linkedin => "LinkedIn",
        HandleService::Facebook => "Facebook",
        HandleService::Instagram => "Instagram",
    }
}

fn service_pattern(service: HandleService) -> &'static str {
    match service {
        HandleService::Twitter => "https://x.com/{user}",
        HandleService::Linkedin => {
            "https://www.linkedin.com/in/{slug} or https://www.linkedin.com/company/{slug}"
        }
        HandleService::Facebook => "https://www.facebook.com/{user}",
        HandleService::Instagram => "https://www.instagram.com/{user}",
    }
}
