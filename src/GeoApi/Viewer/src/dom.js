// Small helpers over the page's elements.

/** The element with this id. */
export const $ = (id) => document.getElementById(id);

/** An element with text content (never markup) and optional attributes. */
export function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = `${text}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('data-')) e.dataset[k.slice(5).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = v;
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  return e;
}

/** A geometry's bounds as [[west, south], [east, north]]. */
export function bounds(geometry) {
  const b = [[Infinity, Infinity], [-Infinity, -Infinity]];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0][0] = Math.min(b[0][0], c[0]); b[0][1] = Math.min(b[0][1], c[1]);
      b[1][0] = Math.max(b[1][0], c[0]); b[1][1] = Math.max(b[1][1], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return b;
}

/** Map padding that keeps a place in view above the phone's bottom sheet (none on wider screens). */
export function sheetPadding() {
  const panel = document.getElementById('panel');
  const phone = window.matchMedia('(max-width: 640px)').matches;
  return { top: 0, left: 0, right: 0, bottom: phone ? panel.getBoundingClientRect().height : 0 };
}
