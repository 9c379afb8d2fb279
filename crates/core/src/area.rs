//! The areas of the app. Each ships as its own bundle (its own HTML
//! shell, JS glue and wasm), so a resident's phone downloads the check and
//! nothing of the clerk's tablet or the town's pages. The server answers a
//! route with its area's shell; the app links across areas with a full page
//! load and within one with the router.

/// An area of the app, with its own bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Area {
    /// The public pages: the landing page, the check, each item's page
    /// and its declaration form.
    Resident,
    /// The clerk's tablet view under `/clerk`.
    Clerk,
    /// The town's pages under `/town`.
    Town,
    /// `/verify`, where an agency checks a village certificate: its own
    /// bundle, so that a resident's check never carries the signature
    /// checks and the camera decoder.
    Verify,
    /// `/poster`, the notice-board poster a village prints (a QR code to
    /// the check and its lists): its own bundle, so that a resident's phone
    /// never carries the QR encoder for a page it scans but never prints.
    Poster,
}

impl Area {
    /// Every area.
    pub const ALL: [Area; 5] = [
        Area::Resident,
        Area::Clerk,
        Area::Town,
        Area::Verify,
        Area::Poster,
    ];

    /// The area that serves `path` (an address path, without query): `/clerk`
    /// and everything under it is the clerk's, `/town` the town's, `/verify`
    /// the verifier's, `/poster` the poster's, every other route (an unknown
    /// one too) the public area's.
    pub fn of_path(path: &str) -> Area {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "clerk" => Area::Clerk,
            "town" => Area::Town,
            "verify" => Area::Verify,
            "poster" => Area::Poster,
            _ => Area::Resident,
        }
    }

    /// The file name of the area's HTML shell in the built app.
    pub fn shell(self) -> &'static str {
        match self {
            Area::Resident => "index.html",
            Area::Clerk => "clerk.html",
            Area::Town => "town.html",
            Area::Verify => "verify.html",
            Area::Poster => "poster.html",
        }
    }

    /// The name of the area's binary, which Trunk also gives its JS and wasm
    /// (`<bin>-<hash>.js`, `<bin>-<hash>_bg.wasm`).
    pub fn bin(self) -> &'static str {
        match self {
            Area::Resident => "jianzheng-resident",
            Area::Clerk => "jianzheng-clerk",
            Area::Town => "jianzheng-town",
            Area::Verify => "jianzheng-verify",
            Area::Poster => "jianzheng-poster",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_fall_to_their_area_by_first_segment() {
        for (path, area) in [
            ("/", Area::Resident),
            ("", Area::Resident),
            ("/check", Area::Resident),
            // The poster's old address, which sends the browser on to /poster.
            ("/check/poster", Area::Resident),
            ("/poster", Area::Poster),
            ("/check/B-01", Area::Resident),
            ("/no-such-page", Area::Resident),
            ("/clerk", Area::Clerk),
            ("/clerk/", Area::Clerk),
            ("/clerk/print/12", Area::Clerk),
            ("/town", Area::Town),
            ("/town/import", Area::Town),
            ("/verify", Area::Verify),
            ("/verifying", Area::Resident),
            // A segment that only starts like an area is not that area.
            ("/clerkship", Area::Resident),
            ("/townhall/x", Area::Resident),
        ] {
            assert_eq!(Area::of_path(path), area, "{path}");
        }
    }

    #[test]
    fn every_area_has_its_own_shell_and_binary() {
        let shells: std::collections::HashSet<_> = Area::ALL.iter().map(|a| a.shell()).collect();
        let bins: std::collections::HashSet<_> = Area::ALL.iter().map(|a| a.bin()).collect();
        assert_eq!(shells.len(), Area::ALL.len());
        assert_eq!(bins.len(), Area::ALL.len());
        // A directory request ("/") is answered with index.html by any static server.
        assert_eq!(Area::of_path("/").shell(), "index.html");
    }
}
