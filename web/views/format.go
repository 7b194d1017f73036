package views

import (
	"context"
	"math"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// length says how long a quiz is: questions, and minutes when known.
func length(ctx context.Context, q QuizCard) string {
	items := N(ctx, "quiz.items", q.Items)
	if q.Minutes == 0 {
		return items
	}
	return T(ctx, "quiz.length", "Items", items, "Minutes", N(ctx, "quiz.minutes", q.Minutes))
}

func itoa(n int) string { return strconv.Itoa(n) }

// whole rounds a score down to a whole number for display (the spec
// stores scores unrounded and shows them whole). Down, so that no score
// shown reaches a cut or a result's bound that the exact score does not:
// 59.6 with a cut of 60 reads 59, below it, as the page says. The small
// allowance keeps a score that is whole but for floating-point error,
// such as 64.99999999999999, at its whole value.
func whole(f float64) int { return int(math.Floor(f + 1e-9)) }

// coord formats an SVG coordinate compactly.
func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// Trend charts plot attempts evenly from left to right: the order matters
// more than the days between them, and fifty attempts still fit.
const (
	trendLeft, trendRight = 50.0, 300.0
	trendTop, trendBottom = 10.0, 100.0
)

func trendX(i, n int) float64 {
	if n < 2 {
		return (trendLeft + trendRight) / 2
	}
	return trendLeft + (trendRight-trendLeft)*float64(i)/float64(n-1)
}

func trendY(v float64) float64 { return trendBottom - (trendBottom-trendTop)*v/100 }

// cutLine is the line from which a pull is strong, across a trend chart
// of attempts: each attempt's own file's cut, stepping halfway between two
// attempts where versions changed it, from x0 to x1.
func cutLine(points []PullPoint, x0, x1 float64) string {
	var b strings.Builder
	n := len(points)
	for i, p := range points {
		from, to := x0, x1
		if i > 0 {
			from = (trendX(i-1, n) + trendX(i, n)) / 2
		}
		if i < n-1 {
			to = (trendX(i, n) + trendX(i+1, n)) / 2
		}
		y := coord(trendY(p.Cut))
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(coord(from) + "," + y + " " + coord(to) + "," + y)
	}
	return b.String()
}

// trendLine joins the points that have a value, as value reads it.
func trendLine[P any](points []P, value func(P) *float64) string {
	var b strings.Builder
	count := 0
	for i, p := range points {
		v := value(p)
		if v == nil {
			continue
		}
		if count > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(coord(trendX(i, len(points))) + "," + coord(trendY(*v)))
		count++
	}
	if count < 2 {
		return ""
	}
	return b.String()
}

func valueOf(p TrendPoint) *float64 { return p.Value }
func leftOf(p PullPoint) *float64   { return p.Left }
func rightOf(p PullPoint) *float64  { return p.Right }

// trendSummary says in words what the chart shows.
func trendSummary(ctx context.Context, t Trend) string {
	var first, last *float64
	for _, p := range t.Points {
		if p.Value != nil {
			if first == nil {
				first = p.Value
			}
			last = p.Value
		}
	}
	switch {
	case first == nil:
		return T(ctx, "chart.trend.none")
	case len(t.Points) == 1:
		return T(ctx, "chart.trend.one", "Value", whole(*first))
	}
	return N(ctx, "chart.trend.summary", len(t.Points), "First", whole(*first), "Last", whole(*last))
}

// pullTrendSummary says where the first and the latest attempts were.
func pullTrendSummary(ctx context.Context, t PullTrend) string {
	var first, last *PullPoint
	for i := range t.Points {
		if t.Points[i].Zone != "" {
			if first == nil {
				first = &t.Points[i]
			}
			last = &t.Points[i]
		}
	}
	switch {
	case first == nil:
		return T(ctx, "chart.trend.none")
	case len(t.Points) == 1:
		return zoneText(ctx, first.Zone, t.Left, t.Right)
	}
	return N(ctx, "chart.pulls.summary", len(t.Points),
		"First", zoneText(ctx, first.Zone, t.Left, t.Right), "Last", zoneText(ctx, last.Zone, t.Left, t.Right))
}

// zoneText names a zone in words.
func zoneText(ctx context.Context, zone, left, right string) string {
	switch zone {
	case zoneMiddle:
		return T(ctx, "zone.middle")
	case zoneLeft:
		return T(ctx, "zone.left", "Left", left)
	case zoneRight:
		return T(ctx, "zone.right", "Right", right)
	case zoneBoth:
		return T(ctx, "zone.both")
	}
	return T(ctx, "zone.none")
}

func scoreText(ctx context.Context, s *float64) string {
	if s == nil {
		return T(ctx, "result.score.none")
	}
	return itoa(whole(*s))
}

func join(names []string) string { return strings.Join(names, ", ") }

// quotedOr lists titles in quotation marks, the last joined by "or":
// “A”, “B” or “C”.
func quotedOr(ctx context.Context, titles []string) string {
	q := make([]string, len(titles))
	for i, t := range titles {
		q[i] = T(ctx, "list.quoted", "Text", t)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return T(ctx, "list.or", "Rest", strings.Join(q[:len(q)-1], ", "), "Last", q[len(q)-1])
}

// describedBy ties a field to its problem and hint, those it has.
func describedBy(name, hint, problem string) templ.Attributes {
	var ids []string
	if problem != "" {
		ids = append(ids, "e-"+name)
	}
	if hint != "" {
		ids = append(ids, "h-"+name)
	}
	if len(ids) == 0 {
		return nil
	}
	return templ.Attributes{"aria-describedby": strings.Join(ids, " ")}
}

// invalid marks a field whose value has a problem, for assistive
// technology; a bare aria-invalid would mean false.
func invalid(problem string) templ.Attributes {
	if problem == "" {
		return nil
	}
	return templ.Attributes{"aria-invalid": "true"}
}

// count is 1 for a message that is there, 0 for none.
func count(message string) int {
	if message == "" {
		return 0
	}
	return 1
}

// formTitle is a form page's title, which says first that something needs
// attention when it does (problems > 0), as question pages do.
func formTitle(ctx context.Context, title string, problems int) string {
	if problems > 0 {
		return T(ctx, "section.error.prefix") + " " + title
	}
	return title
}
