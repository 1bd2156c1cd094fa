import Foundation
import Testing
import TetherTesting

/// The client programs speak HTTP only: no database library is linked into them. The check reads
/// the built binaries' bytes for GRDB's module name (in every Swift symbol it defines) and
/// SQLite's C API prefix; `tetherd`, which does link them, shows the check can see them.
@Suite
struct BinaryDependencyTests {
    private static func bytes(of executable: String) throws -> Data {
        try Data(contentsOf: CommandRunner.binaryDirectory.appendingPathComponent(executable), options: .alwaysMapped)
    }

    private static let databaseMarkers = ["GRDB", "sqlite3_"]

    @Test(arguments: ["tether", "tether-sim"])
    func aClientBinaryLinksNoDatabaseLibrary(executable: String) throws {
        let binary = try Self.bytes(of: executable)
        for marker in Self.databaseMarkers {
            #expect(binary.range(of: Data(marker.utf8)) == nil, "\(executable) contains \(marker)")
        }
    }

    @Test
    func theServerBinaryDoesLinkThem() throws {
        let binary = try Self.bytes(of: "tetherd")
        for marker in Self.databaseMarkers {
            #expect(binary.range(of: Data(marker.utf8)) != nil, "tetherd lacks \(marker)")
        }
    }
}
