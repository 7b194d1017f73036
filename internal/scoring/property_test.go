package scoring_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tandem-app/tandem/internal/quiz"
	"github.com/tandem-app/tandem/internal/scoring"
)

// The property tests run the engine on many random quizzes and answers
// from a fixed seed, so a failure always reproduces; the iteration number
// in the message says which case failed.
const iterations = 400

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x7a6e)) }

// weights mixes simple weights with ones that are not exact in binary,
// where rounding error could push a score past a boundary.
var weights = []float64{1, 1, 1, 2, 0.5, 3, 1.5, 0.1, 0.2, 0.3, 0.7, 0.6, 0.25, 1.1}

func randomWeight(r *rand.Rand) float64 {
	w := weights[r.IntN(len(weights))]
	if r.IntN(8) == 0 {
		w = 0.01 + r.Float64()*4
	}
	if r.IntN(2) == 0 {
		w = -w
	}
	return w
}

// randomQuiz builds a quiz the loader would accept: min < max, every item
// keyed to 1..3 different scales with non-zero weights, every scale keyed,
// results whose last one is the only fallback, bounds within 0..100 with
// min < max, and, usually, a spectrum between two different scales.
func randomQuiz(r *rand.Rand) *quiz.Quiz {
	lo := r.IntN(4) - 2      // -2..1
	hi := lo + 1 + r.IntN(6) // 1..6 steps above
	nScales := 1 + r.IntN(4)
	scales := make([]string, nScales)
	for i := range scales {
		scales[i] = fmt.Sprintf("s%d", i)
	}
	nItems := nScales + r.IntN(9)
	items := make([]quiz.Item, nItems)
	for i := range items {
		nKeys := 1 + r.IntN(min(3, nScales))
		perm := r.Perm(nScales)
		if i < nScales {
			// The first items key each scale once, so none is unkeyed.
			j := slices.Index(perm, i)
			perm[0], perm[j] = perm[j], perm[0]
		}
		var keys []quiz.Key
		for _, s := range perm[:nKeys] {
			keys = append(keys, key(scales[s], randomWeight(r)))
		}
		items[i] = quiz.Item{ID: fmt.Sprintf("i%d", i), Text: "Item", Keys: keys, Optional: r.IntN(3) == 0}
	}
	q := newQuiz(lo, hi, scales, items[:nItems/2]...)
	if nItems/2 < nItems {
		q.Sections = append(q.Sections, quiz.Section{ID: "more", Title: "More", Items: items[nItems/2:]})
	}
	var results []quiz.Result
	for i := range r.IntN(4) {
		var when []quiz.Condition
		for _, s := range r.Perm(nScales)[:1+r.IntN(nScales)] {
			a, b := float64(r.IntN(100)), float64(r.IntN(101))
			switch r.IntN(3) {
			case 0:
				when = append(when, atLeast(scales[s], a))
			case 1:
				when = append(when, below(scales[s], b))
			default:
				if a >= b {
					a, b = b/2, b+1
				}
				when = append(when, between(scales[s], a, min(b, 100)))
			}
		}
		results = append(results, result(fmt.Sprintf("r%d", i), when...))
	}
	q.Results = append(results, fallback())
	if nScales >= 2 && r.IntN(4) > 0 {
		p := r.Perm(nScales)
		q.Spectrum = &quiz.Spectrum{Left: scales[p[0]], Right: scales[p[1]]}
	}
	return q
}

// randomAnswers answers every required item and about two thirds of the
// optional ones. Now and then every answer is the minimum or the maximum,
// where rounding could push a score past 0 or 100.
func randomAnswers(r *rand.Rand, q *quiz.Quiz) scoring.Answers {
	mode := r.IntN(6)
	answers := scoring.Answers{}
	for _, it := range q.Items() {
		if it.Optional && r.IntN(3) == 0 {
			continue
		}
		switch mode {
		case 0:
			answers[it.ID] = q.Scale.Min
		case 1:
			answers[it.ID] = q.Scale.Max
		default:
			answers[it.ID] = q.Scale.Min + r.IntN(q.Scale.Max-q.Scale.Min+1)
		}
	}
	return answers
}

// cloneQuiz copies q deeply, so that a change to the copy, or by Score to
// the original, can be seen.
func cloneQuiz(q *quiz.Quiz) *quiz.Quiz {
	c := *q
	c.Scale.Labels = slices.Clone(q.Scale.Labels)
	c.Scales = slices.Clone(q.Scales)
	for i, s := range c.Scales {
		if s.Norms != nil {
			n := *s.Norms
			c.Scales[i].Norms = &n
		}
	}
	c.Sections = slices.Clone(q.Sections)
	for i, s := range c.Sections {
		c.Sections[i].Items = slices.Clone(s.Items)
		for j, it := range c.Sections[i].Items {
			c.Sections[i].Items[j].Keys = slices.Clone(it.Keys)
		}
	}
	c.Results = slices.Clone(q.Results)
	for i, r := range c.Results {
		c.Results[i].When = slices.Clone(r.When)
		c.Results[i].NextSteps = slices.Clone(r.NextSteps)
	}
	if q.Spectrum != nil {
		sp := *q.Spectrum
		c.Spectrum = &sp
	}
	if q.Map != nil {
		m := *q.Map
		c.Map = &m
	}
	c.Source = slices.Clone(q.Source)
	return &c
}

func cloneAnswers(a scoring.Answers) scoring.Answers {
	c := make(scoring.Answers, len(a))
	for k, v := range a {
		c[k] = v
	}
	return c
}

// answeredKeys lists, for every answered item, its keys.
type answeredKey struct {
	item string
	key  quiz.Key
}

func answeredKeys(q *quiz.Quiz, answers scoring.Answers) []answeredKey {
	var ks []answeredKey
	for _, it := range q.Items() {
		if _, ok := answers[it.ID]; !ok {
			continue
		}
		for _, k := range it.Keys {
			ks = append(ks, answeredKey{it.ID, k})
		}
	}
	return ks
}

func mustScore(tb testing.TB, q *quiz.Quiz, answers scoring.Answers, msg string) scoring.Outcome {
	tb.Helper()
	out, err := scoring.Score(q, answers)
	require.NoError(tb, err, msg)
	return out
}

func TestScore_PropertyMonotone(t *testing.T) {
	// Raising the answer to an item keyed positively to a scale raises
	// that scale's score (Σ|w|(v-min) grows by |w|, the denominator does
	// not change); lowering it lowers the score; negative keys do the
	// opposite. Scales the item does not key do not move at all.
	r := newRand(1)
	checked := 0
	for i := range iterations {
		msg := fmt.Sprintf("iteration %d", i)
		q := randomQuiz(r)
		answers := randomAnswers(r, q)
		ks := answeredKeys(q, answers)
		if len(ks) == 0 {
			continue // every item optional and skipped
		}
		ak := ks[r.IntN(len(ks))]
		before := mustScore(t, q, answers, msg)
		old := answers[ak.item]
		for _, step := range []int{+1, -1} {
			if !q.Scale.Contains(old + step) {
				continue
			}
			changed := cloneAnswers(answers)
			changed[ak.item] = old + step
			after := mustScore(t, q, changed, msg)
			keyed := map[string]float64{}
			for _, it := range q.Items() {
				if it.ID == ak.item {
					for _, k := range it.Keys {
						keyed[k.Scale] = k.Weight
					}
				}
			}
			for j, b := range before.Scales {
				a := after.Scales[j]
				m := fmt.Sprintf("%s, item %s %d -> %d, scale %s", msg, ak.item, old, old+step, b.Scale)
				w, ok := keyed[b.Scale]
				if !ok || b.Score == nil {
					assert.Equal(t, b, a, m)
					continue
				}
				require.NotNil(t, a.Score, m)
				checked++
				if (w > 0) == (step > 0) {
					assert.Greater(t, *a.Score, *b.Score, m)
				} else {
					assert.Less(t, *a.Score, *b.Score, m)
				}
			}
		}
	}
	assert.Greater(t, checked, iterations/2, "too few cases were checked: the generator is off")
}

func TestScore_PropertyReverseKeyingMirrors(t *testing.T) {
	// Flipping the sign of every weight of a scale turns its score s into
	// 100 - s: every keyed value v becomes min + max - v. Other scales do
	// not change.
	r := newRand(2)
	checked := 0
	for i := range iterations {
		msg := fmt.Sprintf("iteration %d", i)
		q := randomQuiz(r)
		answers := randomAnswers(r, q)
		flip := q.Scales[r.IntN(len(q.Scales))].ID
		flipped := cloneQuiz(q)
		for si := range flipped.Sections {
			for ii := range flipped.Sections[si].Items {
				for ki, k := range flipped.Sections[si].Items[ii].Keys {
					if k.Scale == flip {
						flipped.Sections[si].Items[ii].Keys[ki].Weight = -k.Weight
					}
				}
			}
		}
		a := mustScore(t, q, answers, msg)
		b := mustScore(t, flipped, answers, msg)
		for j, sa := range a.Scales {
			sb := b.Scales[j]
			m := msg + ", scale " + sa.Scale
			if sa.Scale != flip || sa.Score == nil {
				assert.Equal(t, sa, sb, m)
				continue
			}
			checked++
			require.NotNil(t, sb.Score, m)
			assert.InDelta(t, 100-*sa.Score, *sb.Score, delta, m)
			assert.Equal(t, sa.Answered, sb.Answered, m)
		}
	}
	assert.Greater(t, checked, iterations/2, "too few cases were checked: the generator is off")
}

func TestScore_PropertyRanges(t *testing.T) {
	// Every score and every position lies within 0..100 exactly, not only
	// up to rounding: they are stored and drawn as they are.
	r := newRand(3)
	for i := range iterations {
		msg := fmt.Sprintf("iteration %d", i)
		q := randomQuiz(r)
		answers := randomAnswers(r, q)
		out := mustScore(t, q, answers, msg)
		require.Len(t, out.Scales, len(q.Scales), msg)
		for j, s := range out.Scales {
			assert.Equal(t, q.Scales[j].ID, s.Scale, msg)
			assert.LessOrEqual(t, s.Answered, s.Items, msg)
			if s.Score != nil {
				assert.GreaterOrEqual(t, *s.Score, 0.0, msg+", scale "+s.Scale)
				assert.LessOrEqual(t, *s.Score, 100.0, msg+", scale "+s.Scale)
			}
		}
		if out.Position != nil {
			assert.GreaterOrEqual(t, *out.Position, 0.0, msg)
			assert.LessOrEqual(t, *out.Position, 100.0, msg)
		}
		_, ok := q.ResultByID(out.Result)
		assert.True(t, ok, "%s: result %q is not in the quiz", msg, out.Result)
	}
}

func TestScore_PropertyExtremes(t *testing.T) {
	// With every item answered at the maximum, a scale keyed only
	// positively scores exactly 100 and one keyed only negatively exactly
	// 0; at the minimum the other way round. Weights like 0.1 and 0.7 must
	// not leave 100.00000000000001 behind.
	r := newRand(4)
	for i := range iterations {
		msg := fmt.Sprintf("iteration %d", i)
		q := randomQuiz(r)
		sign := map[string]int{} // +1 all positive, -1 all negative, 0 mixed
		for _, it := range q.Items() {
			for _, k := range it.Keys {
				s := 1
				if k.Weight < 0 {
					s = -1
				}
				if prev, seen := sign[k.Scale]; seen && prev != s {
					s = 0
				}
				sign[k.Scale] = s
			}
		}
		for _, atMax := range []bool{true, false} {
			answers := scoring.Answers{}
			for _, it := range q.Items() {
				answers[it.ID] = q.Scale.Min
				if atMax {
					answers[it.ID] = q.Scale.Max
				}
			}
			out := mustScore(t, q, answers, msg)
			for _, s := range out.Scales {
				require.NotNil(t, s.Score, msg)
				want := map[int]float64{1: 100, -1: 0}
				if !atMax {
					want = map[int]float64{1: 0, -1: 100}
				}
				if w, ok := want[sign[s.Scale]]; ok {
					assert.Equal(t, w, *s.Score, "%s, scale %s, at max %v", msg, s.Scale, atMax)
				}
			}
		}
	}
}

func TestScore_PropertyMatchesSpec(t *testing.T) {
	// An independent reading of the spec in exact rational arithmetic:
	// keyed values, weighted sums, the null rule, the first result whose
	// conditions hold, and the spectrum position.
	r := newRand(5)
	for i := range iterations {
		msg := fmt.Sprintf("iteration %d", i)
		q := randomQuiz(r)
		answers := randomAnswers(r, q)
		out := mustScore(t, q, answers, msg)

		lo, hi := big.NewRat(int64(q.Scale.Min), 1), big.NewRat(int64(q.Scale.Max), 1)
		want := map[string]*big.Rat{}
		for _, s := range q.Scales {
			num, den := new(big.Rat), new(big.Rat)
			items, answered := 0, 0
			for _, it := range q.Items() {
				for _, k := range it.Keys {
					if k.Scale != s.ID {
						continue
					}
					items++
					a, ok := answers[it.ID]
					if !ok {
						continue
					}
					answered++
					v := big.NewRat(int64(a), 1)
					if k.Weight < 0 {
						v = new(big.Rat).Sub(new(big.Rat).Add(lo, hi), v) // min + max - r
					}
					w := new(big.Rat).SetFloat64(k.Weight)
					w.Abs(w)
					num.Add(num, new(big.Rat).Mul(w, new(big.Rat).Sub(v, lo)))
					den.Add(den, new(big.Rat).Mul(w, new(big.Rat).Sub(hi, lo)))
				}
			}
			if 2*answered < items { // answered < ceil(items/2)
				want[s.ID] = nil
				continue
			}
			score := new(big.Rat).Quo(num, den)
			want[s.ID] = score.Mul(score, big.NewRat(100, 1))
		}
		for _, s := range out.Scales {
			m := msg + ", scale " + s.Scale
			if want[s.Scale] == nil {
				assert.Nil(t, s.Score, m)
				continue
			}
			f, _ := want[s.Scale].Float64()
			assertScore(t, &f, s.Score, m)
		}

		// The first result whose conditions hold, with a margin around each
		// bound: a score within 1e-6 of a bound in exact arithmetic is
		// ambiguous here and skipped, since the engine's tolerance decides.
		wantResult, ambiguous := "", false
	results:
		for _, res := range q.Results {
			holds := true
			for _, c := range res.When {
				s := want[c.Scale]
				if s == nil {
					holds = false
					break
				}
				f, _ := s.Float64()
				near := func(b float64) bool { return f > b-1e-6 && f < b+1e-6 }
				if near(c.Min) || (c.MaxGiven && near(c.Max)) {
					ambiguous = true
					break results
				}
				if f < c.Min || (c.MaxGiven && f >= c.Max) {
					holds = false
				}
			}
			if holds {
				wantResult = res.ID
				break
			}
		}
		if !ambiguous {
			assert.Equal(t, wantResult, out.Result, msg)
		}

		if sp := q.Spectrum; sp != nil && want[sp.Left] != nil && want[sp.Right] != nil {
			// 50 + (right - left) / 2
			p := new(big.Rat).Sub(want[sp.Right], want[sp.Left])
			p.Quo(p, big.NewRat(2, 1)).Add(p, big.NewRat(50, 1))
			f, _ := p.Float64()
			assertScore(t, &f, out.Position, msg)
		} else {
			assert.Nil(t, out.Position, msg)
		}
	}
}

func TestScore_PropertyPureAndDeterministic(t *testing.T) {
	// Score gives the same outcome every time and changes neither the
	// quiz nor the answers.
	r := newRand(6)
	for i := range iterations {
		msg := fmt.Sprintf("iteration %d", i)
		q := randomQuiz(r)
		answers := randomAnswers(r, q)
		if i%4 == 0 && len(answers) > 0 {
			// Invalid answers are refused without changes, too.
			for id := range answers {
				answers[id] = q.Scale.Max + 1
				break
			}
		}
		qBefore, aBefore := cloneQuiz(q), cloneAnswers(answers)
		first, err1 := scoring.Score(q, answers)
		second, err2 := scoring.Score(q, answers)
		assert.Equal(t, first, second, msg)
		assert.Equal(t, err1, err2, msg)
		// A fresh map, filled in another order, gives the same outcome.
		reordered := scoring.Answers{}
		ids := make([]string, 0, len(answers))
		for id := range answers {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		slices.Reverse(ids)
		for _, id := range ids {
			reordered[id] = answers[id]
		}
		third, err3 := scoring.Score(cloneQuiz(q), reordered)
		assert.Equal(t, first, third, msg)
		assert.Equal(t, err1 == nil, err3 == nil, msg)
		assert.Equal(t, qBefore, q, msg)
		assert.Equal(t, aBefore, answers, msg)
	}
}

func TestScore_PropertyOutcomesDoNotShare(t *testing.T) {
	// Two outcomes never share score pointers, so a caller that rounds
	// one for display cannot change the other.
	q := newQuiz(0, 4, []string{"a", "b"}, item("x", key("a", 1)), item("y", key("b", 1)))
	q.Spectrum = &quiz.Spectrum{Left: "a", Right: "b"}
	answers := scoring.Answers{"x": 1, "y": 3}
	first := mustScore(t, q, answers, "first")
	second := mustScore(t, q, answers, "second")
	*first.Scales[0].Score = 0
	*first.Position = 0
	assertScore(t, ptr(25), second.Scales[0].Score) // 1/4 * 100
	assertScore(t, ptr(75), second.Position)        // 50 + (75 - 25)/2
}
