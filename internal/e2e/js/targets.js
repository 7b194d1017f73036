// Controls smaller than 44 by 44 CSS px: buttons, button-like links, the
// answer choices and checkboxes (the label is the target of its input),
// text fields, selects and disclosure summaries. Links inside text are
// excepted, as WCAG 2.5.8 allows.
(() => {
  const small = [];
  const controls = "button, .button, .choice, input:not([type=radio]):not([type=checkbox]):not([type=hidden]), select, summary";
  for (const el of document.querySelectorAll(controls)) {
    if (!el.checkVisibility()) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 43.5 || r.height < 43.5) {
      small.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${el.textContent.trim().slice(0, 30)}" is ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
})()
