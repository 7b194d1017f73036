// axe-core cannot decide the contrast of text drawn in SVG ("contains an
// image node"), so this measures it: each text of a chart, and each
// marker, against what is painted under its middle: the last filled shape
// of the same chart drawn before it, else the background of the nearest
// element that has one. A marker is seen by its fill; a hollow one (class
// hollow, or no fill) by its outline, its stroke. Text needs 4.5:1 (3:1
// when large), a marker 3:1 (WCAG 1.4.3 and 1.4.11). Returns what falls
// short, one line each.
(() => {
  const rgb = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c || "");
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const inside = (pt, r) => pt.x >= r.left && pt.x <= r.right && pt.y >= r.top && pt.y <= r.bottom;
  const shapes = "rect, circle, ellipse, path, polygon";

  const background = (el, svg) => {
    const box = el.getBoundingClientRect();
    const mid = { x: box.left + box.width / 2, y: box.top + box.height / 2 };
    let under = null;
    for (const s of svg.querySelectorAll(shapes)) {
      if (s === el) break;
      if (s.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) break;
      const fill = rgb(getComputedStyle(s).fill);
      if (fill && fill.a > 0 && inside(mid, s.getBoundingClientRect())) under = fill;
    }
    if (under) return under;
    for (let e = svg.parentElement; e; e = e.parentElement) {
      const bg = rgb(getComputedStyle(e).backgroundColor);
      if (bg && bg.a > 0) return bg;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };

  const problems = [];
  for (const svg of document.querySelectorAll("svg")) {
    if (svg.getAttribute("aria-hidden") === "true" && !svg.querySelector("text")) continue;
    const scale = svg.getBoundingClientRect().width / (svg.viewBox.baseVal.width || 1);
    for (const el of svg.querySelectorAll("text, .marker")) {
      const cs = getComputedStyle(el);
      const fill = rgb(cs.fill);
      const hollow = el.tagName !== "text" && (el.classList.contains("hollow") || !fill || fill.a === 0);
      const color = hollow ? (parseFloat(cs.strokeWidth) > 0 ? rgb(cs.stroke) : null) : fill;
      if (!color) {
        if (hollow) problems.push("hollow marker in a chart without an outline");
        continue;
      }
      const bg = background(el, svg);
      const r = ratio(color, bg);
      let need = 3;
      if (el.tagName === "text") {
        const px = parseFloat(cs.fontSize) * scale;
        const bold = parseInt(cs.fontWeight, 10) >= 700;
        need = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
      }
      if (r < need) {
        const what = el.tagName === "text" ? `text "${el.textContent.trim()}"` : hollow ? "hollow marker" : "marker";
        const paint = hollow ? cs.stroke : cs.fill;
        problems.push(`${what} in a chart: contrast ${r.toFixed(2)}:1, needs ${need}:1 (${paint} on rgb(${bg.r}, ${bg.g}, ${bg.b}))`);
      }
    }
  }
  return problems;
})()
