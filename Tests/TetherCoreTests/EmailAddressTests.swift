import Testing
import TetherCore

struct EmailAddressTests {
    @Test(arguments: [
        ("ada@example.org", "ada@example.org"),
        ("  Ada@Example.ORG \n", "ada@example.org"),
        ("\tGRACE.HOPPER+navy@Mail.Example.co.uk", "grace.hopper+navy@mail.example.co.uk"),
        ("x@y.z", "x@y.z"),
    ])
    func normalisesByTrimmingAndLowerCasing(input: String, expected: String) throws {
        let email = try EmailAddress(input)
        #expect(email.value == expected)
        #expect(email.description == expected)
    }

    @Test
    func differentlyTypedAddressesAreEqual() throws {
        #expect(try EmailAddress(" Ada@Example.org") == EmailAddress("ada@example.org "))
        #expect(try EmailAddress("ada@example.org") != EmailAddress("ada@example.com"))
    }

    @Test(arguments: [
        "",
        "   ",
        "ada",
        "ada@",
        "@example.org",
        "ada@example",
        "ada@@example.org",
        "ada@bob@example.org",
        "ada@.org",
        "ada@example.",
        "ada@example..org",
        "ada lovelace@example.org",
        "ada@exa mple.org",
        "ada\u{7F}@example.org",
        "ada\u{01}@example.org",
        "ada\t@example.org",
    ])
    func rejectsMalformedAddresses(input: String) {
        #expect(invalidField { _ = try EmailAddress(input) } == "email")
    }

    @Test
    func rejectsAddressesLongerThanTheLimit() throws {
        let domain = "@example.org"
        let longest = String(repeating: "a", count: EmailAddress.maximumLength - domain.count) + domain
        #expect(try EmailAddress(longest).value.count == EmailAddress.maximumLength)
        #expect(invalidField { _ = try EmailAddress("a" + longest) } == "email")
    }

    @Test
    func rejectsAddressesOfFewCharactersButTooManyBytes() throws {
        let domain = "@example.org"
        let byteLimit = EmailAddress.maximumLength * 4
        // "b" and "a" under 501 accents: two characters, 1,004 bytes; with the domain, 1,016.
        let local = "b" + "a" + String(repeating: "\u{301}", count: 501)
        let longest = local + domain
        #expect(longest.count == 2 + domain.count)
        #expect(longest.utf8.count == byteLimit)
        #expect(try EmailAddress(longest).value == longest)
        #expect(invalidField { _ = try EmailAddress("c" + longest) } == "email")
        let zalgo = String(repeating: "a" + String(repeating: "\u{301}", count: 20), count: 50) + domain
        #expect(zalgo.count <= EmailAddress.maximumLength)
        #expect(invalidField { _ = try EmailAddress(zalgo) } == "email")
    }

    @Test
    func errorDetailReadsAsASentenceAboutTheField() {
        let error = thrownError { _ = try EmailAddress("") }
        #expect(error == .invalidField("email", "is required"))
        #expect(error?.detail == "email is required")
    }
}
