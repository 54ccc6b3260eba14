// Returns what in this document could still run a payload once someone moved the mouse, focused,
// clicked or submitted: handlers, script-bearing URLs, scripts, bases, refreshes, srcdoc frames,
// plug-ins and style tricks. Only what carries the corpus's marks counts (the platform's own never does).
() => {
  const mark = /__xss|xss\(|(alert|confirm|prompt)\(1\d{3}\)|print\(\)|msgbox|attacker\.invalid|nav-away|popup-|PHNjcmlwd|PHN2Zz|X194c3M/i;
  const scheme = /^[\s\u0000-\u001f]*(j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t|v\s*b\s*s\s*c\s*r\s*i\s*p\s*t|d\s*a\s*t\s*a)\s*:/i;
  const found = [];
  const describe = (el, what) => found.push(`${el.tagName.toLowerCase()} ${what}`.slice(0, 160));
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith("on") && mark.test(value)) describe(el, `${name}=${value}`);
      else if (scheme.test(value) && (mark.test(value) || /base64/.test(value))) describe(el, `${name}=${value}`);
      else if (name === "srcdoc") describe(el, `srcdoc=${value}`);
      else if (name === "style" && /expression|javascript|url\(|binding|behavior/i.test(value) && mark.test(value)) {
        describe(el, `style=${value}`);
      } else if (["action", "formaction"].includes(name) && mark.test(value)) describe(el, `${name}=${value}`);
    }
    if ((tag === "script" || tag === "style") && mark.test(el.textContent)) describe(el, el.textContent);
    if (tag === "base" || (tag === "meta" && /refresh/i.test(el.getAttribute("http-equiv") || ""))) {
      describe(el, el.outerHTML);
    }
    if (["object", "embed", "applet", "frameset", "frame"].includes(tag)) describe(el, el.outerHTML);
    if (el.namespaceURI !== "http://www.w3.org/1999/xhtml" && tag !== "svg" && mark.test(el.outerHTML)) {
      describe(el, el.outerHTML);
    }
  }
  if (document.baseURI !== document.URL.split("#")[0] && !document.baseURI.startsWith(location.origin)) {
    found.push("base URI " + document.baseURI);
  }
  return found;
}
