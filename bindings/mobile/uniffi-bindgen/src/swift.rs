//! `uniffi-bindgen-swift`: Swift sources, the C header and the modulemap of medsched-mobile
//! (`--swift-sources`, `--headers`, `--modulemap`, `--xcframework`).

fn main() {
    uniffi::uniffi_bindgen_swift()
}
