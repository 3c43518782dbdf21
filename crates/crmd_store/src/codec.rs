//! The storage encoding of values as JSON, shared by every backend for compound values,
//! field history and the change log.
