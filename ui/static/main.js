// Loads the Yew app compiled to WebAssembly (ui.js and ui_bg.wasm come from wasm-bindgen).
import init from "./ui.js";

init().catch((error) => {
  document.body.textContent = `Switchboard could not start its interface: ${error}`;
});
