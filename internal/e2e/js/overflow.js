// Whether the page scrolls sideways at the current viewport, and which
// elements stick out past its right edge (those inside their own scroll
// container, such as a wide table, excepted: WCAG 1.4.10 allows them).
(() => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  const describe = (el) =>
    el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const offenders = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 0.5 || !el.checkVisibility()) continue;
    let scrolls = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") {
        scrolls = true;
        break;
      }
    }
    if (!scrolls) offenders.push(`${describe(el)} ends at ${Math.round(r.right)}px`);
  }
  return { scrollWidth: doc.scrollWidth, clientWidth: width, offenders: offenders.slice(0, 8) };
})()
