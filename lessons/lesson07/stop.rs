//! Asking a server to stop, whichever design it is.
//!
//! A signal handler runs on its own thread; all it can do is set a flag
//! and wake whatever the server sleeps in. What that is depends on the
//! design, so each has its own way to be woken.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

use crate::lesson04::shutdown::Shutdown;

// ANCHOR: stop
/// A handle to ask a server to stop. Clone it into a signal handler.
#[derive(Clone)]
pub enum Stop {
    /// The pool's main thread sleeps in `accept`: lesson04's flag and
    /// knock on our own door.
    Knock(Shutdown),
    /// The event loop sleeps in `poll`: a flag, and mio's `Waker`, which
    /// makes `poll` return with the waker's token.
    Wake {
        requested: Arc<AtomicBool>,
        waker: Arc<mio::Waker>,
    },
    /// The async server's tasks wait on a watch channel: sending `true`
    /// wakes every task waiting on it.
    Send(Arc<watch::Sender<bool>>),
}

impl Stop {
    /// Asks the server to stop. Returns `false` if it had been asked
    /// already (a second Ctrl+C).
    pub fn request(&self) -> bool {
        match self {
            Stop::Knock(shutdown) => shutdown.request(),
            Stop::Wake { requested, waker } => {
                if requested.swap(true, Ordering::SeqCst) {
                    return false;
                }
                let _ = waker.wake();
                true
            }
            Stop::Send(sender) => !sender.send_replace(true),
        }
    }
}
// ANCHOR_END: stop
