//! The clerk's bundle: the tablet view under `/clerk`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(jianzheng_app::ClerkApp);
}
