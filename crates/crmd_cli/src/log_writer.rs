//! Where log lines go: an in-memory buffer that a background thread writes to stderr in
//! batches, at most [`FLUSH_INTERVAL`] after a line was logged.
//!
//! Every request logs a line. Writing each line with its own system call (or waking a
//! writer thread for each) cost more than a quarter of a point read's CPU time; appending
//! to a buffer under a mutex costs next to nothing.

use parking_lot::{Condvar, Mutex};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// The longest a logged line waits before it reaches stderr.
const FLUSH_INTERVAL: Duration = Duration::from_millis(25);
/// A buffer this full is written at once.
const FLUSH_BYTES: usize = 256 * 1024;

#[derive(Default)]
struct Shared {
    buffer: Mutex<(Vec<u8>, bool)>,
    wake: Condvar,
}

/// A `MakeWriter` for tracing-subscriber that appends to the shared buffer.
#[derive(Clone)]
pub(crate) struct BatchedStderr {
    shared: Arc<Shared>,
}

/// Writes what is left and stops the background thread when dropped.
pub(crate) struct FlushGuard {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BatchedStderr {
    pub(crate) fn start() -> (BatchedStderr, FlushGuard) {
        let shared = Arc::new(Shared::default());
        let for_thread = shared.clone();
        let thread = std::thread::Builder::new()
            .name("crmd-log".into())
            .spawn(move || write_batches(&for_thread))
            .ok();
        (
            BatchedStderr {
                shared: shared.clone(),
            },
            FlushGuard { shared, thread },
        )
    }
}

fn write_batches(shared: &Shared) {
    let mut batch = Vec::new();
    loop {
        let is_stopping = {
            let mut state = shared.buffer.lock();
            if state.0.is_empty() && !state.1 {
                shared.wake.wait_for(&mut state, FLUSH_INTERVAL);
            }
            std::mem::swap(&mut state.0, &mut batch);
            state.1
        };
        if !batch.is_empty() {
            // Nothing sensible can be done when stderr is gone.
            let _ = std::io::stderr().lock().write_all(&batch);
            batch.clear();
        }
        if is_stopping {
            return;
        }
        std::thread::sleep(FLUSH_INTERVAL);
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        self.shared.buffer.lock().1 = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Write for BatchedStderr {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut state = self.shared.buffer.lock();
        state.0.extend_from_slice(bytes);
        if state.0.len() >= FLUSH_BYTES {
            self.shared.wake.notify_one();
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for BatchedStderr {
    type Writer = BatchedStderr;

    fn make_writer(&'a self) -> BatchedStderr {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_written_by_the_guard_at_the_latest() {
        let (mut writer, guard) = BatchedStderr::start();
        writer.write_all(b"a line\n").unwrap();
        assert!(guard.thread.is_some());
        drop(guard);
        assert!(
            writer.shared.buffer.lock().0.is_empty(),
            "the guard writes what was left"
        );
    }
}
