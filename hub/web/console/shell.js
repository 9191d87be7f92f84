// What every view may ask of the page around it: go to another view, tell the user something.

/** Go to `#/<route>/<params...>`; the router renders it. */
export function navigate(route, ...params) {
  location.hash = `#/${[route, ...params.map((p) => encodeURIComponent(p))].join("/")}`;
}

/** Show `text` in the notice bar (an error unless `kind` is "info"); empty text hides it. */
export function notify(text, kind) {
  const bar = document.getElementById("notice");
  bar.textContent = text || "";
  bar.className = kind === "info" ? "info" : "error";
  bar.hidden = !text;
}

/** An element with attributes and children; strings become text (never HTML). */
export function h(tag, attributes, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}
