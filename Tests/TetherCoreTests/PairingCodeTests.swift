import PropertyBased
import Testing
import TetherCore

struct PairingCodeTests {
    @Test
    func alphabetHasNoLookAlikes() {
        #expect(PairingCode.alphabet.count == 30)
        #expect(Set(PairingCode.alphabet).count == 30)
        for lookAlike in "0O1ILU" {
            #expect(!PairingCode.alphabet.contains(lookAlike))
        }
    }

    @Test
    func randomCodesAreEightAlphabetCharactersShownWithADash() {
        for _ in 0..<200 {
            let code = PairingCode.random()
            #expect(code.normalised.count == PairingCode.length)
            #expect(code.normalised.allSatisfy { PairingCode.alphabet.contains($0) })
            let shown = Array(code.description)
            #expect(shown.count == 9)
            #expect(shown[4] == "-")
            #expect(String(shown[0..<4] + shown[5...]) == code.normalised)
        }
    }

    @Test
    func randomCodesDiffer() {
        let codes = Set((0..<500).map { _ in PairingCode.random() })
        #expect(codes.count == 500)
    }

    @Test(arguments: ["K7QW-3MZP", "k7qw-3mzp", "K7QW3MZP", " k7qw 3mzp ", "K-7-Q-W-3-M-Z-P", "k7QW\t3Mzp\n"])
    func parsingIgnoresCaseDashesAndSpaces(text: String) throws {
        let code = try PairingCode(parsing: text)
        #expect(code.normalised == "K7QW3MZP")
        #expect(code.description == "K7QW-3MZP")
        #expect(code == (try PairingCode(parsing: "K7QW-3MZP")))
    }

    @Test(arguments: ["", "K7QW-3MZ", "K7QW-3MZPA", "K0QW-3MZP", "K7QW-3MZI", "LUO1-3MZP", "K7QW_3MZP", "K7QW.3MZP"])
    func rejectsTextThatCannotBeACode(text: String) {
        #expect(invalidField { _ = try PairingCode(parsing: text) } == "code")
    }

    @Test
    func parsingTheShownCodeGivesTheCodeBack() async {
        let characters = Gen.element(of: PairingCode.alphabet).map { $0! }
        await propertyCheck(input: characters.array(of: PairingCode.length)) { characters in
            let code = try PairingCode(parsing: String(characters))
            #expect(try PairingCode(parsing: code.description) == code)
            #expect(try PairingCode(parsing: code.description.lowercased()) == code)
            #expect(code.normalised == String(characters))
        }
    }

    @Test
    func parsingIgnoresSeparatorsAnywhere() async {
        let separators = Gen.element(of: ["", "-", " ", "--", " - "]).map { $0! }
        await propertyCheck(input: separators.array(of: PairingCode.length), Gen.bool) { gaps, lowered in
            let code = PairingCode.random()
            var typed = zip(code.normalised, gaps).map { "\($0)\($1)" }.joined()
            if lowered { typed = typed.lowercased() }
            let parsed = try PairingCode(parsing: typed)
            #expect(parsed == code)
        }
    }
}
