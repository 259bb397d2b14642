//! Exercises for chapter 7: many clients, few threads.
//!
//! Check them with: cargo test -p exercises --test lesson07

use std::future::Future;
use std::io::{ErrorKind, Read};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

// ANCHOR: read_until_blocked
/// How a turn of [`read_until_blocked`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOutcome {
    /// A read said `WouldBlock`: the socket has nothing more for now.
    /// Wait for the next readiness event.
    Drained,
    /// `budget` bytes were read and the socket may hold more: come back
    /// to it after the other connections had their turn, without waiting
    /// for an event (none may come for bytes already there).
    BudgetSpent,
    /// A read returned `Ok(0)`: the peer closed its side.
    Closed,
    /// A read failed with this error (not `WouldBlock`, not
    /// `Interrupted`).
    Failed(ErrorKind),
}

/// Exercise 7.1 ★★: Read a ready socket until it would block.
///
/// mio reports readiness edge-triggered: one event when bytes arrive,
/// and no other until more arrive, however many are still unread. So an
/// event loop's handler reads until the socket says `WouldBlock`. But a
/// client that sends fast could then keep the loop on its socket for
/// ever; so the handler also stops after `budget` bytes in one turn.
///
/// Read from `reader` (a non-blocking socket, or anything that reads)
/// and append what you read to the end of `into` (keep what it held),
/// until one of these ends the turn:
///
/// - a read fails with `WouldBlock`: return [`ReadOutcome::Drained`];
/// - `budget` bytes have been read in this call: return
///   [`ReadOutcome::BudgetSpent`] at once, with no further read (and
///   with `budget` 0, before any read). Never read more than `budget`
///   bytes: give each read a buffer no longer than what the budget
///   still allows;
/// - a read returns `Ok(0)`: return [`ReadOutcome::Closed`];
/// - a read fails with `Interrupted` (a signal came): that is no
///   error, read again;
/// - any other error: return [`ReadOutcome::Failed`] with its kind, and
///   keep in `into` the bytes read before it.
///
/// Example: the socket holds `"Tracy\nMi"` and then would block;
/// with `budget` 100, `into` gets those 8 bytes and you return
/// `Drained`; with `budget` 4, `into` gets `"Trac"` and you return
/// `BudgetSpent`.
#[allow(clippy::ptr_arg)] // `into` is a Vec because your code grows it
pub fn read_until_blocked<R: Read>(
    reader: &mut R,
    into: &mut Vec<u8>,
    budget: usize,
) -> ReadOutcome {
    todo!("Exercise 7.1: read at most {budget} bytes until WouldBlock")
}
// ANCHOR_END: read_until_blocked

// ANCHOR: Admission
/// What [`Admission::admit`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Serve this client: it now counts.
    Yes,
    /// The server holds `total` conversations already.
    Busy,
    /// This address holds `per_peer` conversations already.
    TooManyFromYou,
}

/// Exercise 7.2 ★★: Admit clients fairly: a share for each address.
///
/// The pool's queue turns clients away when it is full, whoever they
/// are: one address that opens a hundred connections fills it and every
/// other client hears "busy". `Admission` counts conversations by the
/// client's IP address (its port changes with each connection):
///
/// - `new(per_peer, total)`: nobody inside yet;
/// - `admit(ip)`: [`Admit::Busy`] if `total` conversations are going
///   on (checked first); else [`Admit::TooManyFromYou`] if `ip` has
///   `per_peer` of them; else [`Admit::Yes`], and the conversation now
///   counts, for `ip` and in the total;
/// - `release(ip)`: one conversation of `ip` ended. A release for an
///   address with no conversation is ignored: it changes no count;
/// - `inside()`: how many conversations count now, all addresses;
/// - `tracked()`: how many addresses have at least one. Forget an
///   address when its count falls to 0, or a server that met a million
///   addresses would keep a million entries.
#[derive(Debug)]
pub struct Admission {
    // Your fields here: say, the limits, a total, and a
    // HashMap<IpAddr, usize>.
}

impl Admission {
    pub fn new(per_peer: usize, total: usize) -> Admission {
        todo!("Exercise 7.2: {per_peer} per address, {total} in all")
    }

    pub fn admit(&mut self, ip: IpAddr) -> Admit {
        todo!("Exercise 7.2: admit a client from {ip}, or say why not")
    }

    pub fn release(&mut self, ip: IpAddr) {
        todo!("Exercise 7.2: a conversation with {ip} ended")
    }

    pub fn inside(&self) -> usize {
        todo!("Exercise 7.2: how many conversations count in {self:?}")
    }

    pub fn tracked(&self) -> usize {
        todo!("Exercise 7.2: how many addresses {self:?} remembers")
    }
}
// ANCHOR_END: Admission

// ANCHOR: TimerWheel
/// Exercise 7.3 ★★★: Keep idle deadlines in a hashed timing wheel.
///
/// The chapter's event loop keeps deadlines in a `BinaryHeap`: each
/// schedule costs log n, and a moved deadline leaves a stale entry
/// behind. A timing wheel files each deadline straight into its place,
/// without sorting: a ring of `slots` slots, each `width` of time wide.
/// A deadline `at` goes in slot `(at / width) % slots`; one already
/// behind the wheel (before the slot it stands on) goes in the slot it
/// stands on, so the next `expire` finds it. A deadline more than one
/// turn away shares its slot with nearer ones, and one in the same slot
/// may be a little later than `now`: when `expire` visits a slot, it
/// takes only the entries whose deadline is at or before `now` (compare
/// the deadline itself), and leaves the others where they are.
///
/// Time is a `Duration` since the server started (no `Instant`: tests
/// choose the clock). Ids are connection numbers.
///
/// - `new(width, slots)`: an empty wheel (`width` > 0, `slots` > 0);
/// - `schedule(id, at)`: `id` expires at `at`. If `id` was already
///   scheduled, this replaces its old deadline. A deadline already
///   past expires on the next `expire`. `at` may be as late as
///   `Duration::MAX` (its slot number needs `u128` arithmetic);
/// - `cancel(id)`: forget `id`; `true` if it was scheduled;
/// - `expire(now)`: remove and return every id whose deadline is at or
///   before `now`: never one before its deadline, never one twice,
///   sorted by deadline (the same deadline: smaller id first). `now`
///   usually grows from call to call, but it may jump many turns ahead,
///   or (a clock read in another thread) step back a little;
/// - `next_deadline()`: the earliest deadline scheduled, if any: the
///   loop's `poll` may sleep until then;
/// - `len()` / `is_empty()`: how many ids are scheduled.
///
/// `expire` must look only at the slots from where the wheel stood to
/// `now` (at most one turn), not at every timer: a test schedules
/// 200 000 timers and expires them in 4 100 steps, and fails if the
/// whole test takes 3 seconds or more.
///
/// Example, `width` 10 ms and 8 slots (one turn: 80 ms): 15 ms and
/// 95 ms share slot 1; `expire(20 ms)` returns the first only, and
/// the second waits for `expire(95 ms)` or later.
#[derive(Debug)]
pub struct TimerWheel {
    // Your fields here: say, the width, a Vec of slots, and a HashMap
    // from id to where it waits.
}

impl TimerWheel {
    pub fn new(width: Duration, slots: usize) -> TimerWheel {
        todo!("Exercise 7.3: a wheel of {slots} slots, {width:?} each")
    }

    pub fn schedule(&mut self, id: u64, at: Duration) {
        todo!("Exercise 7.3: schedule {id} at {at:?}")
    }

    pub fn cancel(&mut self, id: u64) -> bool {
        todo!("Exercise 7.3: cancel {id}")
    }

    pub fn expire(&mut self, now: Duration) -> Vec<u64> {
        todo!("Exercise 7.3: take every id due at {now:?}, in order")
    }

    pub fn next_deadline(&self) -> Option<Duration> {
        todo!("Exercise 7.3: the earliest deadline in {self:?}")
    }

    pub fn len(&self) -> usize {
        todo!("Exercise 7.3: how many ids {self:?} holds")
    }

    pub fn is_empty(&self) -> bool {
        todo!("Exercise 7.3: whether {self:?} holds no id")
    }
}
// ANCHOR_END: TimerWheel

// ANCHOR: greet_with_retry
/// The one line a full pool sends before it closes the connection.
pub const BUSY_LINE: &str = "busy, try again later";

/// How [`greet_with_retry`] tries again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Connections to try in all (0: none).
    pub tries: u32,
    /// The wait after the first busy answer.
    pub first_wait: Duration,
    /// No wait is longer than this.
    pub max_wait: Duration,
    /// For connecting, and for each read and write.
    pub timeout: Duration,
}

/// Exercise 7.4 ★★: Come back later when the pool is busy.
///
/// A pool whose queue is full answers a new client with the one line
/// `busy, try again later` and closes. A polite client waits and tries
/// again, waiting twice as long each time ("exponential backoff"), so
/// that a crowd of clients does not hammer a server that is already
/// full.
///
/// Connect to `server` (with `retry.timeout` for the connect and as the
/// read and write timeout of the socket) and read the first line:
///
/// - if it is [`BUSY_LINE`], close the connection without sending
///   anything, call `sleep` with the wait, and connect again. The first
///   wait is `first_wait`, each next one twice the last (doubling must
///   not overflow: saturate), and none more than `max_wait`, the first
///   one included. Make at most `retry.tries` connections in all, and do
///   not wait after the last: then return an error;
/// - otherwise it is the welcome: send `name` and `\n`, read the next
///   line and return it (`"Hello, Tracy!"`).
///
/// Lines end with `\n` (drop it, and a `\r` before it); TCP may deliver
/// a line in several pieces. A connection that fails, times out or
/// closes before a whole line is an error: return it at once, with no
/// retry. Errors are one line, in your words. Call `sleep`, never
/// `thread::sleep`: the tests count your waits instead of sitting
/// through them.
pub fn greet_with_retry(
    server: SocketAddr,
    name: &str,
    retry: Retry,
    sleep: impl FnMut(Duration),
) -> Result<String, String> {
    todo!("Exercise 7.4: greet {name:?} at {server}, retrying: {retry:?}")
}
// ANCHOR_END: greet_with_retry

// ANCHOR: block_on
/// Exercise 7.5 ★★: Run a future to its end on this thread.
///
/// tokio's runtime polls futures; the chapter shows futures from the
/// outside. Write the smallest runtime there is: `block_on(future)`
/// polls `future` on the calling thread until it is ready, and returns
/// its output.
///
/// Between polls, sleep: a future that returns `Poll::Pending` has
/// promised to call the `Waker` it was given when it can make progress,
/// perhaps from another thread. So make a `Waker` that wakes this
/// thread: a type that holds `thread::current()` and implements
/// `std::task::Wake` by calling `unpark` on it; `Waker::from(Arc::new(
/// ..))` turns it into a `Waker`. Then poll, and on `Pending` call
/// `thread::park()`, and poll again.
///
/// The tests check that you poll no more than needed (a loop that polls
/// without sleeping fails), that a wake which comes during the poll
/// itself is not lost (the program must not hang), that a clone of the
/// waker works from another thread, and that a poll after a wake that
/// was not for you (`park` may return for no reason) does no harm.
/// Pin the future first: `std::pin::pin!(future)`.
pub fn block_on<F: Future>(future: F) -> F::Output {
    todo!("Exercise 7.5: poll the future until it is ready")
}
// ANCHOR_END: block_on

// ANCHOR: p99
/// Exercise 7.6 ★: The 99th percentile of response times.
///
/// A benchmark of the three servers reports the time that 99 in 100
/// requests took at most: the 99th percentile ("p99"). Use the nearest-rank
/// rule: sort the `n` samples from fastest to slowest; p99 is the one
/// at rank ⌈0.99 × n⌉, counting from 1. Of 100 samples, the 99th
/// fastest; of 101, the 100th; of 10, the slowest. The samples come in
/// any order; with no sample there is no percentile: `None`.
pub fn p99(samples: &[Duration]) -> Option<Duration> {
    todo!("Exercise 7.6: the p99 of {} samples", samples.len())
}
// ANCHOR_END: p99
