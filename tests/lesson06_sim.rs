//! lesson06's simulation: bounded in simulated time, checksums right.

use lessons::lesson06::demo::{self, SCENARIOS};
use lessons::lesson06::sim::{Setup, Sim};
use smoltcp::time::Duration;
use smoltcp::wire::{EthernetFrame, IpAddress, Ipv4Packet, TcpPacket};

/// Something that never happens makes the run fail with a message once
/// the simulated time is up, instead of hanging.
#[test]
fn a_scenario_that_does_not_finish_fails_with_a_message() {
    let setup = Setup {
        limit: Duration::from_secs(5),
        ..Setup::default()
    };
    let mut sim = Sim::new(&setup).expect("the setup is valid");
    let error = sim
        .run_until("a miracle", |_| false)
        .expect_err("nothing can satisfy it");
    assert_eq!(
        error,
        "gave up after 5000 ms of simulated time waiting for a miracle"
    );
    assert!(sim.now.total_millis() <= 5000);
}

/// Every scenario finishes, and every TCP segment it sent carries
/// correct IPv4 and TCP checksums (checked by smoltcp's own code).
#[test]
fn every_scenario_finishes_with_correct_checksums() {
    for scenario in SCENARIOS {
        let outcome = demo::run(scenario);
        assert_eq!(outcome.error, None, "{}", scenario.name);
        let mut segments = 0;
        for frame in &outcome.frames {
            let ethernet = EthernetFrame::new_checked(&frame.bytes[..])
                .expect("a whole Ethernet frame");
            let Ok(ip) = Ipv4Packet::new_checked(ethernet.payload()) else {
                continue; // ARP
            };
            assert!(ip.verify_checksum(), "frame {}", frame.number);
            let tcp = TcpPacket::new_checked(ip.payload()).expect("TCP");
            let (s, d) = (
                IpAddress::from(ip.src_addr()),
                IpAddress::from(ip.dst_addr()),
            );
            assert!(tcp.verify_checksum(&s, &d), "frame {}", frame.number);
            segments += 1;
        }
        assert!(segments > 0, "{}", scenario.name);
    }
}
