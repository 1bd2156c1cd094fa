public import Foundation
import TetherGeo

/// Reads scenario files, and finds them by name in the scenario folder.
public enum ScenarioLoader {
    /// Reads the scenario in `url`; its name defaults to the file's name without `.json`.
    ///
    /// - Throws: ``ScenarioError`` naming the field at fault.
    public static func load(contentsOf url: URL) throws(ScenarioError) -> Scenario {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ScenarioError(file: url.lastPathComponent, field: "", problem: "cannot be read (\(error))")
        }
        return try self.decode(data, file: url.lastPathComponent)
    }

    /// Reads a scenario from `data`, naming `file` in errors.
    ///
    /// - Throws: ``ScenarioError`` naming the field at fault.
    public static func decode(_ data: Data, file: String) throws(ScenarioError) -> Scenario {
        var scenario: Scenario
        do {
            let places = try JSONDecoder().decode(ScenarioPlaces.self, from: data).places
            let decoder = JSONDecoder()
            decoder.userInfo[.scenarioPlaces] = places
            scenario = try decoder.decode(Scenario.self, from: data)
            if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], object["name"] == nil {
                scenario.name = file.hasSuffix(".json") ? String(file.dropLast(5)) : file
            }
        } catch let error as DecodingError {
            throw ScenarioError(file: file, decoding: error)
        } catch {
            throw ScenarioError(file: file, field: "", problem: "is not valid JSON (\(error))")
        }
        try ScenarioValidation.check(scenario, file: file)
        return scenario
    }

    /// The scenario files in `directory`, sorted by name.
    public static func files(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The file `reference` names: a path to a file, or the name of one in `directory`
    /// (`walk-away` or `walk-away.json`).
    public static func file(_ reference: String, in directory: URL?) -> URL {
        let direct = URL(fileURLWithPath: reference)
        if FileManager.default.fileExists(atPath: direct.path) || reference.contains("/") || directory == nil {
            return direct
        }
        let name = reference.hasSuffix(".json") ? reference : reference + ".json"
        return directory!.appendingPathComponent(name)
    }

    /// `simulators/scenarios` in the nearest folder above `start` (the working directory, then
    /// the executable's folder) that has one.
    public static func defaultDirectory(searchingFrom starts: [URL]) -> URL? {
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("simulators/scenarios", isDirectory: true)
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        return nil
    }
}
