import Foundation
import Testing
import TetherCore
import TetherGeo
import TetherSync

@Suite struct RegionDirectoryTests {
    static let example = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("protocols/regions.example.json")

    @Test func theExampleDirectoryLoads() throws {
        let directory = try RegionDirectory.load(from: Self.example)
        #expect(directory.regions.map(\.id.rawValue) == ["eu", "eu-north", "us", "sg"])
        #expect(directory.region(RegionID(rawValue: "eu")!)?.replicas == [RegionID(rawValue: "eu-north")!])
        #expect(directory.peers(of: RegionID(rawValue: "eu")!).count == 3)
    }

    @Test(arguments: [
        (48.14, 11.58, "eu"),  // Munich
        (40.71, -74.0, "us"),  // New York
        (1.29, 103.85, "sg"),  // Singapore
        (38.7, -27.2, "eu"),  // the Azores, just outside the European box: nearest edge
        (-33.9, 151.2, "sg"),  // Sydney, in no area: the nearest is Singapore's
    ])
    func aLocationResolvesToItsHomeRegion(latitude: Double, longitude: Double, region: String) throws {
        let directory = try RegionDirectory.load(from: Self.example)
        let home = directory.homeRegion(for: try Coordinate(latitude: latitude, longitude: longitude))
        #expect(home.id.rawValue == region)
    }

    @Test func aReplicaOutsideItsGroupIsRefused() throws {
        let text = try String(contentsOf: Self.example, encoding: .utf8)
            .replacingOccurrences(of: #""replicas": ["eu-north"]"#, with: #""replicas": ["us"]"#)
        #expect(
            throws: TetherError.invalidField(
                "regions[0].replicas",
                "\"us\" is in group \"us\"; replicas must stay in \"eu\""
            )
        ) {
            try RegionDirectory.decode(Data(text.utf8))
        }
    }

    @Test(arguments: [
        (#""id": "eu-north""#, #""id": "eu""#, "regions[1].id"),
        (#""url": "http://127.0.0.1:8083""#, #""url": "ftp://x""#, "regions[2].url"),
        (#""replicas": ["eu"]"#, #""replicas": ["mars"]"#, "regions[1].replicas"),
        (
            #""directory_key": "dGV0aGVyLWV4YW1wbGUtZGlyZWN0b3J5LWtleS0zMi1ieXRlcyE=""#,
            #""directory_key": "c2hvcnQ=""#, "directory_key"
        ),
    ])
    func aBadDirectoryNamesTheField(original: String, replacement: String, field: String) throws {
        let text = try String(contentsOf: Self.example, encoding: .utf8)
        #expect(text.contains(original))
        do {
            _ = try RegionDirectory.decode(Data(text.replacingOccurrences(of: original, with: replacement).utf8))
            Issue.record("accepted a bad directory")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func theEmailHashIsKeyedAndStable() throws {
        let one = try DirectoryKey(bytes: Data(repeating: 1, count: 32))
        let two = try DirectoryKey(bytes: Data(repeating: 2, count: 32))
        let email = try EmailAddress("Ada@Example.org")
        #expect(one.emailHash(email) == one.emailHash(try EmailAddress("ada@example.org")))
        #expect(one.emailHash(email) != two.emailHash(email))
        #expect(one.emailHash(email).count == 64)
        #expect(!one.emailHash(email).contains("ada"))
        #expect(one.peerToken != two.peerToken)
    }
}
