//! API keys and permissions.
//!
//! A key reads `crmd_<key id>_<secret>`. The catalog keeps the key id in clear, to find
//! the key, and only the SHA-256 of the secret, compared in constant time.
//! Permissions are `<resource>:<action>` (`accounts:read`, `custom_objects:create`); an
//! empty scope list grants every permission. Each dialect maps its vendor's scope names
//! onto these.

use crmd_core::WorkspaceId;
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

const KEY_PREFIX: &str = "crmd_";
const KEY_ID_LEN: usize = 10;
const SECRET_LEN: usize = 40;

/// Who is calling: the workspace and the permissions of the key that authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub workspace: WorkspaceId,
    pub key_id: String,
    /// Empty means every permission.
    pub scopes: Vec<String>,
}

impl Actor {
    /// The actor recorded in the change log.
    pub fn change_actor(&self) -> String {
        format!("key:{}", self.key_id)
    }

    pub fn allows(&self, resource: &str, action: Action) -> bool {
        self.scopes.is_empty()
            || self.scopes.iter().any(|scope| {
                scope.split_once(':').is_some_and(|(granted, granted_action)| {
                    granted == resource && granted_action == action.as_str()
                })
            })
    }
}

/// What a request does to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
    Restore,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Read,
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Restore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Restore => "restore",
        }
    }
}

/// The resources permissions are granted on, besides one per standard object type.
pub const EXTRA_RESOURCES: [&str; 2] = ["custom_objects", "schema"];

/// Checks that a scope names a known resource and action.
pub fn is_valid_scope(scope: &str, resources: &[String]) -> bool {
    scope.split_once(':').is_some_and(|(resource, action)| {
        resources.iter().any(|known| known == resource)
            && Action::ALL.iter().any(|known| known.as_str() == action)
    })
}

/// A freshly generated key: the full text, shown once, and what the catalog stores.
pub struct GeneratedKey {
    pub text: String,
    pub key_id: String,
    pub secret_sha256: [u8; 32],
}

pub fn generate_key() -> GeneratedKey {
    let mut rng = rand::rng();
    let key_id: String = (&mut rng)
        .sample_iter(Alphanumeric)
        .take(KEY_ID_LEN)
        .map(char::from)
        .collect();
    let key_id = key_id.to_ascii_lowercase();
    let secret: String = (&mut rng)
        .sample_iter(Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect();
    GeneratedKey {
        text: format!("{KEY_PREFIX}{key_id}_{secret}"),
        secret_sha256: sha256(&secret),
        key_id,
    }
}

/// Splits a presented key into its key id and secret; `None` when it is not shaped like one.
pub fn split_key(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix(KEY_PREFIX)?;
    let (key_id, secret) = rest.split_once('_')?;
    (key_id.len() == KEY_ID_LEN && secret.len() == SECRET_LEN).then_some((key_id, secret))
}

pub fn secret_matches(secret: &str, stored_sha256: &[u8; 32]) -> bool {
    bool::from(sha256(secret).ct_eq(stored_sha256))
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_verify_and_others_do_not() {
        let key = generate_key();
        let (key_id, secret) = split_key(&key.text).unwrap();
        assert_eq!(key_id, key.key_id);
        assert!(secret_matches(secret, &key.secret_sha256));
        let other = generate_key();
        let (_, other_secret) = split_key(&other.text).unwrap();
        assert!(!secret_matches(other_secret, &key.secret_sha256));
        assert_eq!(split_key("sk_lf_whatever"), None);
        assert_eq!(split_key(&key.text[..key.text.len() - 1]), None);
    }

    #[test]
    fn scopes_grant_exactly_what_they_name() {
        let actor = Actor {
            workspace: WorkspaceId(1),
            key_id: "k".into(),
            scopes: vec!["accounts:read".into()],
        };
        assert!(actor.allows("accounts", Action::Read));
        assert!(!actor.allows("accounts", Action::Create));
        assert!(!actor.allows("contacts", Action::Read));
        let full = Actor {
            scopes: vec![],
            ..actor
        };
        assert!(full.allows("contacts", Action::Delete));
    }
}
