import Testing
import TetherCore

struct SignupLocationTests {
    @Test(arguments: [
        (0.0, 0.0),
        (-90.0, -180.0),
        (90.0, 180.0),
        (51.5072, -0.1276),
        (-33.8688, 151.2093),
    ])
    func acceptsPositionsInRange(latitude: Double, longitude: Double) throws {
        let location = try SignupLocation(latitude: latitude, longitude: longitude)
        #expect(location.latitude == latitude)
        #expect(location.longitude == longitude)
    }

    @Test(arguments: [
        (90.000_001, 0.0, "latitude"),
        (-90.5, 0.0, "latitude"),
        (Double.nan, 0.0, "latitude"),
        (Double.infinity, 0.0, "latitude"),
        (-Double.infinity, 0.0, "latitude"),
        (0.0, 180.000_001, "longitude"),
        (0.0, -181.0, "longitude"),
        (0.0, Double.nan, "longitude"),
        (0.0, -Double.infinity, "longitude"),
        (Double.nan, Double.nan, "latitude"),
    ])
    func rejectsPositionsOutOfRangeNamingTheField(latitude: Double, longitude: Double, field: String) {
        #expect(invalidField { _ = try SignupLocation(latitude: latitude, longitude: longitude) } == field)
    }
}

struct RegionIDTests {
    @Test(arguments: ["eu", "us-east", "local", "ap-south-1", String(repeating: "a", count: 32)])
    func acceptsLowerCaseLettersDigitsAndDashes(text: String) throws {
        #expect(RegionID(rawValue: text)?.rawValue == text)
        #expect(try RegionID(validating: text).description == text)
    }

    @Test(arguments: ["", "EU", "eu_west", "eu west", "eu.west", "région", String(repeating: "a", count: 33)])
    func rejectsAnythingElse(text: String) {
        #expect(RegionID(rawValue: text) == nil)
        #expect(invalidField { _ = try RegionID(validating: text) } == "region")
        #expect(invalidField { _ = try RegionID(validating: text, field: "home") } == "home")
    }
}
