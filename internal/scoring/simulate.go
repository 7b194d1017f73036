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
//   - every person has a trait per scale of q, drawn from N(0, 1),
//     independently of the other scales, and an acquiescence drawn from
//     N(0, simAcquiescenceSD²);
//   - an item's propensity is the sum over its keys of sign(w) times the
//     trait of the key's scale, divided by the square root of the number
//     of keys so that it has variance 1 however many scales the item keys;
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
	steps := float64(q.Scale.Max - q.Scale.Min)
	traits := make(map[string]float64, len(q.Scales))
	people := make([]Answers, 0, max(n, 0))
	for range n {
		// Draw in a fixed order (the quiz's), never by ranging over a map,
		// so that a seed always gives the same answers.
		for _, s := range q.Scales {
			traits[s.ID] = rng.NormFloat64()
		}
		acquiescence := simAcquiescenceSD * rng.NormFloat64()
		answers := make(Answers, len(items))
		for _, it := range items {
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
				propensity /= math.Sqrt(float64(len(it.Keys)))
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
