//! The town's bundle: its pages under `/town`.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(jianzheng_app::TownApp);
}
