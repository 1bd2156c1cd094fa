import Foundation
import Testing
import TetherTesting

/// `tether fences` against a real `tetherd`: circles and GeoJSON polygons, per device or
/// account-wide; a bad shape fails naming its field and adds nothing.
@Suite("tether fences")
struct FencesCLITests {
    @Test func addListRemoveAndBadGeoJSON() async throws {
        try await AlertsCLIServer.withRegistered("fences@example.org") { cli, _ in
            let tracker = try await cli.pairDevice(kind: "tracker", serial: "FENCE-T")
            let home = try #require(
                try await cli.json(
                    "fences",
                    "add",
                    "circle",
                    "--name",
                    "Home",
                    "--lat",
                    "52.52",
                    "--lon",
                    "13.405",
                    "--radius",
                    "100m",
                    "--safe"
                ) as? [String: Any]
            )
            #expect(home["role"] as? String == "safe")
            #expect(home.keys.contains("device_id") && home["device_id"] is NSNull)
            let homeID = try #require(home["id"] as? String)
            let geometry = try #require((home["geojson"] as? [String: Any])?["geometry"] as? [String: Any])
            #expect(geometry["type"] as? String == "Point")

            let directory = TemporaryDirectory.make(prefix: "tether-fences")
            defer { TemporaryDirectory.remove(directory) }
            let park = directory.appendingPathComponent("park.geojson")
            try Data(Self.park(closed: true).utf8).write(to: park)
            let polygon = try #require(
                try await cli.json(
                    "fences",
                    "add",
                    "polygon",
                    "--name",
                    "Park",
                    "--geojson",
                    park.path,
                    "--keep-out",
                    "--device",
                    tracker.id
                ) as? [String: Any]
            )
            #expect(polygon["role"] as? String == "keep_out")
            #expect(polygon["device_id"] as? String == tracker.id)

            let all = try #require(try await cli.json("fences", "list") as? [[String: Any]])
            #expect(all.map { $0["name"] as? String } == ["Home", "Park"])
            let table = try await cli.run("fences", "list", "--device", tracker.id)
            #expect(table.stdout.contains("circle 100 m") && table.stdout.contains("Park"))

            // An unclosed ring: the server names the field; nothing is added.
            let open = directory.appendingPathComponent("open.geojson")
            try Data(Self.park(closed: false).utf8).write(to: open)
            let unclosed = try await cli.run(
                "fences",
                "add",
                "polygon",
                "--name",
                "Bad",
                "--geojson",
                open.path,
                "--keep-in"
            )
            #expect(unclosed.status == 1)
            #expect(unclosed.stderr.contains("geojson.geometry.coordinates"))
            let notJSON = directory.appendingPathComponent("notes.txt")
            try Data("a park, roughly".utf8).write(to: notJSON)
            let garbage = try await cli.run(
                "fences",
                "add",
                "polygon",
                "--name",
                "Bad",
                "--geojson",
                notJSON.path,
                "--safe"
            )
            #expect(garbage.status == 64)
            #expect(garbage.stderr.contains("--geojson"))
            let noRole = try await cli.run(
                "fences",
                "add",
                "circle",
                "--name",
                "X",
                "--lat",
                "1",
                "--lon",
                "2",
                "--radius",
                "10m"
            )
            #expect(noRole.status == 64)
            #expect(noRole.stderr.contains("--keep-in"))
            let badRadius = try await cli.run(
                "fences",
                "add",
                "circle",
                "--name",
                "X",
                "--lat",
                "1",
                "--lon",
                "-2",
                "--radius",
                "-10m",
                "--safe"
            )
            #expect(badRadius.status == 64)
            #expect(badRadius.stderr.contains("--radius"))
            let badLatitude = try await cli.run(
                "fences",
                "add",
                "circle",
                "--name",
                "X",
                "--lat",
                "91",
                "--lon",
                "2",
                "--radius",
                "10m",
                "--safe"
            )
            #expect(badLatitude.status == 1)
            #expect(badLatitude.stderr.contains("circle"))
            #expect((try await cli.json("fences", "list") as? [Any])?.count == 2)

            let removed = try #require(try await cli.json("fences", "remove", homeID) as? [String: Any])
            #expect(removed["name"] as? String == "Home")
            let again = try await cli.run("fences", "remove", homeID)
            #expect(again.status == 1)
            #expect(again.stderr.contains("not_found"))
            let left = try #require(try await cli.json("fences", "list") as? [[String: Any]])
            #expect(left.map { $0["name"] as? String } == ["Park"])
        }
    }

    /// A small square park in Berlin; `closed: false` leaves the ring open.
    private static func park(closed: Bool) -> String {
        let ring =
            ["[13.40, 52.51]", "[13.41, 52.51]", "[13.41, 52.52]", "[13.40, 52.52]"]
            + (closed ? ["[13.40, 52.51]"] : [])
        return """
            {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
             "geometry": {"type": "Polygon", "coordinates": [[\(ring.joined(separator: ", "))]]}}]}
            """
    }
}
