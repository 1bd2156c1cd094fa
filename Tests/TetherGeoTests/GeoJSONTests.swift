import Foundation
import Testing
import TetherGeo

struct GeoJSONTests {
    static func decode(_ json: String) throws -> [FenceGeometry] {
        try JSONDecoder().decode(FenceCollection.self, from: Data(json.utf8)).fences
    }

    static func collection(_ features: String...) -> String {
        #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
    }

    @Test func circlesPolygonsAndMultiPolygonsDecodeInFeatureOrder() throws {
        let fences = try Self.decode(
            Self.collection(
                #"{"type":"Feature","id":0,"geometry":{"type":"Point","coordinates":[13.4,52.5]},"properties":{"radius_m":250}}"#,
                #"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[0.2,0.2],[0.2,0.4],[0.4,0.4],[0.2,0.2]]]},"properties":{}}"#,
                #"{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[179,-17],[180,-17],[180,-16],[179,-17]]],[[[-180,-17],[-179,-17],[-180,-16],[-180,-17]]]]},"properties":null}"#
            )
        )
        #expect(fences.count == 3)
        #expect(fences[0] == .circle(center: coordinate(52.5, 13.4), radius: 250))
        guard case .polygon(let polygon) = fences[1] else {
            Issue.record("expected a polygon")
            return
        }
        #expect(polygon.holes.count == 1)
        guard case .multiPolygon(let parts) = fences[2] else {
            Issue.record("expected a multipolygon")
            return
        }
        #expect(parts.count == 2)
    }

    @Test(arguments: [
        (#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}"#, "not closed"),
        (
            #"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}}"#,
            "at least 4 positions"
        ),
        (
            #"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],["a",0],[1,1],[0,0]]]}}"#,
            "wrong type"
        ),
        (#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,95],[1,1],[0,0]]]}}"#, "latitude"),
        (#"{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{}}"#, "radius_m"),
        (
            #"{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{"radius_m":-5}}"#,
            "radius_m"
        ),
        (#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}"#, "LineString"),
        (#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0],[0,0]]]}}"#, "3 distinct"),
    ])
    func invalidFeaturesAreRefusedNamingTheFeatureIndexAndTheProblem(feature: String, problem: String) {
        let valid = #"{"type":"Feature","geometry":{"type":"Point","coordinates":[0,0]},"properties":{"radius_m":5}}"#
        do {
            _ = try Self.decode(Self.collection(valid, valid, feature))
            Issue.record("decoding should fail")
        } catch let error as GeoError {
            #expect(error.featureIndex == 2)
            #expect(error.description.contains(problem), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func aDocumentThatIsNotAFeatureCollectionIsRefused() {
        #expect(throws: GeoError.self) { try Self.decode(#"{"type":"Feature","features":[]}"#) }
    }
}
