// Added to every frame before its own scripts: any payload that runs reports itself on the console,
// which the test reads from every frame. Dialogs, printing and pop-ups count as running too.
(() => {
  const report = (kind, value) => console.log("XSS-HIT " + kind + " " + String(value));
  const detector = (id) => report("call", id);
  Object.defineProperty(window, "__xss", { value: detector, writable: false, configurable: false });
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    window[name] = (value) => report(name, value);
  }
  window.open = (url) => { report("open", url); return null; };
})();
