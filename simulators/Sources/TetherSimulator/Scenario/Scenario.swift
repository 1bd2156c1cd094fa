import Foundation
public import TetherGeo

/// A scenario: people, their phones and devices, their alert settings, how everything moves
/// and reports over event time, and the alerts that must follow.
///
/// Read one with ``ScenarioLoader``; the format is described in `simulators/scenarios/README.md`.
public struct Scenario: Sendable, Hashable, Decodable {
    /// The file's name without `.json` unless the file names itself.
    public var name: String
    public var description: String?
    public var start: ScenarioStart
    /// Seeds every random choice (jitter, random walks, shuffles).
    public var seed: UInt64
    /// Named positions the rest of the file refers to.
    public var places: [String: Coordinate]
    public var accessPoints: [RadioTransmitter]
    public var cellTowers: [RadioTransmitter]
    public var owners: [ScenarioOwner]
    /// How devices upload, unless a device says otherwise.
    public var upload: UploadSettings
    /// Runs of the same scenario with other upload settings; each must pass, and all must give
    /// the same alerts.
    public var variants: [Variant]
    public var expect: Expectations
    /// The regions of a scenario across regions; empty for a scenario against one server.
    public var regions: [ScenarioRegion]

    /// Whether the scenario runs across regions (it lists ``regions``).
    public var spansRegions: Bool { !self.regions.isEmpty }

    /// Another way of uploading the same scenario: upload settings for every device, or for
    /// some by name, and the expectations when they differ from the scenario's.
    public struct Variant: Sendable, Hashable, Decodable {
        public var name: String
        public var upload: UploadSettings
        /// Upload settings of single devices, by name, over ``upload``.
        public var devices: [String: UploadSettings]
        /// What this variant must lead to; the scenario's ``Scenario/expect`` when `nil`.
        public var expect: Expectations?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, upload, devices, expect
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decode(String.self, forKey: .name)
            self.upload = try container.decodeIfPresent(UploadSettings.self, forKey: .upload) ?? UploadSettings()
            self.devices = try container.decodeIfPresent([String: UploadSettings].self, forKey: .devices) ?? [:]
            self.expect = try container.decodeIfPresent(Expectations.self, forKey: .expect)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, start, seed, places, owners, upload, variants, expect, regions
        case accessPoints = "access_points"
        case cellTowers = "cell_towers"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decodeIfPresent(String.self, forKey: .name) ?? "scenario"
        self.description = try container.decodeIfPresent(String.self, forKey: .description)
        self.start = try container.decode(ScenarioStart.self, forKey: .start)
        self.seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1
        self.places = decoder.userInfo[.scenarioPlaces] as? [String: Coordinate] ?? [:]
        self.accessPoints = try container.decodeIfPresent([RadioTransmitter].self, forKey: .accessPoints) ?? []
        self.cellTowers = try container.decodeIfPresent([RadioTransmitter].self, forKey: .cellTowers) ?? []
        self.owners = try container.decode([ScenarioOwner].self, forKey: .owners)
        guard !self.owners.isEmpty else { throw container.invalid(.owners, "must list at least one owner") }
        self.upload = try container.decodeIfPresent(UploadSettings.self, forKey: .upload) ?? UploadSettings()
        self.variants = try container.decodeIfPresent([Variant].self, forKey: .variants) ?? []
        self.expect = try container.decodeIfPresent(Expectations.self, forKey: .expect) ?? Expectations()
        self.regions = try container.decodeIfPresent([ScenarioRegion].self, forKey: .regions) ?? []
    }

    /// Whether a backup step restarts the home server (`restart_server_after`): the run then
    /// needs a ``ServerRestarter``.
    public var restartsServer: Bool {
        self.owners.contains { owner in
            owner.backup?.steps.contains(where: \.restartsServer) ?? false
        }
    }

    /// Every device of every owner, in file order.
    public var devices: [ScenarioDevice] { self.owners.flatMap(\.devices) }
}

/// The named places of a scenario file, read first so every point can refer to them. A place
/// may be given relative to another one (`{"place": "home", "east": "400m"}`).
struct ScenarioPlaces: Decodable {
    var places: [String: Coordinate]

    enum CodingKeys: String, CodingKey {
        case places
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.places) else {
            self.places = [:]
            return
        }
        let nested = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .places)
        var pending = Set(nested.allKeys.map(\.stringValue))
        var places: [String: Coordinate] = [:]
        // Each pass resolves the places whose base is known by now.
        while !pending.isEmpty {
            var progressed = false
            for name in pending.sorted() {
                let key = AnyKey(name)
                let base = try nested.nestedContainer(keyedBy: ScenarioPoint.CodingKeys.self, forKey: key)
                if let other = try base.decodeIfPresent(String.self, forKey: .place), places[other] == nil {
                    guard pending.contains(other), other != name else {
                        throw base.invalid(.place, "no place named '\(other)'")
                    }
                    continue
                }
                let decoder = try nested.superDecoder(forKey: key)
                places[name] = try ScenarioPoint(from: decoder, places: places).coordinate
                pending.remove(name)
                progressed = true
            }
            if !progressed, let name = pending.sorted().first {
                let base = try nested.nestedContainer(keyedBy: ScenarioPoint.CodingKeys.self, forKey: AnyKey(name))
                throw base.invalid(.place, "places refer to each other in a circle")
            }
        }
        self.places = places
    }
}
