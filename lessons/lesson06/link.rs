//! The simulated link: smoltcp's `Loopback` device, wrapped so that we
//! keep a copy of every frame that crosses it, and can drop a chosen one.
//!
//! `Loopback` hands every frame the interface transmits straight back to
//! the same interface, in order. Our client and our server share that
//! interface, so a frame the client sends is a frame the server receives.
//! The wrapper changes two things. It records each frame with the time
//! it left, and it asks smoltcp to compute and check every checksum
//! (`Loopback` alone tells smoltcp to skip them, since nothing on a
//! loopback can corrupt a frame; we want to see them).

use smoltcp::phy::{
    self, ChecksumCapabilities, Device, DeviceCapabilities, Loopback, Medium,
};
use smoltcp::time::Instant;

/// The largest frame the link carries: an Ethernet payload of 1500
/// bytes (the MTU of almost every Ethernet) plus its 14-byte header.
pub const FRAME_LIMIT: usize = 1514;

/// One frame that crossed the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Its number: 1 for the first frame, as Wireshark counts.
    pub number: usize,
    /// When it was sent, in milliseconds of simulated time.
    pub millis: i64,
    /// The whole Ethernet frame.
    pub bytes: Vec<u8>,
    /// Whether the link lost it (the receiver never saw it).
    pub dropped: bool,
}

// ANCHOR: link
/// A loopback link that records what crosses it.
pub struct Link {
    inner: Loopback,
    /// Every frame sent so far, in order.
    pub frames: Vec<Frame>,
    /// The numbers of the frames to lose.
    pub drop: Vec<usize>,
    /// How many frames wait in the queue, sent but not yet received.
    waiting: usize,
}

impl Link {
    pub fn new(drop: &[usize]) -> Link {
        Link {
            inner: Loopback::new(Medium::Ethernet),
            frames: Vec::new(),
            drop: drop.to_vec(),
            waiting: 0,
        }
    }

    /// Whether a frame waits to be received.
    pub fn busy(&self) -> bool {
        self.waiting > 0
    }
}

impl Device for Link {
    type RxToken<'a> = <Loopback as Device>::RxToken<'a>;
    type TxToken<'a> = TxToken<'a>;

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = self.inner.capabilities();
        caps.max_transmission_unit = FRAME_LIMIT;
        // Compute every checksum on the way out, check it on the way in.
        caps.checksum = ChecksumCapabilities::default();
        caps
    }

    fn receive(
        &mut self,
        now: Instant,
    ) -> Option<(Self::RxToken<'_>, Self::TxToken<'_>)> {
        let (rx, tx) = self.inner.receive(now)?;
        self.waiting -= 1;
        let tx = TxToken {
            inner: tx,
            frames: &mut self.frames,
            drop: &self.drop,
            waiting: &mut self.waiting,
            now,
        };
        Some((rx, tx))
    }

    fn transmit(&mut self, now: Instant) -> Option<Self::TxToken<'_>> {
        let tx = self.inner.transmit(now)?;
        Some(TxToken {
            inner: tx,
            frames: &mut self.frames,
            drop: &self.drop,
            waiting: &mut self.waiting,
            now,
        })
    }
}

/// Sends one frame: smoltcp writes it into our buffer, we keep a copy,
/// then pass it on to the loopback queue, unless it is one to lose.
pub struct TxToken<'a> {
    inner: <Loopback as Device>::TxToken<'a>,
    frames: &'a mut Vec<Frame>,
    drop: &'a [usize],
    waiting: &'a mut usize,
    now: Instant,
}

impl phy::TxToken for TxToken<'_> {
    fn consume<R, F>(self, len: usize, f: F) -> R
    where
        F: FnOnce(&mut [u8]) -> R,
    {
        let mut bytes = vec![0; len];
        let result = f(&mut bytes);
        let number = self.frames.len() + 1;
        let dropped = self.drop.contains(&number);
        if !dropped {
            self.inner
                .consume(len, |buffer| buffer.copy_from_slice(&bytes));
            *self.waiting += 1;
        }
        self.frames.push(Frame {
            number,
            millis: self.now.total_millis(),
            bytes,
            dropped,
        });
        result
    }
}
// ANCHOR_END: link
