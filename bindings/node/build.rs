//! Links the module as a Node addon.
fn main() {
    napi_build::setup();
}
