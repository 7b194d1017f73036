package web

import "strconv"

// The addresses of the site's pages, built in this one place; routes.go
// lists the same paths as patterns. Tokens are secret: a URL with one is
// never logged (see logRequests).

// Fixed pages.
const (
	healthPath    = "/healthz"
	homePath      = "/"
	deletedPath   = "/deleted"
	forgetPath    = "/forget"
	loginPath     = "/login"
	dashboardPath = "/therapist"
	accountPath   = "/therapist/account"
)

// A quiz's intro page, and where its start form posts.
func quizURL(id string) string      { return "/quizzes/" + id }
func quizStartURL(id string) string { return quizURL(id) + "/attempts" }

// An attempt, reached by its secret token: where it resumes, each of its
// pages, and its result.
func attemptURL(token string) string { return "/attempts/" + token }
func sectionURL(token string, page int) string {
	return attemptURL(token) + "/" + strconv.Itoa(page)
}
func resultURL(token string) string { return "/results/" + token }

// A person's page, reached by their secret token, and an attempt on it.
func personURL(token string) string { return "/me/" + token }
func personAttemptURL(token string, id int64) string {
	return personURL(token) + "/attempts/" + formatID(id)
}
func personShareURL(token string, shareID int64) string {
	return personURL(token) + "/shares/" + formatID(shareID)
}

// A therapist's link as their client opens it, and as they manage it.
func shareURL(token string) string { return "/share/" + token }
func linkURL(id int64) string      { return dashboardPath + "/links/" + formatID(id) }

// A therapist's client, and one of the attempts they share.
func clientURL(id int64) string { return dashboardPath + "/clients/" + formatID(id) }
func clientAttemptURL(clientID, attemptID int64) string {
	return clientURL(clientID) + "/attempts/" + formatID(attemptID)
}

// parseID reads a positive decimal id, written the one way we write it.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != s {
		return 0, errNotFound
	}
	return id, nil
}

func formatID(id int64) string { return strconv.FormatInt(id, 10) }
