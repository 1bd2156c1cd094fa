import Testing
import TetherCore

struct DeviceClaimTests {
    @Test
    func defaultsToATrackerNamedAfterItsModel() throws {
        let claim = try DeviceClaim(serial: "SN-0001", model: "TAG-1", kind: nil)
        #expect(claim.kind == .tracker)
        #expect(claim.name == "TAG-1")
        #expect(claim.hardwareVersion == nil)
        #expect(claim.softwareVersion == nil)
    }

    @Test
    func keepsGivenValuesTrimmed() throws {
        let claim = try DeviceClaim(
            serial: "  AB:CD_01.x-9 ",
            model: " Buds Pro ",
            kind: .earbuds,
            name: " Ada's buds\n",
            hardwareVersion: "rev B",
            softwareVersion: " 2.1.0 "
        )
        #expect(claim.serial == "AB:CD_01.x-9")
        #expect(claim.model == "Buds Pro")
        #expect(claim.kind == .earbuds)
        #expect(claim.name == "Ada's buds")
        #expect(claim.hardwareVersion == "rev B")
        #expect(claim.softwareVersion == "2.1.0")
    }

    @Test
    func acceptsSixtyFourCharactersButNotSixtyFive() throws {
        let longest = String(repeating: "a", count: DeviceField.maximumLength)
        let claim = try DeviceClaim(serial: longest, model: longest, kind: nil, name: longest)
        #expect(claim.serial.count == 64)
        #expect(invalidField { _ = try DeviceClaim(serial: longest + "a", model: "m", kind: nil) } == "serial")
        #expect(invalidField { _ = try DeviceClaim(serial: "s", model: longest + "a", kind: nil) } == "model")
    }

    /// Whitespace is trimmed scalar by scalar, as the contract's pattern judges it: a combining mark
    /// after a space is a label, not blank (the fuzzed contract).
    @Test(arguments: ["model", "name", "hw_version", "sw_version"])
    func aCombiningMarkAfterASpaceIsNotBlank(field: String) throws {
        let claim = try self.claim(field, " \u{301}")
        #expect([claim.model, claim.name, claim.hardwareVersion, claim.softwareVersion].contains("\u{301}"))
        #expect(invalidField { _ = try self.claim(field, " \u{2003}\n") } == field)
    }

    @Test(arguments: ["model", "name", "hw_version", "sw_version"])
    func labelsOfStackedCombiningMarksAreRefusedByTheirBytes(field: String) {
        // 64 characters, each a letter under eight accents: within the character limit, 1,088 bytes.
        let zalgo = String(repeating: "a" + String(repeating: "\u{301}", count: 8), count: DeviceField.maximumLength)
        #expect(zalgo.count == DeviceField.maximumLength)
        #expect(zalgo.utf8.count > DeviceField.maximumBytes)
        #expect(invalidField { _ = try self.claim(field, zalgo) } == field)
    }

    @Test(arguments: ["model", "name", "hw_version", "sw_version"])
    func labelsMayHoldTwoHundredFiftySixBytesButNotMore(field: String) throws {
        // Two characters: "a" under 127 accents (255 bytes) and "b".
        let longest = "a" + String(repeating: "\u{301}", count: 127) + "b"
        #expect(longest.utf8.count == DeviceField.maximumBytes)
        let claim = try self.claim(field, longest)
        #expect([claim.model, claim.name, claim.hardwareVersion, claim.softwareVersion].contains(longest))
        #expect(invalidField { _ = try self.claim(field, longest + "c") } == field)
        // Multi-byte letters count by characters while the bytes fit: 64 × 4 bytes.
        let emoji = String(repeating: "\u{1F511}", count: DeviceField.maximumLength)
        #expect(emoji.utf8.count == DeviceField.maximumBytes)
        #expect(invalidField { _ = try self.claim(field, emoji) } == nil)
    }

    /// A claim with `value` in `field` and valid values elsewhere.
    private func claim(_ field: String, _ value: String) throws -> DeviceClaim {
        try DeviceClaim(
            serial: "SN-1",
            model: field == "model" ? value : "TAG-1",
            kind: nil,
            name: field == "name" ? value : nil,
            hardwareVersion: field == "hw_version" ? value : nil,
            softwareVersion: field == "sw_version" ? value : nil
        )
    }

    @Test(arguments: ["", "   ", "SN 0001", "SN/0001", "SN#1", "séria", "SN\u{0}1"])
    func rejectsBadSerials(serial: String) {
        #expect(invalidField { _ = try DeviceClaim(serial: serial, model: "TAG-1", kind: nil) } == "serial")
    }

    @Test(
        arguments: [
            ("SN-1", "", nil, nil, nil, "model"),
            ("SN-1", "  ", nil, nil, nil, "model"),
            ("SN-1", "TAG\u{7}1", nil, nil, nil, "model"),
            ("SN-1", "TAG-1", "", nil, nil, "name"),
            ("SN-1", "TAG-1", "Ada\u{1B}[31m", nil, nil, "name"),
            ("SN-1", "TAG-1", nil, "", nil, "hw_version"),
            ("SN-1", "TAG-1", nil, String(repeating: "9", count: 65), nil, "hw_version"),
            ("SN-1", "TAG-1", nil, nil, "", "sw_version"),
            ("SN-1", "TAG-1", nil, nil, "1.0\n2.0", "sw_version"),
            ("bad serial", "", "", "", "", "serial"),
        ] as [(String, String, String?, String?, String?, String)]
    )
    func namesTheFirstBadField(
        serial: String,
        model: String,
        name: String?,
        hardware: String?,
        software: String?,
        field: String
    ) {
        let named = invalidField {
            _ = try DeviceClaim(
                serial: serial,
                model: model,
                kind: .camera,
                name: name,
                hardwareVersion: hardware,
                softwareVersion: software
            )
        }
        #expect(named == field)
    }

    @Test
    func deviceKindsUseTheWireNames() {
        #expect(DeviceKind.powerBank.rawValue == "power_bank")
        #expect(DeviceKind(rawValue: "power_bank") == .powerBank)
        #expect(DeviceKind.allCases.count == 8)
    }
}
