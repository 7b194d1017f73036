// What still moves once the person asked for reduced motion: elements or
// pseudo-elements with an animation or a transition that takes time,
// running animations, and smooth scrolling.
(() => {
  const moving = [];
  const takesTime = (list) =>
    list.split(",").some((v) => parseFloat(v) * (v.trim().endsWith("ms") ? 0.001 : 1) > 0);
  const describe = (el, pseudo) =>
    el.tagName.toLowerCase() + (el.classList.length ? "." + [...el.classList].join(".") : "") + (pseudo || "");
  for (const el of document.querySelectorAll("*")) {
    for (const pseudo of [null, "::before", "::after", "::marker"]) {
      const cs = getComputedStyle(el, pseudo);
      if (cs.animationName !== "none" && takesTime(cs.animationDuration)) moving.push(`${describe(el, pseudo)} animates`);
      if (cs.transitionProperty !== "none" && takesTime(cs.transitionDuration)) moving.push(`${describe(el, pseudo)} has a transition`);
    }
  }
  if (getComputedStyle(document.documentElement).scrollBehavior === "smooth") moving.push("smooth scrolling");
  for (const a of document.getAnimations()) moving.push(`a running animation on ${describe(a.effect.target)}`);
  return moving;
})()
