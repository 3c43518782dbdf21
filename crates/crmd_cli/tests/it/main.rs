//! Drives the real `crmd` binary: first start, keys, schema files, locking and shutdown.

mod cli;
