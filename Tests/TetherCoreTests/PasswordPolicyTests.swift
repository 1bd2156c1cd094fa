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

    /// Ten Unicode scalars, as the contract's `minLength: 10` counts them, though combining
    /// marks make them fewer characters (the fuzzed contract: a schema-valid password was refused).
    @Test(arguments: ["e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}", "👩\u{200D}💻👩\u{200D}💻👩\u{200D}💻x"])
    func countsUnicodeScalarsAsTheContractDoes(password: String) {
        #expect(password.count < 10)
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

    /// bcrypt stops at a NUL: the rest would be silently ignored.
    @Test(arguments: ["correct horse\u{0}battery", "\u{0}0123456789", "0123456789\u{0}"])
    func rejectsPasswordsWithANulCharacter(password: String) {
        let error = thrownError { try PasswordPolicy.validate(password) }
        #expect(error?.field == "password")
        #expect(error?.detail == "password must not contain a NUL character")
    }
}
