//! One module per area of the app.

mod check;
mod clerk;
mod home;
mod not_found;
mod town;

pub use check::CheckPage;
pub use clerk::ClerkPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use town::TownPage;
