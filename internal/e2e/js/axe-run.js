// Runs axe-core (already injected) on the whole page for WCAG 2.2 A and
// AA, and returns the violations and the checks it could not decide.
axe
  .run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    resultTypes: ["violations", "incomplete"],
  })
  .then((r) => ({
    violations: r.violations.map((v) => ({
      id: v.id,
      impact: v.impact || "",
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.join(" "),
        html: n.html,
        summary: n.failureSummary || "",
      })),
    })),
    incomplete: r.incomplete.map((v) => v.id + " ×" + v.nodes.length),
  }))
