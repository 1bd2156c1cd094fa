import Testing
import TetherCore

struct PasswordPolicyTests {
    @Test(arguments: [
        "0123456789",
        "correct horse battery staple",
        "éééééééééé",
        String(repeating: "x", count: 72),
        String(repeating: "ü", count: 36),
    ])
    func acceptsPasswordsWithinTheLimits(password: String) {
        #expect(thrownError { try PasswordPolicy.validate(password) } == nil)
    }

    @Test(arguments: ["", "a", "123456789", "ééééééééé"])
    func rejectsPasswordsShorterThanTenCharacters(password: String) {
        let error = thrownError { try PasswordPolicy.validate(password) }
        #expect(error?.field == "password")
        #expect(error?.detail == "password must be at least 10 characters")
    }

    @Test(arguments: [
        String(repeating: "x", count: 73),
        String(repeating: "ü", count: 37),
        String(repeating: "🔑", count: 19),
    ])
    func rejectsPasswordsOverSeventyTwoBytes(password: String) {
        let error = thrownError { try PasswordPolicy.validate(password) }
        #expect(error?.field == "password")
        #expect(error?.detail == "password must be at most 72 bytes")
    }
}
