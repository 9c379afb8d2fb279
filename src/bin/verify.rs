//! The verifier's bundle: `/verify`, where an agency checks a certificate.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(jianzheng_app::VerifyApp);
}
