//! One module per area of the app.

mod check;
mod clerk;
mod declaration;
mod home;
mod not_found;
mod poster;
mod town;
mod town_import;
mod town_letters;
mod town_report;
mod verify;

pub use check::{CheckPage, EntryPage};
pub use clerk::{ClerkPage, PrintPage};
pub use declaration::DeclarationPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use poster::PosterPage;
pub use town::TownPage;
pub use town_import::TownImportPage;
pub use town_letters::TownLettersPage;
pub use town_report::TownReportPage;
pub use verify::VerifyPage;
