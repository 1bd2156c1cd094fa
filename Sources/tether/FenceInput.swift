import ArgumentParser
import Foundation
import OpenAPIRuntime
import TetherAPI

/// `--safe`, `--keep-in` or `--keep-out`: what a fence means; exactly one is required.
struct FenceRoleOptions: ParsableArguments {
    /// The three flags, as ArgumentParser reads one of them.
    enum Role: String, EnumerableFlag {
        case safe
        case keepIn
        case keepOut

        static func help(for value: Self) -> ArgumentHelp? {
            switch value {
            case .safe: "A safe place: no anti-lost alert while the device is inside."
            case .keepIn: "Alert when the device leaves it."
            case .keepOut: "Alert when the device enters it."
            }
        }
    }

    @Flag var role: Role?

    func validate() throws {
        guard self.role != nil else {
            throw ValidationError("give the fence's role: one of --safe, --keep-in or --keep-out")
        }
    }

    /// The role as the API names it.
    var apiRole: Components.Schemas.FenceRole {
        switch self.role {
        case .safe, nil: .safe
        case .keepIn: .keepIn
        case .keepOut: .keepOut
        }
    }
}

/// Reads a fence's shape from a GeoJSON file: a Feature, a bare Polygon or MultiPolygon, or a
/// FeatureCollection of exactly one feature. The server checks the geometry itself.
enum GeoJSONFile {
    static func read(_ path: String) throws -> Components.Schemas.FenceRequest.GeojsonPayload {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("--geojson: cannot read \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ValidationError("--geojson: \(path) is not a JSON object")
        }
        var shape = object
        if object["type"] as? String == "FeatureCollection" {
            guard let features = object["features"] as? [[String: Any]], features.count == 1 else {
                throw ValidationError("--geojson: a FeatureCollection must hold exactly one feature")
            }
            shape = features[0]
        }
        do {
            let container = try JSONDecoder().decode(
                OpenAPIObjectContainer.self,
                from: try JSONSerialization.data(withJSONObject: shape)
            )
            return .init(additionalProperties: container)
        } catch {
            throw ValidationError("--geojson: \(path) holds values that are not JSON")
        }
    }
}
