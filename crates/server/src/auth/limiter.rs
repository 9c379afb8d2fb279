//! The limit on password tries (a login, or the current password of a
//! password change). A wrong password from one address locks that name
//! from that address only, so a stranger guessing cannot lock the right
//! person out from another; a name guessed at from everywhere is slowed,
//! never locked, and not even slowed from where it logged in before; an
//! address trying many names is stopped. IPv6 clients count by their /64. Each table holds a bounded number of entries and,
//! when full, forgets the least recently tried: memory is bounded and no
//! one is refused because the table is full.

use crate::http::limit_key;
use lru::LruCache;
use std::collections::VecDeque;
use std::net::IpAddr;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed tries of one name from one address (its /64) in [`LOCKOUT`].
const MAX_FAILURES: usize = 5;
/// Failed tries from one address, any names, in [`LOCKOUT`] (an office
/// behind one address has several officers).
const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// Failed tries of one name from everywhere in [`LOCKOUT`] after which its
/// tries are spaced by [`NAME_SPACING`].
const NAME_FREE_FAILURES: usize = 20;
/// Once a name has [`NAME_FREE_FAILURES`], one try of it per this long,
/// from anywhere: at most 450 guesses in a window, and the right person
/// gets in after a few seconds' wait.
const NAME_SPACING: Duration = Duration::from_secs(2);
/// How long a name and address that logged in stay known: a name slowed
/// by guesses from everywhere is not slowed from where it logged in
/// before (the office), so guessers cannot keep the right person out.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// Entries each table holds (about 10 MB in all when full).
const MAX_TRACKED: usize = 50_000;
/// The window failed tries are counted over.
const LOCKOUT: Duration = Duration::from_secs(15 * 60);

/// Why a try was not let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// This name from this address, or this address, failed too often:
    /// wait out the window.
    LockedOut,
    /// This name was tried too often from everywhere: wait a moment.
    Slowed,
}

/// A name's failures from everywhere, and its last try.
#[derive(Debug, Default)]
struct NameTries {
    /// The newest failures, at most [`NAME_FREE_FAILURES`].
    failures: VecDeque<Instant>,
    last: Option<Instant>,
}

#[derive(Debug)]
struct Tries {
    pairs: LruCache<(String, IpAddr), VecDeque<Instant>>,
    addresses: LruCache<IpAddr, VecDeque<Instant>>,
    names: LruCache<String, NameTries>,
    /// When each name last logged in from each address.
    known: LruCache<(String, IpAddr), Instant>,
}

impl Default for Tries {
    fn default() -> Self {
        let bound = NonZeroUsize::new(MAX_TRACKED).expect("not zero");
        Tries {
            pairs: LruCache::new(bound),
            addresses: LruCache::new(bound),
            names: LruCache::new(bound),
            known: LruCache::new(bound),
        }
    }
}

/// Drops the tries older than [`LOCKOUT`] at `now`; how many are left.
fn recent(tries: &mut VecDeque<Instant>, now: Instant) -> usize {
    while tries
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) > LOCKOUT)
    {
        tries.pop_front();
    }
    tries.len()
}

/// Password tries, counted as failures until they succeed.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    tries: Mutex<Tries>,
}

/// One reserved try; dropped without [`Attempt::succeeded`], it stays
/// counted as a failure.
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    name: String,
    address: IpAddr,
    at: Instant,
}

impl Attempt<'_> {
    /// The password was right: this name's failures from this address are
    /// forgotten, and this try counts nowhere.
    pub fn succeeded(self) {
        let mut tries = self.limiter.tries.lock().expect("not poisoned");
        tries.pairs.pop(&(self.name.clone(), self.address));
        tries.known.put((self.name.clone(), self.address), self.at);
        if let Some(recent) = tries.addresses.get_mut(&self.address) {
            recent.retain(|t| *t != self.at);
        }
        if let Some(name) = tries.names.get_mut(&self.name) {
            name.failures.retain(|t| *t != self.at);
        }
    }
}

impl LoginLimiter {
    /// Reserves a try of `name` from `address`, or says why not. Checking
    /// and counting are one step, so of any number of tries made at once
    /// no more than the limits get to a password check.
    pub fn begin(&self, name: &str, address: IpAddr) -> Result<Attempt<'_>, Refused> {
        self.begin_at(name, address, Instant::now())
    }

    fn begin_at(&self, name: &str, address: IpAddr, now: Instant) -> Result<Attempt<'_>, Refused> {
        let address = limit_key(address);
        let pair = (name.to_owned(), address);
        let mut tries = self.tries.lock().expect("not poisoned");
        let by_pair = tries.pairs.get_mut(&pair).map_or(0, |t| recent(t, now));
        let by_address = tries
            .addresses
            .get_mut(&address)
            .map_or(0, |t| recent(t, now));
        if by_pair >= MAX_FAILURES || by_address >= MAX_FAILURES_PER_ADDRESS {
            return Err(Refused::LockedOut);
        }
        let by_name = tries.names.get_mut(name).map(|n| {
            let failures = recent(&mut n.failures, now);
            (failures, n.last)
        });
        let known = tries
            .known
            .get(&pair)
            .is_some_and(|at| now.saturating_duration_since(*at) < KNOWN_FOR);
        if let Some((failures, Some(last))) = by_name {
            if !known
                && failures >= NAME_FREE_FAILURES
                && now.saturating_duration_since(last) < NAME_SPACING
            {
                return Err(Refused::Slowed);
            }
        }
        tries
            .pairs
            .get_or_insert_mut(pair, VecDeque::new)
            .push_back(now);
        tries
            .addresses
            .get_or_insert_mut(address, VecDeque::new)
            .push_back(now);
        let entry = tries
            .names
            .get_or_insert_mut(name.to_owned(), NameTries::default);
        entry.failures.push_back(now);
        if entry.failures.len() > NAME_FREE_FAILURES {
            entry.failures.pop_front();
        }
        entry.last = Some(now);
        Ok(Attempt {
            limiter: self,
            name: name.to_owned(),
            address,
            at: now,
        })
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        let tries = self.tries.lock().expect("not poisoned");
        tries.pairs.len() + tries.addresses.len() + tries.names.len() + tries.known.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    const AWAY: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn failures_from_one_address_lock_that_address_out_not_the_right_person_elsewhere() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.begin("admin", HOME).is_ok());
        }
        assert_eq!(limiter.begin("admin", HOME).err(), Some(Refused::LockedOut));
        let elsewhere = limiter.begin("admin", AWAY).expect("from another address");
        elsewhere.succeeded();
        // Success elsewhere does not unlock the guesser.
        assert_eq!(limiter.begin("admin", HOME).err(), Some(Refused::LockedOut));
        let other = limiter.begin("other", HOME).expect("another name may try");
        other.succeeded();
        assert!(limiter.begin("other", HOME).is_ok());
    }

    #[test]
    fn the_window_ends() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for _ in 0..MAX_FAILURES {
            assert!(limiter.begin_at("admin", HOME, start).is_ok());
        }
        assert!(limiter.begin_at("admin", HOME, start).is_err());
        let later = start + LOCKOUT + Duration::from_secs(1);
        assert!(limiter.begin_at("admin", HOME, later).is_ok());
    }

    #[test]
    fn an_ipv6_client_counts_by_its_64() {
        let limiter = LoginLimiter::default();
        for n in 0..MAX_FAILURES {
            let address: IpAddr = format!("2001:db8:7:7::{n:x}").parse().unwrap();
            assert!(limiter.begin("admin", address).is_ok());
        }
        let same_64: IpAddr = "2001:db8:7:7:ffff::1".parse().unwrap();
        assert_eq!(
            limiter.begin("admin", same_64).err(),
            Some(Refused::LockedOut)
        );
        let next_64: IpAddr = "2001:db8:7:8::1".parse().unwrap();
        assert!(limiter.begin("admin", next_64).is_ok());
    }

    #[test]
    fn a_name_guessed_at_from_everywhere_is_slowed_never_locked() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        let from = |n: u32| IpAddr::V4(Ipv4Addr::from(0x0a01_0000 + n));
        for n in 0..NAME_FREE_FAILURES as u32 {
            assert!(limiter.begin_at("admin", from(n), start).is_ok());
        }
        let next = from(1_000);
        assert_eq!(
            limiter.begin_at("admin", next, start).err(),
            Some(Refused::Slowed)
        );
        // A moment later there is a try again, one per moment.
        let later = start + NAME_SPACING;
        let guess = limiter
            .begin_at("admin", next, later)
            .expect("spaced, not locked");
        drop(guess);
        assert_eq!(
            limiter.begin_at("admin", from(2_000), later).err(),
            Some(Refused::Slowed)
        );
        let right = limiter
            .begin_at("admin", from(3_000), later + NAME_SPACING)
            .expect("the right person gets in after a moment");
        right.succeeded();
    }

    #[test]
    fn guessers_everywhere_do_not_slow_the_right_person_where_they_logged_in_before() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        limiter
            .begin_at("admin", HOME, start)
            .expect("the first login")
            .succeeded();
        let from = |n: u32| IpAddr::V4(Ipv4Addr::from(0x0a02_0000 + n));
        for n in 0..NAME_FREE_FAILURES as u32 {
            assert!(limiter.begin_at("admin", from(n), start).is_ok());
        }
        assert_eq!(
            limiter.begin_at("admin", from(999), start).err(),
            Some(Refused::Slowed)
        );
        // From the office, at once: not slowed.
        assert!(limiter.begin_at("admin", HOME, start).is_ok());
    }

    #[test]
    fn tries_held_at_once_count_before_any_finishes() {
        let limiter = LoginLimiter::default();
        let held: Vec<_> = (0..50)
            .filter_map(|_| limiter.begin("admin", HOME).ok())
            .collect();
        assert_eq!(held.len(), MAX_FAILURES);
    }

    #[test]
    fn a_full_table_forgets_the_oldest_and_refuses_no_one() {
        let limiter = LoginLimiter::default();
        for i in 0..(MAX_TRACKED as u32 + 1_000) {
            let address = IpAddr::V4(Ipv4Addr::from(0x0b00_0000 + i));
            assert!(limiter.begin(&format!("name-{i}"), address).is_ok());
        }
        assert!(limiter.tracked() <= 4 * MAX_TRACKED);
        // The real administrator, from the office, still gets in.
        let attempt = limiter
            .begin("admin", HOME)
            .expect("never refused for a full table");
        attempt.succeeded();
    }

    #[test]
    fn an_address_trying_many_names_is_stopped() {
        let limiter = LoginLimiter::default();
        let allowed = (0..1000)
            .filter(|i| limiter.begin(&format!("name{i}"), HOME).is_ok())
            .count();
        assert_eq!(allowed, MAX_FAILURES_PER_ADDRESS);
        assert!(limiter.begin("name0", AWAY).is_ok());
    }
}
