// The page's cumulative layout shift since it started loading, from the
// browser's own record: a buffered observer holds every layout-shift
// entry at once, so this needs no timer and works with scripts disabled.
// Shifts right after input do not count, as in the Web Vitals definition.
(() => {
  let cls = 0;
  const sources = [];
  const po = new PerformanceObserver(() => {});
  po.observe({ type: "layout-shift", buffered: true });
  for (const e of po.takeRecords()) {
    if (e.hadRecentInput) continue;
    cls += e.value;
    const moved = (e.sources || []).map((s) => {
      const n = s.node;
      const name = !n
        ? "(gone)"
        : n.nodeType === 1
          ? n.tagName.toLowerCase() + (n.className && n.className.baseVal === undefined ? "." + n.className.trim().replace(/\s+/g, ".") : "")
          : `text "${n.textContent.trim().slice(0, 24)}" in ${n.parentElement ? n.parentElement.tagName.toLowerCase() : "?"}`;
      const [a, b] = [s.previousRect, s.currentRect];
      return `${name} ${Math.round(a.x)},${Math.round(a.y)} ${Math.round(a.width)}×${Math.round(a.height)} → ${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}×${Math.round(b.height)}`;
    });
    sources.push(`at ${Math.round(e.startTime)} ms: ${moved.join("; ")}`);
  }
  po.disconnect();
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByType("paint").map((p) => `${p.name} ${Math.round(p.startTime)}`).join(", ");
  sources.push(
    `(now ${Math.round(performance.now())} ms; ${paint}; DOM ready ${nav ? Math.round(nav.domInteractive) : "?"}, loaded ${nav ? Math.round(nav.loadEventEnd) : "?"} ms)`,
  );
  return { cls, sources, supported: PerformanceObserver.supportedEntryTypes.includes("layout-shift") };
})()
