package scoring

import (
	"math"
	"math/rand/v2"

	"github.com/tandem-app/tandem/internal/quiz"
)

// The respondent model of Simulate. Its constants are chosen to look like
// the answers to a short, decent self-report questionnaire, not to fit any
// data: docs/norms.md explains them and what they imply. Changing one
// changes the provisional norms it produced.
const (
	// simLoading is how strongly the person's traits drive an item: the
	// item's propensity, which has variance 1, is multiplied by it.
	simLoading = 1.0
	// simAcquiescenceSD is the spread of acquiescence, a person's tendency
	// to agree with any statement whatever it says. It is small next to
	// the traits, as in most self-report data, and added to every item, so
	// it pulls reverse-keyed items the wrong way.
	simAcquiescenceSD = 0.3
	// simNoiseSD is the spread of everything else that moves one answer:
	// the mood of the day, how the person read the item. With the values
	// above, an item's latent answer has variance 1 + 0.09 + 0.64 = 1.73,
	// of which the traits make up 58%.
	simNoiseSD = 0.8
	// simSpan is the latent answer, in units of the traits' SD, at which
	// the most extreme answer is reached: latent values from -simSpan to
	// +simSpan are spread evenly over min..max, and beyond them clamped.
	// On a 1..5 scale this makes about 8% of the answers a 1, 24% a 2,
	// 36% a 3, 24% a 4 and 8% a 5.
	simSpan = 2.5
	// simSkipOptional is the chance that a person leaves an optional item
	// unanswered. Required items are always answered.
	simSkipOptional = 0.05
	// simStream is the second word of the PCG state: fixed, so that the
	// seed alone decides the answers. It spells "tandem".
	simStream = 0x74616e64656d
)

// The correlated traits of a quiz with a spectrum. The spectrum's poles are
// two pulls (quiz-format.md: "both pulls strong" is a zone of its own), and
// the other scales are read as balances between them, as in the shipped
// quiz, where every item that raises a pole lowers a balance scale.
const (
	// simPullCorrelation is the correlation between the traits of the two
	// poles. It is positive: someone can both cling and withdraw, so the
	// pulls tend to rise together a little instead of being opposites.
	simPullCorrelation = 0.3
	// simBalanceLoading is how far each pull lowers the trait of every
	// other scale: balance = -simBalanceLoading * (left + right) + its own
	// part, scaled to keep variance 1. With the correlation above, a
	// balance trait correlates -0.15 * 1.3 = -0.195 with each pull, and
	// two balance traits 0.0225 * 2.6 = 0.0585 with each other. It is kept
	// small because items that key a pole and a balance at once, as the
	// shipped quiz's do, already tie the scores together: there the
	// simulated codependence and independence scores correlate about 0.5,
	// against 0.3 for the traits (and 0.14 with independent traits).
	simBalanceLoading = 0.15
)

// simSupportShare is the chance that a person answers an item that keys no
// scale (one that only raises a support flag, such as "I am afraid of my
// partner") above the lowest answer; that answer is then drawn evenly from
// the others. Most people are not in danger, so most answer such an item
// at the bottom: on a 1..5 scale, an answer of 4 or more comes from 7.5% of
// people. It is a guess, like the rest of the model, not a prevalence.
const simSupportShare = 0.15

// Simulate returns the answers of n simulated respondents to q, the same
// for the same seed, with this model:
//
//   - every person draws, per scale of q in the quiz's order, a value from
//     N(0, 1), and an acquiescence from N(0, simAcquiescenceSD²);
//   - without a spectrum, those values are the person's traits, one per
//     scale, independent of each other;
//   - with a spectrum, the traits are correlated but each still has
//     variance 1: the left pole's trait is its value zl; the right pole's
//     is rho*zl + sqrt(1 - rho²)*zr, with rho = simPullCorrelation; and
//     every other scale's is -a*(left + right) + sqrt(1 - 2a²(1 + rho))*z,
//     with a = simBalanceLoading, so that it falls as both pulls rise;
//   - an item's propensity is the sum over its keys of sign(w) times the
//     trait of the key's scale, divided by the standard deviation of that
//     sum, so that it has variance 1 however many scales the item keys
//     and however they correlate (without a spectrum that is the square
//     root of the number of keys);
//   - the item's latent answer is simLoading * propensity + acquiescence +
//     noise from N(0, simNoiseSD²), spread evenly over the answer scale so
//     that -simSpan gives min and +simSpan gives max, rounded to the
//     nearest answer and clamped;
//   - an item that keys no scale (it only raises a support flag) is
//     answered min, except with chance simSupportShare, when the answer is
//     drawn evenly from the others; it has nothing to do with the traits;
//   - an optional item is left unanswered with chance simSkipOptional.
//
// The model knows nothing about the content of the items, so it puts the
// average person in the middle of every scale: the means it yields are an
// assumption, and only real answers can replace them.
func Simulate(q *quiz.Quiz, n int, seed uint64) []Answers {
	rng := rand.New(rand.NewPCG(seed, simStream))
	items := q.Items()
	m := newSimModel(q)
	// sd[i] is the standard deviation of item i's summed signed traits.
	sd := make([]float64, len(items))
	for i, it := range items {
		sd[i] = m.sumSD(it.Keys)
	}
	steps := float64(q.Scale.Max - q.Scale.Min)
	traits := make(map[string]float64, len(q.Scales))
	people := make([]Answers, 0, max(n, 0))
	for range n {
		// Draw in a fixed order (the quiz's), never by ranging over a map,
		// so that a seed always gives the same answers.
		for _, s := range q.Scales {
			traits[s.ID] = rng.NormFloat64()
		}
		m.correlate(traits)
		acquiescence := simAcquiescenceSD * rng.NormFloat64()
		answers := make(Answers, len(items))
		for i, it := range items {
			var answer int
			if len(it.Keys) == 0 {
				answer = q.Scale.Min
				if rng.Float64() < simSupportShare {
					answer += 1 + rng.IntN(q.Scale.Max-q.Scale.Min)
				}
			} else {
				var propensity float64
				for _, k := range it.Keys {
					if k.Weight < 0 {
						propensity -= traits[k.Scale]
					} else {
						propensity += traits[k.Scale]
					}
				}
				propensity /= sd[i]
				latent := simLoading*propensity + acquiescence + simNoiseSD*rng.NormFloat64()
				step := math.Round((latent/simSpan + 1) / 2 * steps)
				answer = q.Scale.Min + int(min(max(step, 0), steps))
			}
			if it.Optional && rng.Float64() < simSkipOptional {
				continue
			}
			answers[it.ID] = answer
		}
		people = append(people, answers)
	}
	return people
}

// simModel is how Simulate's traits relate: independent, or, with a
// spectrum, two correlated pulls and balance scales that fall as they rise.
type simModel struct {
	left, right string // the poles; both empty without a spectrum
}

func newSimModel(q *quiz.Quiz) simModel {
	sp := q.Spectrum
	if sp == nil {
		return simModel{}
	}
	// A spectrum naming undeclared scales (never one the loader gave)
	// leaves the traits independent.
	if _, ok := q.ScaleByID(sp.Left); !ok {
		return simModel{}
	}
	if _, ok := q.ScaleByID(sp.Right); !ok {
		return simModel{}
	}
	return simModel{left: sp.Left, right: sp.Right}
}

func (m simModel) correlated() bool { return m.left != "" }

// correlate turns the independent standard normal values in traits, one
// per scale, into the model's traits, in place.
func (m simModel) correlate(traits map[string]float64) {
	if !m.correlated() {
		return
	}
	const rho, a = simPullCorrelation, simBalanceLoading
	left := traits[m.left]
	right := rho*left + math.Sqrt(1-rho*rho)*traits[m.right]
	own := math.Sqrt(1 - 2*a*a*(1+rho))
	// Ranging over the map draws nothing, and each new value depends only
	// on its own old one and the poles', so the order does not matter.
	for id, z := range traits {
		switch id {
		case m.left: // the left pole's trait is its own value
		case m.right:
			traits[id] = right
		default:
			traits[id] = -a*(left+right) + own*z
		}
	}
}

// cov is the covariance of two scales' traits.
func (m simModel) cov(x, y string) float64 {
	if x == y {
		return 1
	}
	if !m.correlated() {
		return 0
	}
	const rho, a = simPullCorrelation, simBalanceLoading
	pole := func(s string) bool { return s == m.left || s == m.right }
	switch {
	case pole(x) && pole(y):
		return rho
	case pole(x) || pole(y):
		return -a * (1 + rho)
	}
	return a * a * 2 * (1 + rho)
}

// sumSD is the standard deviation of the sum over keys of sign(w) times
// the key's trait; 1 without keys, where it divides nothing.
func (m simModel) sumSD(keys []quiz.Key) float64 {
	if len(keys) == 0 {
		return 1
	}
	sign := func(w float64) float64 {
		if w < 0 {
			return -1
		}
		return 1
	}
	var v float64
	for _, j := range keys {
		for _, k := range keys {
			v += sign(j.Weight) * sign(k.Weight) * m.cov(j.Scale, k.Scale)
		}
	}
	return math.Sqrt(v)
}
