// Checks the structure every Tandem page promises, and returns what is
// wrong, one sentence each: one h1; header, main and footer landmarks; a
// skip link to main first in the page; every radio group in a fieldset
// with a legend, every radio labelled; every chart a named image with a
// visible text equivalent, or hidden as decoration; no inline code.
(() => {
  const problems = [];
  const all = (sel, root = document) => [...root.querySelectorAll(sel)];
  const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");
  const byIDs = (ids) =>
    (ids || "").split(/\s+/).filter(Boolean).map((id) => document.getElementById(id));

  const h1 = all("h1");
  if (h1.length !== 1) problems.push(`${h1.length} h1 elements, want 1`);
  else if (!text(h1[0])) problems.push("the h1 is empty");

  // Landmarks: a header and a footer that are the page's own (children of
  // body, so banner and contentinfo), and one main.
  if (all("body > header").length !== 1) problems.push("no single header (banner) landmark");
  if (all("main").length !== 1) problems.push("no single main landmark");
  if (all("body > footer").length !== 1) problems.push("no single footer (contentinfo) landmark");

  const main = document.querySelector("main");
  const skip = document.body.firstElementChild;
  if (!skip || skip.tagName !== "A" || skip.getAttribute("href") !== "#" + (main && main.id)) {
    problems.push("the first element of the page is not a skip link to main");
  } else if (!text(skip)) {
    problems.push("the skip link has no text");
  } else if (main.tabIndex !== -1) {
    problems.push("main cannot take focus from the skip link (tabindex=-1)");
  }

  const groups = new Map();
  for (const r of all("input[type=radio]")) {
    if (!groups.has(r.name)) groups.set(r.name, []);
    groups.get(r.name).push(r);
    if (r.labels.length !== 1 || !text(r.labels[0])) problems.push(`radio ${r.id} has no label of its own`);
  }
  for (const [name, radios] of groups) {
    const fs = radios[0].closest("fieldset");
    if (!fs) {
      problems.push(`radio group ${name} is not in a fieldset`);
      continue;
    }
    const legend = fs.querySelector(":scope > legend");
    if (!legend || !text(legend)) problems.push(`the fieldset of ${name} has no legend`);
    if (radios.some((r) => r.closest("fieldset") !== fs)) problems.push(`radio group ${name} is split across fieldsets`);
    if (all("input[type=radio]", fs).some((r) => r.name !== name)) problems.push(`the fieldset of ${name} holds other groups too`);
  }

  for (const svg of all("svg")) {
    if (svg.getAttribute("aria-hidden") === "true") continue;
    const where = svg.closest("[data-testid]");
    const label = where ? where.getAttribute("data-testid") : svg.className.baseVal;
    if (svg.getAttribute("role") !== "img") problems.push(`chart ${label} is neither an image (role=img) nor hidden`);
    const name = byIDs(svg.getAttribute("aria-labelledby")).map(text).join(" ").trim() || (svg.getAttribute("aria-label") || "").trim();
    if (!name) problems.push(`chart ${label} has no name`);
    const desc = byIDs(svg.getAttribute("aria-describedby"));
    if (!desc.length || desc.some((d) => !d || !text(d))) {
      problems.push(`chart ${label} has no description (aria-describedby)`);
    } else if (desc.some((d) => svg.contains(d) || !d.checkVisibility())) {
      problems.push(`chart ${label}: its text equivalent is not visible next to it`);
    }
  }

  if (all("[style]").length) problems.push("inline style attributes (a strict CSP refuses them)");
  if (all("script:not([src])").length) problems.push("inline scripts (a strict CSP refuses them)");
  if (document.fonts.size) problems.push(`${document.fonts.size} web fonts declared`);
  return problems;
})()
