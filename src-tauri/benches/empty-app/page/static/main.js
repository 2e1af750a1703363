// Loads the page compiled to WebAssembly (page.js and page_bg.wasm come from wasm-bindgen).
import init from "./page.js";

init();
