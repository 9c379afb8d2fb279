//! The resident's bundle: the landing page and the public check pages.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(jianzheng_app::ResidentApp);
}
