package scoring

import (
	"math"

	"github.com/tandem-app/tandem/internal/quiz"
)

// ScaleStats describes one scale's scores over many attempts: the figures a
// scale's norms (quiz-format.md) are made of.
type ScaleStats struct {
	Scale string
	// N is the number of attempts in which the scale has a score. Mean and
	// SD, the sample standard deviation (n - 1), describe those 0..100
	// scores exactly as Score computes them. Mean is 0 when N is 0, and SD
	// is 0 when N < 2.
	N        int
	Mean, SD float64
	// Items is k, the number of items keying the scale, and AlphaN the
	// number of attempts that answered all of them: Cronbach's alpha is
	// computed over those attempts only.
	Items  int
	AlphaN int
	// Alpha is Cronbach's alpha, meaningful only when HasAlpha; it is 0
	// otherwise. Alpha is undefined when k < 2, AlphaN < 2 or the total of
	// the items does not vary between attempts. A defined alpha is at most
	// 1 and may be negative: items that disagree with each other.
	Alpha    float64
	HasAlpha bool
}

// Describe computes N, mean, SD and Cronbach's alpha of every scale of q,
// in the quiz's order, over the given attempts. Attempts that Check refuses
// (an unknown item, an answer out of range, a required item missing: for
// example answers given to an older file) are left out of every figure.
//
// Alpha is computed on the items' keyed contributions to the score,
// |w| * (v - min) with v the keyed value, so a weight of 2 counts an item
// twice and a reverse-keyed item is reversed first:
//
//	alpha = k / (k - 1) * (1 - Σ var(item) / var(total))
//
// with sample variances over the attempts that answered every item keying
// the scale.
func Describe(q *quiz.Quiz, attempts []Answers) []ScaleStats {
	type keyed struct {
		item   string
		weight float64
	}
	keys := make(map[string][]keyed, len(q.Scales))
	for _, it := range q.Items() {
		for _, k := range it.Keys {
			keys[k.Scale] = append(keys[k.Scale], keyed{it.ID, k.Weight})
		}
	}
	scores := make([][]float64, len(q.Scales))
	// rows[i] holds, per complete attempt, the contributions of scale i's
	// items, in the order of keys[scale].
	rows := make([][][]float64, len(q.Scales))
	for _, a := range attempts {
		if Check(q, a) != nil {
			continue
		}
		for i, s := range scaleScores(q, a) {
			if s.Score != nil {
				scores[i] = append(scores[i], *s.Score)
			}
		}
	scales:
		for i, s := range q.Scales {
			ks := keys[s.ID]
			row := make([]float64, len(ks))
			for j, k := range ks {
				r, ok := a[k.item]
				if !ok {
					continue scales
				}
				row[j] = contribution(q.Scale, k.weight, r)
			}
			rows[i] = append(rows[i], row)
		}
	}

	stats := make([]ScaleStats, len(q.Scales))
	for i, s := range q.Scales {
		st := &stats[i]
		st.Scale = s.ID
		st.N = len(scores[i])
		var variance float64
		st.Mean, variance = meanVar(scores[i])
		st.SD = math.Sqrt(variance)
		st.Items = len(keys[s.ID])
		st.AlphaN = len(rows[i])
		st.Alpha, st.HasAlpha = cronbach(st.Items, rows[i])
	}
	return stats
}

// contribution is what answer r adds to the numerator of its scale's score
// (quiz-format.md, Scoring, steps 1 and 2): |w| * (v - min).
func contribution(s quiz.AnswerScale, w float64, r int) float64 {
	v := r
	if w < 0 {
		v = s.Min + s.Max - r
	}
	return math.Abs(w) * float64(v-s.Min)
}

// cronbach returns Cronbach's alpha of k items over rows, one row of k
// contributions per attempt, and whether it is defined.
func cronbach(k int, rows [][]float64) (float64, bool) {
	if k < 2 || len(rows) < 2 {
		return 0, false
	}
	totals := make([]float64, len(rows))
	for n, row := range rows {
		for _, x := range row {
			totals[n] += x
		}
	}
	_, totalVar := meanVar(totals)
	// A total that never varies has no reliability to speak of; epsilon
	// absorbs rounding in the mean of identical totals.
	if totalVar <= epsilon {
		return 0, false
	}
	column := make([]float64, len(rows))
	var itemVars float64
	for j := range k {
		for n, row := range rows {
			column[n] = row[j]
		}
		_, v := meanVar(column)
		itemVars += v
	}
	kf := float64(k)
	return kf / (kf - 1) * (1 - itemVars/totalVar), true
}

// meanVar returns the mean and the sample variance (n - 1) of xs, in two
// passes for accuracy; the mean is 0 for no values and the variance 0 for
// fewer than two.
func meanVar(xs []float64) (mean, variance float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, x := range xs {
		d := x - mean
		variance += d * d
	}
	return mean, variance / float64(len(xs)-1)
}
