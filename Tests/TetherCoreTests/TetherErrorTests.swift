import Foundation
import Testing
import TetherCore

struct TetherErrorTests {
    @Test
    func invalidFieldDetailStartsWithTheFieldName() {
        let error = TetherError.invalidField("serial", "must be 1-64 characters")
        #expect(error.code == "invalid_field")
        #expect(error.kind == .invalidInput)
        #expect(error.field == "serial")
        #expect(error.detail == "serial must be 1-64 characters")
        #expect(error.description == "invalid_field (serial): serial must be 1-64 characters")
    }

    @Test
    func descriptionWithoutAFieldIsCodeAndDetail() {
        #expect(TetherError.unauthenticated.description == "unauthenticated: A valid bearer token is required.")
    }

    @Test(
        arguments: [
            (TetherError.emailTaken, "email_taken", TetherError.Kind.conflict, "email"),
            (.pairingCodeNotFound, "pairing_code_not_found", .notFound, "code"),
            (.pairingCodeExpired, "pairing_code_expired", .gone, "code"),
            (.pairingCodeUsed, "pairing_code_used", .conflict, "code"),
            (.serialTaken, "serial_taken", .conflict, "serial"),
            (.refreshTokenInvalid, "refresh_token_invalid", .unauthenticated, "refresh_token"),
            (.tooManyAttempts(retryAfterSeconds: 60), "too_many_attempts", .rateLimited, "email"),
            (.tooManyRegistrations(retryAfterSeconds: 60), "too_many_attempts", .rateLimited, "email"),
            (.tooManyCredentialFailures(retryAfterSeconds: 60), "too_many_attempts", .rateLimited, nil),
            (.tooManyClaimAttempts(retryAfterSeconds: 60), "too_many_attempts", .rateLimited, "code"),
        ] as [(TetherError, String, TetherError.Kind, String?)]
    )
    func staticMembersHaveStableCodes(error: TetherError, code: String, kind: TetherError.Kind, field: String?) {
        #expect(error.code == code)
        #expect(error.kind == kind)
        #expect(error.field == field)
    }

    @Test
    func rateLimitsCarryTheRetryDelay() {
        #expect(TetherError.tooManyAttempts(retryAfterSeconds: 42).retryAfterSeconds == 42)
        #expect(TetherError.tooManyRegistrations(retryAfterSeconds: 43).retryAfterSeconds == 43)
        #expect(TetherError.tooManyCredentialFailures(retryAfterSeconds: 44).retryAfterSeconds == 44)
        let pairing = TetherError.pairingRateLimited(limitPerHour: 10, retryAfterSeconds: 7)
        #expect(pairing.code == "rate_limited")
        #expect(pairing.retryAfterSeconds == 7)
    }

    @Test
    func problemDetailsCarryCodeFieldAndRetry() throws {
        let problem = ProblemDetails(.tooManyAttempts(retryAfterSeconds: 30), status: 429, title: "Too Many Requests")
        #expect(problem.type == "https://tether.dev/problems/too_many_attempts")
        #expect(problem.status == 429)
        #expect(problem.code == "too_many_attempts")
        #expect(problem.field == "email")
        #expect(problem.retryAfterSeconds == 30)

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(problem)) as? [String: Any]
        #expect(json?["retry_after_s"] as? Int == 30)
        #expect(json?["retryAfterSeconds"] == nil)
        #expect(try JSONDecoder().decode(ProblemDetails.self, from: JSONEncoder().encode(problem)) == problem)
    }
}

struct IdentifierTests {
    @Test
    func randomIdsAreDistinctLowerCaseUUIDs() {
        let ids = (0..<100).map { _ in DeviceID.random() }
        #expect(Set(ids).count == 100)
        for id in ids {
            #expect(id.rawValue == id.rawValue.lowercased())
            #expect(UUID(uuidString: id.rawValue) != nil)
        }
    }

    @Test
    func encodesAsABareString() throws {
        let id = AccountID(rawValue: "acc-1")
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == #"["acc-1"]"#)
        #expect(try JSONDecoder().decode([AccountID].self, from: data) == [id])
    }
}
