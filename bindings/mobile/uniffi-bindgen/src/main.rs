//! `uniffi-bindgen`: generates the Kotlin (or Swift) sources of medsched-mobile from the
//! built library (`generate --library target/…/libmedsched_mobile.so --language kotlin`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
