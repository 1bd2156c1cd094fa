import Foundation
import Testing
import TetherCore
import TetherServer
import TetherSync
import TetherTesting

/// What `tetherd` requires of a deployment's regions before it starts: keys and https off
/// loopback, and its own key file matching its entry.
@Suite struct PeerSettingsTests {
    static func settings(_ values: [String: String]) throws -> ServerSettings {
        try ServerSettings(resolving: SettingSources(file: values))
    }

    static func field(_ values: [String: String]) -> TetherError? {
        do {
            _ = try Self.settings(values)
            return nil
        } catch let error as TetherError {
            return error
        } catch {
            return nil
        }
    }

    @Test func offLoopbackEveryRegionListsKeysAndIsReachedOverHTTPS() throws {
        let keyless = try RegionDirectoryFile.write([
            .init(id: "eu", port: 9, group: "eu", url: URL(string: "https://eu.example")!),
            .init(id: "us", port: 9, group: "us", url: URL(string: "https://us.example")!, hasKeys: false),
        ])
        let refused = Self.field([
            "region": "eu", "regions": keyless.path,
            "region-key": RegionDirectoryFile.keyFile(for: "eu", regions: keyless).path,
        ])
        #expect(refused?.field == "regions[1]", "\(String(describing: refused))")
        #expect(refused?.detail.contains("\"us\" lists no signing_key") == true)

        let plain = try RegionDirectoryFile.write([
            .init(id: "eu", port: 9, group: "eu", url: URL(string: "https://eu.example")!),
            .init(id: "us", port: 9, group: "us", url: URL(string: "http://us.example")!),
        ])
        let http = Self.field([
            "region": "eu", "regions": plain.path,
            "region-key": RegionDirectoryFile.keyFile(for: "eu", regions: plain).path,
        ])
        #expect(http?.field == "regions[1].url", "\(String(describing: http))")

        let sound = try RegionDirectoryFile.write([
            .init(id: "eu", port: 9, group: "eu", url: URL(string: "https://eu.example")!),
            .init(id: "us", port: 9, group: "us", url: URL(string: "https://us.example")!),
        ])
        let settings = try Self.settings([
            "region": "eu", "regions": sound.path,
            "region-key": RegionDirectoryFile.keyFile(for: "eu", regions: sound).path,
        ])
        #expect(settings.config.regionKeyring?.region.rawValue == "eu")
        #expect(settings.config.peerWarnings.isEmpty)
    }

    @Test func theKeyFileMustHoldTheKeysTheRegionsFileListsForThisRegion() throws {
        let file = try RegionDirectoryFile.write([
            .init(id: "eu", port: 9, group: "eu"), .init(id: "us", port: 10, group: "us"),
        ])
        let missing = Self.field([
            "region": "eu", "regions": file.path, "region-key": "/nonexistent/eu.region-key",
        ])
        #expect(missing?.field == "region-key")
        #expect(missing?.detail.contains("tetherd region-key init") == true)
        let others = Self.field([
            "region": "eu", "regions": file.path,
            "region-key": RegionDirectoryFile.keyFile(for: "us", regions: file).path,
        ])
        #expect(others?.detail.contains("region \"us\"") == true, "\(String(describing: others))")
        let unlisted = FileManager.default.temporaryDirectory.appendingPathComponent("tether-\(UUID()).region-key")
        defer { try? FileManager.default.removeItem(at: unlisted) }
        try RegionKeyring(region: RegionID(rawValue: "eu")!, pairs: [.generate()]).write(to: unlisted)
        let stranger = Self.field(["region": "eu", "regions": file.path, "region-key": unlisted.path])
        #expect(stranger?.detail.contains("not among those the regions file lists") == true)
    }

    @Test func aLoopbackDeploymentMayRunWithoutKeysWithAWarning() throws {
        let file = try RegionDirectoryFile.write([
            .init(id: "eu", port: 9, group: "eu", hasKeys: false),
            .init(id: "us", port: 10, group: "us", hasKeys: false),
        ])
        let settings = try Self.settings(["region": "eu", "regions": file.path])
        #expect(settings.config.regionKeyring == nil)
        #expect(settings.config.peerWarnings.first?.contains("eu, us") == true)
    }
}
