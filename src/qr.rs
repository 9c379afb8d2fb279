//! QR codes: drawing them as SVG, and reading them from the camera in the
//! browser (frames through a canvas to grey levels, decoded in WASM by quircs, a port of quirc:
//! rqrr, another port, carried a 64 KB multiplication table).

use crate::i18n::use_i18n;
use jianzheng_core::i18n::Msg;
use leptos::html;
use leptos::prelude::*;
use qrcode::bits::Bits;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode, Version};
use wasm_bindgen::JsCast;

/// Any text as an SVG QR code of at least `min_px` pixels a side.
pub fn text_svg(text: &str, min_px: u32) -> String {
    QrCode::new(text.as_bytes())
        .map(|code| render(&code, min_px))
        .unwrap_or_default()
}

/// A piece of a report (base45, the QR alphanumeric alphabet) as one
/// alphanumeric segment at level M in the smallest version that holds it,
/// never above 20; `None` if it does not fit.
pub fn piece_svg(piece: &str, min_px: u32) -> Option<String> {
    (1..=20).find_map(|v| {
        let mut bits = Bits::new(Version::Normal(v));
        bits.push_alphanumeric_data(piece.as_bytes()).ok()?;
        bits.push_terminator(EcLevel::M).ok()?;
        QrCode::with_bits(bits, EcLevel::M)
            .ok()
            .map(|code| render(&code, min_px))
    })
}

fn render(code: &QrCode, min_px: u32) -> String {
    code.render::<svg::Color>()
        .min_dimensions(min_px, min_px)
        .quiet_zone(true)
        .build()
}

/// How often a camera frame is read.
const FRAME_MS: u32 = 250;

/// A camera view that reads QR codes and passes each text it reads to
/// `on_text` (the same code is passed again while it stays in view).
/// The camera is released when the scanner goes away.
#[component]
pub fn Scanner(on_text: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let video = NodeRef::<html::Video>::new();
    let error = RwSignal::new(None::<String>);
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    let ticker = StoredValue::new_local(None::<gloo_timers::callback::Interval>);
    Effect::new(move |_| {
        let Some(video) = video.get() else { return };
        leptos::task::spawn_local(async move {
            match open_camera().await {
                Ok(media) => {
                    video.set_src_object(Some(&media));
                    let _ = video.play();
                    stream.set_value(Some(media));
                    let frames = gloo_timers::callback::Interval::new(FRAME_MS, move || {
                        for text in read_frame(&video) {
                            on_text.run(text);
                        }
                    });
                    ticker.set_value(Some(frames));
                }
                Err(err) => error.set(Some(err)),
            }
        });
    });
    on_cleanup(move || {
        ticker.set_value(None);
        if let Some(media) = stream.get_value() {
            for track in media.get_tracks().iter() {
                track.unchecked_into::<web_sys::MediaStreamTrack>().stop();
            }
        }
    });
    view! {
        <div class="scanner">
            <video node_ref=video class="scanner-video" autoplay=true muted=true playsinline=true></video>
            {move || error.get().map(|e| view! {
                <p class="error" role="alert">{i18n.t(Msg::CameraUnavailable)}{e}</p>
            })}
        </div>
    }
}

async fn open_camera() -> Result<web_sys::MediaStream, String> {
    let devices = window()
        .navigator()
        .media_devices()
        .map_err(|e| format!("{e:?}"))?;
    let constraints = web_sys::MediaStreamConstraints::new();
    let video = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&video, &"facingMode".into(), &"environment".into());
    constraints.set_video(&video);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|e| format!("{e:?}"))?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|m| m.unchecked_into())
        .map_err(|e| {
            js_sys::Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_else(|| format!("{e:?}"))
        })
}

/// The texts of every QR code in the video's current frame.
fn read_frame(video: &web_sys::HtmlVideoElement) -> Vec<String> {
    let (w, h) = (video.video_width(), video.video_height());
    if w == 0 || h == 0 {
        return vec![];
    }
    let Some(canvas) = document()
        .create_element("canvas")
        .ok()
        .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
    else {
        return vec![];
    };
    canvas.set_width(w);
    canvas.set_height(h);
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return vec![];
    };
    if ctx
        .draw_image_with_html_video_element(video, 0.0, 0.0)
        .is_err()
    {
        return vec![];
    }
    let Ok(pixels) = ctx.get_image_data(0.0, 0.0, f64::from(w), f64::from(h)) else {
        return vec![];
    };
    let rgba = pixels.data();
    let (w, h) = (w as usize, h as usize);
    let luma: Vec<u8> = rgba
        .chunks_exact(4)
        .map(|p| ((u32::from(p[0]) * 77 + u32::from(p[1]) * 150 + u32::from(p[2]) * 29) >> 8) as u8)
        .collect();
    let mut decoder = quircs::Quirc::default();
    decoder
        .identify(w, h, &luma)
        .filter_map(|code| code.ok()?.decode().ok())
        .filter_map(|data| String::from_utf8(data.payload).ok())
        .collect()
}
