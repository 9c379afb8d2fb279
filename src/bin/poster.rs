//! The poster's bundle: `/poster`, the notice-board poster a village prints.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(jianzheng_app::PosterApp);
}
